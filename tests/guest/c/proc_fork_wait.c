/* fork and wait: a process tree with exit codes, wait4/waitpid/waitid statuses (exited, killed,
 * stopped, continued), WNOHANG, process-group waits, ECHILD, orphan reparenting.
 * Output is deterministic: every child's line is flushed before its parent can print again.
 *   proc_fork_wait [PARTS]     (default: all but clone3, which qemu 7.2 does not implement) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, pid_t got, pid_t want, int st) {
    printf("%s: pid %s", what, got == want ? "ok" : "WRONG");
    if (WIFEXITED(st)) printf(" exited %d\n", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf(" killed by %d\n", WTERMSIG(st));
    else if (WIFSTOPPED(st)) printf(" stopped by %d\n", WSTOPSIG(st));
    else if (WIFCONTINUED(st)) printf(" continued\n");
    else printf(" status %#x\n", st);
}

static void msleep(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void tree(void) {
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            pid_t g = fork();
            if (g == 0) _exit(i + 1);
            int st;
            pid_t w = waitpid(g, &st, 0);
            _exit(w == g && WIFEXITED(st) ? 10 * (i + 1) + WEXITSTATUS(st) : 99);
        }
    }
    for (int i = 2; i >= 0; i--) {          /* reap in reverse order of creation */
        int st;
        pid_t w = waitpid(kids[i], &st, 0);
        char name[32];
        snprintf(name, sizeof name, "tree child %d", i);
        show(name, w, kids[i], st);
    }
}

static void nohang(void) {
    pid_t c = fork();
    if (c == 0) { msleep(200); _exit(3); }
    int st = 0;
    pid_t w = waitpid(c, &st, WNOHANG);
    printf("WNOHANG while running: %d\n", w);
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    w = wait4(c, &st, 0, &ru);
    show("wait4 after sleep", w, c, st);
    printf("rusage written: %s\n", ru.ru_maxrss != -1 ? "yes" : "no");
}

static void killed(void) {
    struct rlimit no_core = {0, 0};
    pid_t c = fork();
    if (c == 0) { setrlimit(RLIMIT_CORE, &no_core); *(volatile int *)0 = 1; _exit(0); }
    int st;
    pid_t w = waitpid(c, &st, 0);
    show("segv child", w, c, st);
    c = fork();
    if (c == 0) { raise(SIGKILL); _exit(0); }
    w = waitpid(c, &st, 0);
    show("raise(SIGKILL) child", w, c, st);
    c = fork();
    if (c == 0) { setrlimit(RLIMIT_CORE, &no_core); abort(); }
    w = waitpid(c, &st, 0);
    show("abort child", w, c, st);
    c = fork();
    if (c == 0) { for (;;) pause(); }
    kill(c, SIGTERM);
    w = waitpid(c, &st, 0);
    show("SIGTERM'd child", w, c, st);
}

static void groups(void) {
    pid_t c = fork();
    if (c == 0) { setpgid(0, 0); msleep(50); _exit(4); }
    setpgid(c, c);                          /* both sides, as shells do: no race */
    int st;
    pid_t w = waitpid(0, &st, WNOHANG);     /* our group: c has left it */
    printf("waitpid(0) with the child in another group: %d %s\n", w,
           w < 0 && errno == ECHILD ? "ECHILD" : "");
    w = waitpid(-c, &st, 0);
    show("waitpid(-pgid)", w, c, st);
    c = fork();
    if (c == 0) _exit(6);
    w = waitpid(0, &st, 0);
    show("waitpid(0) same group", w, c, st);
    w = waitpid(-1, &st, 0);
    printf("no children left: %d %s\n", w, errno == ECHILD ? "ECHILD" : strerror(errno));
}

static void with_waitid(void) {
    pid_t c = fork();
    if (c == 0) _exit(42);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    printf("waitid WNOWAIT: r=%d signo=%d code=%d pid %s status=%d\n", r, si.si_signo,
           si.si_code, si.si_pid == c ? "ok" : "WRONG", si.si_status);
    memset(&si, 0, sizeof si);
    r = waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid again: r=%d code=%d pid %s status=%d\n", r, si.si_code,
           si.si_pid == c ? "ok" : "WRONG", si.si_status);
    c = fork();
    if (c == 0) { raise(SIGKILL); _exit(0); }
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, c, &si, WEXITED);
    printf("waitid killed: r=%d code=%d status=%d\n", r, si.si_code, si.si_status);
    memset(&si, 0xff, sizeof si);
    c = fork();
    if (c == 0) { msleep(100); _exit(0); }
    r = waitid(P_PID, c, &si, WEXITED | WNOHANG);
    printf("waitid WNOHANG: r=%d si_pid=%d si_signo=%d\n", r, si.si_pid, si.si_signo);
    waitpid(c, NULL, 0);
    r = waitid(P_ALL, 0, &si, 0);
    printf("waitid without WEXITED etc: %d %s\n", r, errno == EINVAL ? "EINVAL" : "");
}

static void job_control(void) {
    pid_t c = fork();
    if (c == 0) { raise(SIGSTOP); msleep(100); _exit(5); }
    int st;
    pid_t w = waitpid(c, &st, WUNTRACED);
    show("WUNTRACED", w, c, st);
    kill(c, SIGCONT);
    w = waitpid(c, &st, WCONTINUED);
    show("WCONTINUED", w, c, st);
    w = waitpid(c, &st, 0);
    show("after continue", w, c, st);
}

static void orphan(void) {
    const char *mark = "orphan.done";
    unlink(mark);
    pid_t c = fork();
    if (c == 0) {
        pid_t me = getpid();
        if (fork() == 0) {
            for (int i = 0; i < 500 && getppid() == me; i++) msleep(10);
            printf("orphan: %s\n", getppid() != me ? "reparented" : "NOT reparented");
            fflush(stdout);
            close(open(mark, O_CREAT | O_WRONLY, 0644));
            _exit(0);
        }
        _exit(0);
    }
    waitpid(c, NULL, 0);
    struct stat sb;
    for (int i = 0; i < 500 && stat(mark, &sb) != 0; i++) msleep(10);
    unlink(mark);
    printf("orphan done\n");
}

static void clone3_(void) {
    struct clone_args a;
    memset(&a, 0, sizeof a);
    a.exit_signal = SIGCHLD;
    long r = syscall(SYS_clone3, &a, sizeof a);
    if (r == 0) _exit(12);
    int st;
    show("clone3 as fork", waitpid(r, &st, 0), r, st);
    r = syscall(SYS_clone3, &a, 8);
    printf("clone3 with a short struct: %ld %s\n", r, strerror(errno));
    a.flags = CLONE_THREAD;
    r = syscall(SYS_clone3, &a, sizeof a);
    printf("clone3 CLONE_THREAD without CLONE_SIGHAND: %ld %s\n", r, strerror(errno));
    a.flags = SIGCHLD;
    r = syscall(SYS_clone3, &a, sizeof a);
    printf("clone3 with a signal in flags: %ld %s\n", r, strerror(errno));
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : "";
    setvbuf(stdout, NULL, _IONBF, 0);
    struct { const char *name; void (*fn)(void); } parts[] = {
        {"tree", tree}, {"nohang", nohang}, {"killed", killed}, {"groups", groups},
        {"waitid", with_waitid}, {"jobs", job_control}, {"orphan", orphan},
        {"clone3", clone3_},
    };
    for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (*only ? strstr(only, parts[i].name) != NULL : strcmp(parts[i].name, "clone3") != 0) {
            printf("== %s\n", parts[i].name);
            parts[i].fn();
        }
    return 0;
}
