/* versions/{lib,new,plain}/libvers.so.1 (SONAME libvers.so.1): the same library built with
 * vers-1.map (VERS_1.0 only), vers-2.map (VERS_1.0 and VERS_2.0) and without a version
 * script (no .gnu.version_d: glibc accepts any version need against it) */
int vers_old(int x)
{
    return x + 1;
}

#ifdef WITH_NEW
int vers_new(int x)
{
    return x + 2;
}
#endif
