/* bfdemo_pq._pq: a CPython extension (limited API, abi3) that NEEDs libpq.so.5 from the image
   (not bundled) and libbfhelper from the wheel's own bfdemo_pq.libs/ (RPATH $ORIGIN). */
#define Py_LIMITED_API 0x03090000
#include <Python.h>

extern int PQlibVersion(void);
extern int bfhelper_answer(void);

static PyObject *version(PyObject *self, PyObject *args) {
    return PyLong_FromLong(PQlibVersion() + bfhelper_answer());
}

static PyMethodDef methods[] = {{"version", version, METH_NOARGS, "libpq's version"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pq", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pq(void) { return PyModule_Create(&module); }
