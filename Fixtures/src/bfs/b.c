/* bfs/lib/libbfsb.so: NEEDED libbfsy.so, no RUNPATH: it finds libbfsy.so only already loaded, or
   through an RPATH it inherits */
int bfs_y(int x);

int bfs_b(int x)
{
    return bfs_y(x) + 1;
}
