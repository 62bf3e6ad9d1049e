/* Stub libc.so.6 for the liar wheel (build-time only, never committed):
   versions from libc-stub.map (fcntl64@GLIBC_2.28 is real glibc's version
   of that symbol). Bodies are irrelevant. Built -fno-builtin. */
void memcpy(void) {}
void __cxa_finalize(void) {}
void fcntl64(void) {}
