/* bfs/bin/app: NEEDED libbfsa.so libbfsb.so, RUNPATH $ORIGIN/../lib. glibc maps dependencies
   breadth first: libbfsb.so asks for libbfsy.so before libbfsc.so (mapped for libbfsa.so) has
   loaded it, so the program does not start.
   bfs/bin/app-b (-DONLY_B): NEEDED libbfsb.so only; with RUNPATH it does not start, with DT_RPATH
   $ORIGIN/../lib:$ORIGIN/../lib/deep (bin/app-b-rpath) libbfsb.so inherits it and it does. */
#include <stdio.h>

int bfs_b(int x);
#ifndef ONLY_B
int bfs_a(int x);
#endif

int main(void)
{
#ifdef ONLY_B
    printf("%d\n", bfs_b(2));
#else
    printf("%d\n", bfs_a(1) + bfs_b(2));
#endif
    return 0;
}
