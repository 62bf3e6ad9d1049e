/* Stub libnode.so.115 (build-time only, never committed): gives distro.node a
   DT_NEEDED libnode.so.115. Bodies are irrelevant; nothing is ever run. */
int napi_create_object(void *env, void **result)
{
    (void)env;
    *result = 0;
    return 0;
}
