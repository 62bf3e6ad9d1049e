// napi-addon.node: shaped like an N-API addon; exports napi_register_module_v1.
// Built with g++ so it needs libstdc++.so.6 like most real addons.
#include <string>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;

static std::string greeting(const char *who)
{
    return std::string("hello, ") + who;
}

extern "C" __attribute__((visibility("default")))
napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    (void)env;
    static std::string g = greeting("napi");
    return g.empty() ? nullptr : exports;
}
