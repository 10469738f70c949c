/* rofault: writes into a string literal in .rodata; the process dies of SIGSEGV. */
#include <stdio.h>

static const char greeting[] = "read-only";

int main(void)
{
    volatile char *volatile p = (volatile char *)greeting;  /* the store must really happen */
    printf("reading: %s\n", (const char *)p);
    printf("about to write to .rodata\n");
    fflush(stdout);
    p[0] = 'R';
    printf("still alive?! %s\n", (const char *)p);
    return 1;
}
