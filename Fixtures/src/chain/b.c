/* chain/lib/libchainb.so.1 (SONAME libchainb.so.1) */
int chain_b(int x)
{
    return x * 2;
}
