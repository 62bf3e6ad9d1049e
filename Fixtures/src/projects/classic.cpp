// classic.node: a classic NODE_MODULE addon, as node-gyp built them before N-API.
// NODE_MODULE(...) expands to a static constructor that calls node_module_register()
// with a node_module struct whose nm_version is the NODE_MODULE_VERSION of the
// headers; the file exports no napi_register_module_v1 and no
// node_register_module_v<N>. It also uses V8's C++ API. The undefined symbols are
// left for the node binary to provide, as in a real addon.
namespace v8 {
class Isolate {
public:
    static Isolate* GetCurrent();
};
}  // namespace v8

extern "C" {
struct node_module {
    int nm_version;
    unsigned int nm_flags;
    void* nm_dso_handle;
    const char* nm_filename;
    void (*nm_register_func)(void*, void*, void*);
    void* nm_context_register_func;
    const char* nm_modname;
    void* nm_priv;
    struct node_module* nm_link;
};
void node_module_register(void* mod);
}

static void Initialize(void* exports, void* module, void* priv) {
    (void)exports;
    (void)module;
    (void)priv;
    (void)v8::Isolate::GetCurrent();
}

static node_module classic_module = {115, 0, nullptr, "classic.cc", Initialize, nullptr, "classic", nullptr, nullptr};

__attribute__((constructor)) static void register_classic() {
    node_module_register(&classic_module);
}
