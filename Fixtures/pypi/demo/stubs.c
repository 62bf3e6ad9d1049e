/* Link-time stand-ins for libpq.so.5 and libstdc++.so.6 (never shipped, never loaded). */
int PQlibVersion(void) { return 0; }
void _ZSt21ios_base_library_initv(void) {}
