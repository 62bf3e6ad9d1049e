/* versions/bin/app-user: NEEDED libversuser.so.1 (from the image), DT_RPATH $ORIGIN/../lib: the
 * image's libversuser.so.1 inherits that RPATH and takes the project's lib/libvers.so.1 */
#include <stdio.h>

int vers_user(int x);

int main(void)
{
    printf("%d\n", vers_user(39));
    return 0;
}
