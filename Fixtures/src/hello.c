/* hello-glibc, hello-opt-loader, hello-multiarch-loader, hello-glibc-nopie, hello-static, hello-static-pie,
   hello-musl, hello-musl-static, hello-i386, truncated.elf */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("hello from basefit fixture (%d)\n", argc);
    return 0;
}
