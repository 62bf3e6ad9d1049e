/* bfs/lib/deep/libbfsy.so: found only through libbfsc.so's RUNPATH $ORIGIN/deep, or an RPATH naming lib/deep */
int bfs_y(int x)
{
    return x + 40;
}
