/* Jumps into a non-executable data page: the guest must get SIGSEGV (status 139). */
#include <stdio.h>

/* return 0 -- but in .data */
#if defined(__loongarch64)
static unsigned int code[4] = {0x02800004, 0x4c000020};   /* li.w $a0,0; jirl $zero,$ra,0 */
#elif defined(__aarch64__)
static unsigned int code[4] = {0x52800000, 0xd65f03c0};   /* mov w0,#0; ret */
#elif defined(__mips__)
static unsigned int code[4] = {0x03e00008, 0x00001025};   /* jr $ra; move $v0,$zero (slot) */
#else
static unsigned int code[4] = {0x00000513, 0x00008067};   /* li a0,0; ret (riscv64) */
#endif

int main(void) {
    printf("jumping into data\n");
    fflush(stdout);
    ((int (*)(void))code)();
    printf("not reached\n");
    return 0;
}
