/* A dynamically linked program: glibc's ld.so, libc.so.6 and libm.so.6 from the rootfs's /lib.
 * build-flags: -lm */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    printf("argc %d, last %s\n", argc, argv[argc - 1]);
    volatile double x = argc + 0.5;
    printf("sqrt %.6f exp %.6f atan2 %.6f\n", sqrt(x), exp(x), atan2(x, 3.0));
    char *s = strdup("heap works");
    printf("%s, getenv(HOME) %s\n", s, getenv("HOME") ? "set" : "unset");
    free(s);
    return 3;
}
