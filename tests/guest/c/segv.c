/* segv: stores through a NULL pointer; the process dies of SIGSEGV (status 139 in a shell). */
#include <stdio.h>

int main(void)
{
    volatile int *volatile p = 0;  /* volatile twice: the compiler must load p and store */
    printf("about to store to NULL\n");
    fflush(stdout);
    *p = 42;
    printf("still alive?!\n");
    return 1;
}
