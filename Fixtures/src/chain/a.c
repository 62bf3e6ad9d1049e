/* chain/lib/libchaina.so.1 (SONAME libchaina.so.1): NEEDED libchainb.so.1, as a library
 * COPYed into an image from a build stage needs what it was linked against */
int chain_b(int x);

int chain_a(int x)
{
    return chain_b(x) + 1;
}
