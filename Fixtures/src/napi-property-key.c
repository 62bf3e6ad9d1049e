// napi-property-key.node: a real Node-API addon (no Node headers needed: the few types are
// declared here) that calls node_api_create_property_key_utf16, one of the functions Node-API 10
// made stable. Debian 13's Node 20.19 exports it; Debian 12's Node 18.20 does not
// (RuntimeOracleTests loads it with both).
// Linked with -z now, as Rust and most prebuilt addons are: a Node without the function refuses
// it at require() ("undefined symbol"). Loaded, it sets exports.ok = true.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status;

napi_status node_api_create_property_key_utf16(napi_env env, const uint16_t *str, size_t length, napi_value *result);
napi_status napi_get_boolean(napi_env env, bool value, napi_value *result);
napi_status napi_set_property(napi_env env, napi_value object, napi_value key, napi_value value);

__attribute__((visibility("default")))
napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    static const uint16_t name[] = {'o', 'k'};
    napi_value key, value;
    if (node_api_create_property_key_utf16(env, name, 2, &key) != 0) return exports;
    // A call into libc, as every real addon has (it NEEDs libc.so.6).
    if (napi_get_boolean(env, getenv("BASEFIT_NOT_OK") == NULL, &value) != 0) return exports;
    napi_set_property(env, exports, key, value);
    return exports;
}
