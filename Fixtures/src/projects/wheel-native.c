/* The extension module inside the crafted wheels. CPython init function
   PyInit__native; calls libc. With -DUSE_FCNTL64 it is linked -nostdlib
   against the stub libc.so.6 (stubs/libc-stub.map) and calls
   fcntl64@GLIBC_2.28 (liar wheel); otherwise it is linked against the
   real glibc (wrongc wheel). */
typedef unsigned long size_t;
void *memcpy(void *dst, const void *src, size_t n);
#ifdef USE_FCNTL64
int fcntl64(int fd, int cmd, ...);
#else
char *getenv(const char *name);
#endif

static char buf[32];

__attribute__((visibility("default")))
void *PyInit__native(void)
{
    memcpy(buf, "native", 7);
#ifdef USE_FCNTL64
    return fcntl64(0, 1) < 0 ? (void *)0 : (void *)buf;
#else
    return getenv("WRONGC") ? (void *)0 : (void *)buf;
#endif
}
