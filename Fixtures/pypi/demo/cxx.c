/* bfdemo_cxx._cxx: a CPython extension (limited API, abi3) that needs GLIBCXX_3.4.32 from the
   image's libstdc++.so.6 (std::ios_base_library_init(), GCC 13 and later), linked against a stub. */
#define Py_LIMITED_API 0x03090000
#include <Python.h>

extern void _ZSt21ios_base_library_initv(void);

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cxx", NULL, -1, NULL};

PyMODINIT_FUNC PyInit__cxx(void) {
    _ZSt21ios_base_library_initv();
    return PyModule_Create(&module);
}
