/* chain/bin/app: NEEDED libchaina.so.1, no RUNPATH: the image's own libraries */
#include <stdio.h>

int chain_a(int x);

int main(void)
{
    printf("%d\n", chain_a(14));
    return 0;
}
