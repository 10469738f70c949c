/* hello: printf, argv and envp echo; exits with status 3. */
#include <stdio.h>

#if defined(__riscv)
#define ARCH "riscv64"
#elif defined(__loongarch64)
#define ARCH "loongarch64"
#elif defined(__aarch64__)
#define ARCH "aarch64"
#elif defined(__mips__)
#define ARCH "mipsel"
#else
#define ARCH "an unknown ISA"
#endif

int main(int argc, char **argv, char **envp)
{
    printf("hello from " ARCH "\n");
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    int n = 0;
    for (char **e = envp; *e; e++, n++)
        printf("envp[%d]=%s\n", n, *e);
    printf("envc=%d\n", n);
    return 3;
}
