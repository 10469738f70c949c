/* hello: printf, argv and envp echo; exits with status 3. */
#include <stdio.h>

int main(int argc, char **argv, char **envp)
{
    printf("hello from riscv64\n");
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    int n = 0;
    for (char **e = envp; *e; e++, n++)
        printf("envp[%d]=%s\n", n, *e);
    printf("envc=%d\n", n);
    return 3;
}
