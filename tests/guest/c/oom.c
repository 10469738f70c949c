/* Touches anonymous memory until the machine runs out: the guest must be killed cleanly
 * (SIGKILL, status 137) or see allocation failure -- never take the VM down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(void) {
    size_t chunk = 8 << 20, total = 0;
    printf("allocating\n");
    fflush(stdout);
    for (;;) {
        char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { printf("mmap failed after %zu MB\n", total >> 20); return 1; }
        memset(p, 1, chunk);
        total += chunk;
    }
}
