// lib/sharp-linux-x64.node (@img/sharp-linux-x64): shaped like sharp's addon.
// g++, NEEDS libvips-cpp.so.42, found through a DT_RPATH
// $ORIGIN/../../sharp-libvips-linux-x64/lib that crosses package boundaries.
#include <string>

namespace vips { std::string version_string(int minor); }

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;

extern "C" __attribute__((visibility("default")))
napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    (void)env;
    static std::string v = "sharp/" + vips::version_string(16);
    return v.empty() ? nullptr : exports;
}
