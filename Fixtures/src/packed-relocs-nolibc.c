/* Packed relative relocations (DT_RELR) in a library that needs no libc.so.6: the linker then
 * writes no GLIBC_ABI_DT_RELR, and glibc before 2.36 loads it without applying them. Its
 * constructor's .init_array entry is such a relocation, so loading it crashes there
 * (LD_PRELOAD of it into /bin/true segfaults on bullseye, and runs on bookworm). */
static const char *names[] = {"alpha", "beta", "gamma"};
const char **nolibc_table = names;
volatile int nolibc_length;

__attribute__((constructor)) static void nolibc_start(void) {
    const char *name = nolibc_table[1];
    int length = 0;
    while (name[length]) length++;
    nolibc_length = length;
}

const char *nolibc_name(int index) { return nolibc_table[index]; }
