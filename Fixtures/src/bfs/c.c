/* bfs/lib/libbfsc.so: NEEDED libbfsy.so, RUNPATH $ORIGIN/deep */
int bfs_y(int x);

int bfs_c(int x)
{
    return bfs_y(x) * 2;
}
