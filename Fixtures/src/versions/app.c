/* versions/bin/app: NEEDED libvers.so.1, vers_new@VERS_2.0, RUNPATH $ORIGIN/../lib: the
 * project ships lib/libvers.so.1 built before VERS_2.0 existed, so glibc's loader refuses the
 * program ("version `VERS_2.0' not found") whatever the image's own copy defines */
#include <stdio.h>

int vers_new(int x);

int main(void)
{
    printf("%d\n", vers_new(40));
    return 0;
}
