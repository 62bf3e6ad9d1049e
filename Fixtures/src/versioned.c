/* libversioned.so: defines symbol versions (.gnu.version_d) through versioned.map,
   the table the malformed-input tests corrupt. Two versions of one symbol, as
   glibc does for compatibility symbols. */
int versioned_old(void) { return 1; }
int versioned_new(void) { return 2; }
__asm__(".symver versioned_old, versioned@VERSIONED_1.0");
__asm__(".symver versioned_new, versioned@@VERSIONED_2.0");
