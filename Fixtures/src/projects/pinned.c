/* pinned.node (@acme/pinned): a node-pre-gyp style ABI-pinned addon; exports
   node_register_module_v115 (NODE_MODULE_VERSION 115 = Node 20). Plain gcc,
   needs only libc.so.6. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((visibility("default")))
void node_register_module_v115(void *exports, void *module, void *context)
{
    (void)exports;
    (void)module;
    (void)context;
    const char *v = getenv("PINNED_DEBUG");
    if (v)
        fprintf(stderr, "pinned: %s\n", v);
}
