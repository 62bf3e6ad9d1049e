/* versions/user/libversuser.so.1 (SONAME libversuser.so.1): NEEDED libvers.so.1 with
 * vers_new@VERS_2.0, no RUNPATH: a library of the image that searches the DT_RPATH of the program
 * that loads it, and is held to the versions of the copy it finds there */
int vers_new(int x);

int vers_user(int x)
{
    return vers_new(x) + 1;
}
