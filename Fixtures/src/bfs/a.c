/* bfs/lib/libbfsa.so: NEEDED libbfsc.so, RUNPATH $ORIGIN */
int bfs_c(int x);

int bfs_a(int x)
{
    return bfs_c(x) + 3;
}
