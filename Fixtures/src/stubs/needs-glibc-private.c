/* Calls __libc_pthread_init@GLIBC_PRIVATE, as glibc's own libpthread.so.0 of 2.33 and older
   does: glibc's internal interface, which only the glibc build it came from has (2.34 moved
   libpthread into libc and dropped the symbol). What a copy of glibc's libraries shipped with a
   project, found through its RUNPATH, asks of the image's libc. */
extern void __libc_pthread_init(void);

void needs_private(void) { __libc_pthread_init(); }
