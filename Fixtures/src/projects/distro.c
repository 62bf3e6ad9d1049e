/* distro.node (distro-node): an addon built against a distribution's shared
   Node (Debian/Fedora nodejs with libnode): linked with -lnode, so it NEEDS
   libnode.so.115 and binds napi_* symbols to it. Exports napi_register_module_v1. */
typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef int napi_status;

napi_status napi_create_object(napi_env env, napi_value *result);

__attribute__((visibility("default")))
napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    napi_value obj = 0;
    if (napi_create_object(env, &obj) != 0)
        return 0;
    return obj ? obj : exports;
}
