/* A library that asks for an executable stack (ld -z execstack: PT_GNU_STACK with PF_X), as
 * hand-written assembly without a .note.GNU-stack section does. glibc 2.41 and later refuse
 * to dlopen it into a process whose stack is not executable (Node, CPython):
 * "cannot enable executable stack as shared object requires: Invalid argument".
 * A program that loads it at start-up is still given an executable stack. */
int execstack_answer(void) { return 42; }
