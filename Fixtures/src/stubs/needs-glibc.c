/* needs-glibc-2.39.so: linked -nostdlib against the stub libc.so.6, so its
   verneed says libc.so.6: GLIBC_2.39 (pidfd_spawn) and GLIBC_2.2.5 (memcpy, puts). */
typedef unsigned long size_t;
int pidfd_spawn(int *pidfd, const char *path, const void *file_actions,
                const void *attrp, char *const argv[], char *const envp[]);
void *memcpy(void *dst, const void *src, size_t n);
int puts(const char *s);

int fixture_spawn(const char *path, char *const argv[], char *const envp[],
                  char *buf, const char *src, size_t n)
{
    int fd = -1;
    memcpy(buf, src, n);
    puts(buf);
    return pidfd_spawn(&fd, path, 0, 0, argv, envp) == 0 ? fd : -1;
}
