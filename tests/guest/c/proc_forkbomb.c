/* A fork bomb that stops itself: fork until EAGAIN (jitvm's process limit), then kill and
 * reap every child, and fork again. Prints ok when the system survived. Not for qemu-user:
 * there the limit is the host's. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP 4096

static pid_t kids[CAP];

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    unsigned *gate = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int n = 0, eagain = 0;
    while (n < CAP) {
        pid_t c = fork();
        if (c == 0) {
            for (;;) syscall(SYS_futex, gate, FUTEX_WAIT, 0, NULL, NULL, 0);   /* until killed */
        }
        if (c < 0) { eagain = errno == EAGAIN; break; }
        kids[n++] = c;
    }
    printf("forked some: %s; stopped by EAGAIN: %s\n", n > 0 ? "yes" : "no", eagain ? "yes" : "no");
    int killed = 0;
    for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
    for (int i = 0; i < n; i++) {
        int st;
        if (waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
            killed++;
    }
    printf("killed and reaped all: %s\n", killed == n ? "yes" : "no");
    pid_t c = fork();
    if (c == 0) _exit(0);
    int st;
    printf("fork works again: %s\n", c > 0 && waitpid(c, &st, 0) == c ? "yes" : "no");
    printf(n > 0 && eagain && killed == n ? "ok\n" : "FAIL\n");
    fprintf(stderr, "forkbomb: %d children\n", n);
    return 0;
}
