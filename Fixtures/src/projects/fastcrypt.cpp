// fastcrypt.node (node-glibc-addon, node-pnpm): a node-gyp-built N-API addon.
// g++ with std::string and exceptions, so it needs libstdc++.so.6 (GLIBCXX_*,
// CXXABI_*) and libgcc_s.so.1 (_Unwind_Resume, GCC_3.0). Exports
// napi_register_module_v1. Never run: only its ELF facts matter.
#include <stdexcept>
#include <string>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;

static std::string digest(const std::string &in)
{
    if (in.empty())
        throw std::invalid_argument("fastcrypt: empty input");
    std::string out;
    for (char c : in)
        out += static_cast<char>(c ^ 0x5a);
    return out;
}

extern "C" __attribute__((visibility("default")))
napi_value napi_register_module_v1(napi_env env, napi_value exports)
{
    (void)env;
    try {
        static std::string probe = digest("fastcrypt");
        return probe.size() ? exports : nullptr;
    } catch (const std::exception &) {
        return nullptr;
    }
}
