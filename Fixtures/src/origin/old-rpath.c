/* origin/lib/libold-rpath.so: NEEDED libdep.so, DT_RPATH $ORIGIN */
int dep_value(int x);

int old_rpath_value(int x)
{
    return dep_value(x) + dep_value(x + 1);
}
