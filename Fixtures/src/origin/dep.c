/* origin/lib/libdep.so (SONAME libdep.so) */
int dep_value(int x)
{
    return x * 3 + 1;
}
