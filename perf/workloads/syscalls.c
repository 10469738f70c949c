/* syscalls [N]: a system-call-heavy mix for perf/bench_syscall_cpu.py, N rounds (default 2000)
   of: small writes and reads on a file, one-byte messages through a pipe between two processes,
   and a futex ping-pong between two threads. Prints a checksum of what it read (the same for
   every N under any kernel that gets it right). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int turn;                        /* futex word: whose move in the ping-pong */
static int rounds;

static void futex_wait(int *w, int v) { syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, 0, 0, 0); }
static void futex_wake(int *w) { syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0); }

static void *pong(void *arg)
{
    (void)arg;
    for (int i = 0; i < rounds; i++) {
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1) futex_wait(&turn, 0);
        __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
        futex_wake(&turn);
    }
    return 0;
}

int main(int argc, char **argv)
{
    rounds = argc > 1 ? atoi(argv[1]) : 2000;
    uint32_t sum = 0;

    /* small writes and reads on a file */
    char path[] = "/tmp/syscalls-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) { perror("mkstemp"); return 1; }
    unlink(path);
    for (int i = 0; i < rounds; i++) {
        char c = (char)i;
        if (write(fd, &c, 1) != 1) { perror("write"); return 1; }
    }
    lseek(fd, 0, SEEK_SET);
    for (int i = 0; i < rounds; i++) {
        unsigned char c;
        if (read(fd, &c, 1) != 1) { perror("read"); return 1; }
        sum = sum * 31 + c;
    }
    close(fd);

    /* a pipe between two processes: the child echoes each byte back through a second pipe */
    int to[2], from[2];
    if (pipe(to) || pipe(from)) { perror("pipe"); return 1; }
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char c;
        close(to[1]);
        close(from[0]);
        while (read(to[0], &c, 1) == 1) {
            c ^= 0x5a;
            if (write(from[1], &c, 1) != 1) _exit(1);
        }
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    for (int i = 0; i < rounds; i++) {
        unsigned char c = (unsigned char)i;
        if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1) { perror("pipe io"); return 1; }
        sum = sum * 31 + c;
    }
    close(to[1]);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) { fprintf(stderr, "child failed\n"); return 1; }

    /* a futex ping-pong between two threads */
    pthread_t th;
    pthread_create(&th, 0, pong, 0);
    for (int i = 0; i < rounds; i++) {
        __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
        futex_wake(&turn);
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 0) futex_wait(&turn, 1);
        sum += i;
    }
    pthread_join(th, 0);
    printf("syscalls %d: %08x\n", rounds, sum);
    return 0;
}
