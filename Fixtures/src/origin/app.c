/* origin/bin/app: NEEDED libdep.so, RUNPATH $ORIGIN/../lib */
#include <stdio.h>

int dep_value(int x);

int main(void)
{
    printf("%d\n", dep_value(14));
    return 0;
}
