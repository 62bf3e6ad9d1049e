// libnapihelper.so: a library an addon loads (NEEDED, found through the addon's $ORIGIN RUNPATH)
// that calls Node-API itself: node_api_create_property_key_utf16, which Debian 12's Node 18.20
// does not export. Linked with -z now: that Node refuses the addon when it loads this library.
#include <stddef.h>
#include <stdint.h>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status;

napi_status node_api_create_property_key_utf16(napi_env env, const uint16_t *str, size_t length, napi_value *result);

__attribute__((visibility("default")))
napi_status helper_key(napi_env env, napi_value *key)
{
    static const uint16_t name[] = {'o', 'k'};
    return node_api_create_property_key_utf16(env, name, 2, key);
}
