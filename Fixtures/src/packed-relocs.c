/* A library whose relative relocations are packed (DT_RELR, ld -z pack-relative-relocs):
 * the linker then adds GLIBC_ABI_DT_RELR to what it needs from libc.so.6, and glibc's
 * loader refuses it where libc.so.6 does not define that name (glibc before 2.36).
 * Its only other need is puts@GLIBC_2.2.5, so nothing else keeps it off an old glibc. */
#include <stdio.h>

static const char *names[] = {"alpha", "beta", "gamma", "delta"};
const char **packed_table = names;

void packed_hello(void) { puts(packed_table[1]); }
