/* needs-glibcxx-3.4.32.so: linked -nostdlib against stub libstdc++.so.6 and
   libc.so.6, so its verneed says libstdc++.so.6: GLIBCXX_3.4.32, GLIBCXX_3.4,
   CXXABI_1.3 and libc.so.6: GLIBC_2.2.5. Written in C: the mangled names are
   plain identifiers. */
typedef unsigned long size_t;
void _ZSt21ios_base_library_initv(void);   /* std::ios_base_library_init(), GLIBCXX_3.4.32 (GCC 13) */
void _ZNSt8ios_base4InitC1Ev(void *self);   /* std::ios_base::Init::Init(), GLIBCXX_3.4 */
void *__cxa_begin_catch(void *exc);         /* CXXABI_1.3 */
void __cxa_end_catch(void);                 /* CXXABI_1.3 */
void *memcpy(void *dst, const void *src, size_t n);

void fixture_cxx(void *init, void *exc, char *dst, const char *src, size_t n)
{
    _ZSt21ios_base_library_initv();
    _ZNSt8ios_base4InitC1Ev(init);
    __cxa_begin_catch(exc);
    __cxa_end_catch();
    memcpy(dst, src, n);
}
