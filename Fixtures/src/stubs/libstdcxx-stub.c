/* Stub libstdc++.so.6 (build-time only, never committed); see libstdcxx-stub.map. */
void _ZSt21ios_base_library_initv(void) {}
void _ZNSt8ios_base4InitC1Ev(void) {}
void __cxa_begin_catch(void) {}
void __cxa_end_catch(void) {}
