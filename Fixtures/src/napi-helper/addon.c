// helper-addon.node: an N-API addon that calls only napi_* functions itself and leaves the
// property key to libnapihelper.so beside it (RUNPATH $ORIGIN). Loaded, it sets exports.ok = true.
#include <stdbool.h>
#include <stdlib.h>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status;

napi_status helper_key(napi_env env, napi_value *key);
napi_status napi_get_boolean(napi_env env, bool value, napi_value *result);
napi_status napi_set_property(napi_env env, napi_value object, napi_value key, napi_value value);

__attribute__((visibility("default")))
napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    napi_value key, value;
    if (helper_key(env, &key) != 0) return exports;
    if (napi_get_boolean(env, getenv("BASEFIT_NOT_OK") == NULL, &value) != 0) return exports;
    napi_set_property(env, exports, key, value);
    return exports;
}
