/* libbfhelper: the library bfdemo-pq bundles in bfdemo_pq.libs/ (as auditwheel would). */
int bfhelper_answer(void) { return 0; }
