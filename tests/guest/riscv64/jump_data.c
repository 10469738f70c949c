/* Jumps into a non-executable data page: the guest must get SIGSEGV (status 139). */
#include <stdio.h>

static unsigned int code[4] = {0x00000513, 0x00008067};   /* li a0,0; ret -- but in .data */

int main(void) {
    printf("jumping into data\n");
    fflush(stdout);
    ((int (*)(void))code)();
    printf("not reached\n");
    return 0;
}
