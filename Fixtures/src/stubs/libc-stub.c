/* Stub libc.so.6 (build-time only, never committed): it only exists so the
   linker records symbol versions from libc-stub.map in the fixture's verneed.
   Bodies are irrelevant; the fixtures are never run. Built -fno-builtin. */
void memcpy(void) {}
void memset(void) {}
void puts(void) {}
void __libc_start_main(void) {}
void __cxa_finalize(void) {}
void pidfd_spawn(void) {}
void __libc_pthread_init(void) {}
