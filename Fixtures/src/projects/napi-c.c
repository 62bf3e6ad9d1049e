/* A plain-C N-API addon: exports napi_register_module_v1 and calls libc.
   Built several times with -DADDON_NAME=... (helper.node, the prebuilds, the
   napi-rs style platform packages), with gcc (glibc) or musl-gcc (musl). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ADDON_NAME
#define ADDON_NAME "addon"
#endif

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;

static char banner[64];

__attribute__((visibility("default")))
napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    (void)env;
    const char *v = getenv("NAPI_DEBUG");
    snprintf(banner, sizeof banner, "%s:%s", ADDON_NAME, v ? v : "");
    return strlen(banner) ? exports : NULL;
}
