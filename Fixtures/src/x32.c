/* x32.so: ELFCLASS32 with e_machine EM_X86_64 (the x32 ABI). Not an amd64 file: amd64 loaders
   refuse it ("wrong ELF class: ELFCLASS32"), and no container platform is x32. */
int x32_answer(void) { return 32; }
