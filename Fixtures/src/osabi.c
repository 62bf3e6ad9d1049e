/* freebsd-osabi.so: a Linux build whose EI_OSABI byte build.sh sets to 9 (FreeBSD), as a
   FreeBSD build carries it. glibc's loader refuses it ("ELF file OS ABI invalid"); basefit
   takes it for a platform of its own (freebsd-x86_64). */
int osabi_answer(void) { return 9; }
