/* abi-addon.node: a Node ABI-pinned addon; exports node_register_module_v115
   (NODE_MODULE_VERSION 115 = Node 20). Calls libc so it needs libc.so.6. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((visibility("default")))
void node_register_module_v115(void *exports, void *module, void *context)
{
    (void)exports;
    (void)module;
    (void)context;
    const char *v = getenv("BASEFIT_FIXTURE");
    if (v)
        puts(v);
}
