/* campaign_limits MODE [ARG]: runs a guest into a limit of the kernel and checks it ends the way
 * Linux ends it, then that the system still works. Prints "ok ..."/"FAIL ..." lines and "all ok"
 * (exit 0) or "N failures" (exit 1), except where the outcome is a death by signal.
 *
 *   fds N        N processes each open files until open() fails, all holding them at once:
 *                each must see EMFILE with its table full (RLIMIT_NOFILE) or ENFILE (a full
 *                system-wide table, fs.file-max); then, once they let go, the system works
 *   mem          mmap/brk far past memory: ENOMEM; a child touching memory until it cannot:
 *                killed by SIGKILL (the OOM killer) or told ENOMEM; a child squeezing the last
 *                free pages while another reads a file into fresh memory; then memory is back
 *   recurse      recursion without end: dies of SIGSEGV (status 139 from a shell)
 *   recurse-alt  the same with a SIGSEGV handler on an alternate stack: the handler runs
 *   garbage      jumps to an unmapped address, a non-executable page, pages of 0x00 and 0xff
 *                bytes, in children: SIGSEGV, SIGSEGV, SIGILL, SIGILL
 *   e2big        execve with one argument of MAX_ARG_STRLEN and one byte over, and with the
 *                strings past a quarter of the stack limit: E2BIG; 1.5 MiB of them runs
 *   pipes        a pipe's capacity (64 KiB, F_GETPIPE_SZ), EAGAIN when full, SIGPIPE and EPIPE
 *   pipe-block   a child writes into a pipe no one will ever read and the parent waits for it:
 *                nothing can ever run again (Linux hangs; `jitvm run` reports the deadlock)
 *   threads      pthread_create until it fails: EAGAIN; then all of them join
 *   forkbomb [CAP]  every process forks until fork fails, its children likewise (a real bomb,
 *                that stops each bomber at its first EAGAIN, or when CAP forks (default 20000)
 *                were made in all); the first process reaps them all
 * jitvm only where the limit is the kernel's own (fds, threads, forkbomb; mem under --mem). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int cond) {
    if (cond) printf("ok %s\n", what);
    else {
        printf("FAIL %s (errno %s)\n", what, strerror(errno));
        failures++;
    }
}

static int finish(void) {
    if (failures) printf("%d failures\n", failures);
    else printf("all ok\n");
    return failures != 0;
}

/* How a child ended, as a shell would put it. */
static int status_of(int st) {
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* Does fork + execve of /bin/busybox true work now? */
static int exec_works(void) {
    pid_t c = fork();
    if (c < 0) return 0;
    if (c == 0) {
        execl("/bin/busybox", "true", (char *)NULL);
        _exit(127);
    }
    int st;
    return waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- fds ------------------------------------------------------------------------------------- */
static int fds(int n) {
    int report[2], release[2];
    pipe(report);
    pipe(release);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("RLIMIT_NOFILE %ld\n", (long)rl.rlim_cur);
    for (int i = 0; i < n; i++) {
        if (fork() == 0) {
            close(report[0]);
            close(release[1]);
            const char *files[] = {"/etc/passwd", "/bin/busybox", "/etc/group", "/"};
            int count = 0, fd, e;
            while ((fd = open(files[count % 4], O_RDONLY)) >= 0) count++;
            e = errno;
            /* EMFILE means this process's table is full: its highest slot is taken */
            int full = fcntl((int)rl.rlim_cur - 1, F_GETFD) != -1;
            char line[96];
            int len = snprintf(line, sizeof line, "%s %d %d\n",
                               e == EMFILE ? "EMFILE" : e == ENFILE ? "ENFILE" : strerror(e),
                               count, full);
            write(report[1], line, len);
            char b;
            read(release[0], &b, 1);          /* hold everything until the parent says */
            _exit(0);
        }
    }
    close(report[1]);
    close(release[0]);
    /* every child's line (each is one short write: atomic in a pipe) */
    char buf[4096];
    int got = 0, lines = 0;
    while (lines < n) {
        int k = read(report[0], buf + got, sizeof buf - 1 - got);
        if (k <= 0) break;
        for (int i = got; i < got + k; i++) lines += buf[i] == '\n';
        got += k;
    }
    buf[got] = 0;
    int emfile = 0, enfile = 0, other = 0, total = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char what[64];
        int count, full;
        if (sscanf(line, "%63s %d %d", what, &count, &full) != 3) { other++; continue; }
        total += count;
        if (strcmp(what, "EMFILE") == 0) {
            emfile++;
            if (!full) printf("  EMFILE with free slots in the table after %d opens\n", count);
            other += !full;
        } else if (strcmp(what, "ENFILE") == 0) {
            enfile++;
        } else {
            printf("  open failed with %s after %d\n", what, count);
            other++;
        }
    }
    printf("  %d processes: %d EMFILE, %d ENFILE, %d files open at once\n", lines, emfile,
           enfile, total);
    check("every process reported", lines == n);
    check("each open() failed with EMFILE at its limit or ENFILE", other == 0);
    int exec_while_full = exec_works();
    printf("  fork+exec while they hold them: %s\n", exec_while_full ? "works" : "fails");
    close(release[1]);                  /* let them go */
    while (wait(NULL) > 0) {
    }
    check("fork+exec works after they exit", exec_works());
    int fd = open("/etc/passwd", O_RDONLY);
    check("open works after they exit", fd >= 0);
    close(fd);
    return finish();
}

/* ---- mem ------------------------------------------------------------------------------------- */
static unsigned long free_bytes(void) {
    struct sysinfo si;
    sysinfo(&si);
    return si.freeram * si.mem_unit;
}

/* Touch 1 MiB at a time until something stops us; report how far we got on `out`. */
static void hog(int out, unsigned long leave) {
    unsigned long total = 0;
    for (;;) {
        if (leave && free_bytes() < leave + (1 << 20)) break;
        char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) _exit(12);               /* ENOMEM: an outcome Linux allows */
        memset(p, 0x5a, 1 << 20);
        total += 1;
    }
    write(out, &total, sizeof total);
    pause();                                          /* hold it until killed */
    _exit(0);
}

static int mem(void) {
    /* 1 TiB; a 32-bit address space (mipsel: 2 GiB for the user) cannot name that: 3 GiB
       and the largest increment sbrk takes */
    int wide = sizeof(size_t) == 8;
    errno = 0;
    size_t huge = wide ? (size_t)((uint64_t)1 << 40) : (size_t)3 << 30;
    void *p = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(wide ? "mmap of 1 TiB: ENOMEM" : "mmap of 3 GiB: ENOMEM",
          p == MAP_FAILED && errno == ENOMEM);
    void *old = sbrk(0);
    errno = 0;
    check(wide ? "sbrk of 1 TiB: ENOMEM" : "sbrk of 2 GiB: ENOMEM",
          sbrk(wide ? (intptr_t)((uint64_t)1 << 40) : INTPTR_MAX) == (void *)-1
          && errno == ENOMEM);
    check("the break did not move", sbrk(0) == old);

    /* a child that touches memory until it cannot: the OOM killer's SIGKILL, or ENOMEM */
    pid_t c = fork();
    if (c == 0) hog(-1, 0);
    int st;
    waitpid(c, &st, 0);
    printf("  memory hog: status %d\n", status_of(st));
    check("the memory hog is killed by SIGKILL or sees ENOMEM",
          status_of(st) == 128 + SIGKILL || status_of(st) == 12);

    /* A reader, started first with its stack and libc pages touched, waits; a holder then takes
     * all but the last MiB or so; then the reader reads 4 MiB of a file into a fresh buffer, so
     * the kernel itself must find frames for the copy. Linux's OOM killer kills the biggest
     * process (the holder) and the read succeeds; a kernel that kills the faulting process
     * gives a Linux outcome too. A read() that fails (ENOMEM or EFAULT for a valid buffer, EIO)
     * is no Linux outcome. */
    int fd = open("/tmp/four", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char block[4096];
    memset(block, 'r', sizeof block);
    for (int i = 0; i < 1024; i++) write(fd, block, sizeof block);
    close(fd);
    int held_pipe[2], go[2];
    pipe(held_pipe);
    pipe(go);
    pid_t reader = fork();
    if (reader == 0) {
        char *buf = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        int f = open("/tmp/four", O_RDONLY);
        static char b;                      /* every page written from here on is touched now */
        volatile char stack[16384];
        memset((char *)stack, 0, sizeof stack);
        b = 0;
        errno = 0;
        printf("  reader ready: %s\n", buf == MAP_FAILED || f < 0 ? "no" : "yes");
        read(go[0], &b, 1);
        long n = 0, k;
        while ((k = read(f, buf + n, (4 << 20) - n)) > 0) n += k;
        /* no printf here: it would need fresh stack pages; the status says what happened */
        _exit(k < 0 ? 100 + errno % 100 : n == 4 << 20 && buf[12345] == 'r' ? 0 : 2);
    }
    pid_t holder = fork();
    if (holder == 0) hog(held_pipe[1], 512 << 10);
    unsigned long held = 0;
    read(held_pipe[0], &held, sizeof held);
    printf("  holder has %s\n", held > 0 ? "most of memory" : "nothing");
    write(go[1], "g", 1);
    waitpid(reader, &st, 0);
    if (status_of(st) > 100 && status_of(st) < 128)
        printf("  reader under pressure: read() failed: %s\n", strerror(status_of(st) - 100));
    else
        printf("  reader under pressure: status %d\n", status_of(st));
    check("a read() into fresh memory under pressure succeeds or the reader is killed",
          status_of(st) == 0 || status_of(st) == 128 + SIGKILL);
    kill(holder, SIGKILL);
    waitpid(holder, &st, 0);

    /* memory is back */
    char *q = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("16 MiB can be touched again", q != MAP_FAILED && memset(q, 1, 16 << 20) == q);
    munmap(q, 16 << 20);
    check("fork+exec works again", exec_works());
    unlink("/tmp/four");
    return finish();
}

/* ---- recursion, garbage ---------------------------------------------------------------------- */
#pragma GCC diagnostic ignored "-Winfinite-recursion"      /* the point */
static int depth(int n) {
    volatile char frame[512];
    frame[0] = (char)n;
    return depth(n + 1) + frame[0];     /* not a tail call */
}

static void on_segv(int sig) {
    static const char msg[] = "caught SIGSEGV on the alternate stack\n";
    write(1, msg, sizeof msg - 1);
    _exit(0);
}

static int recurse(int alt) {
    if (alt) {
        static char stack[64 << 10];
        stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack};
        sigaltstack(&ss, NULL);
        struct sigaction sa = {.sa_handler = on_segv, .sa_flags = SA_ONSTACK};
        sigaction(SIGSEGV, &sa, NULL);
    }
    printf("recursing\n");
    return depth(0);
}

typedef void (*fn)(void);

static int run_at(const char *what, void *pc, int want_sig) {
    pid_t c = fork();
    if (c == 0) {
        alarm(20);
        ((fn)pc)();
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    char line[128];
    snprintf(line, sizeof line, "jump to %s: status %d", what, status_of(st));
    check(line, WIFSIGNALED(st) && WTERMSIG(st) == want_sig);
    return 0;
}

static int garbage(void) {
    size_t pg = 4096;
    run_at("an unmapped address", (void *)0x1000, SIGSEGV);
    run_at("a kernel address", (void *)(uintptr_t)0xffffffff80000000ull, SIGSEGV);
    char *data = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(data, 0x13, pg);
    run_at("a non-executable page", data, SIGSEGV);
    char *zeros = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    run_at("a page of 0x00 bytes", zeros, SIGILL);
    char *ones = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    memset(ones, 0xff, pg);
    __builtin___clear_cache(ones, ones + pg);
    run_at("a page of 0xff bytes", ones, SIGILL);
    munmap(ones, pg);
    run_at("an unmapped page that was code", ones, SIGSEGV);
    check("fork+exec works after all that", exec_works());
    return finish();
}

/* ---- e2big ----------------------------------------------------------------------------------- */
#define MAX_ARG_STRLEN (32 * 4096)

static int exec_with(char **argv, char **envp) {
    int p[2];
    pipe2(p, O_CLOEXEC);
    pid_t c = fork();
    if (c == 0) {
        execve("/bin/busybox", argv, envp);
        int e = errno;
        write(p[1], &e, sizeof e);
        _exit(127);
    }
    close(p[1]);
    int e = 0, st;
    if (read(p[0], &e, sizeof e) != sizeof e) e = 0;
    close(p[0]);
    waitpid(c, &st, 0);
    return e ? -e : status_of(st);
}

static int e2big(void) {
    char *big = malloc(4 << 20);
    memset(big, 'a', 4 << 20);
    char *argv[40] = {"true", big, NULL};
    char *envp[] = {NULL, NULL};

    big[MAX_ARG_STRLEN - 1] = 0;        /* MAX_ARG_STRLEN counting its NUL: allowed */
    check("execve with an argument of MAX_ARG_STRLEN bytes runs", exec_with(argv, envp) == 0);
    big[MAX_ARG_STRLEN - 1] = 'a';
    big[MAX_ARG_STRLEN] = 0;            /* one more */
    check("one byte more: E2BIG", exec_with(argv, envp) == -E2BIG);
    char *env1[] = {big, NULL};
    memcpy(big, "X=", 2);
    char *arg1[] = {"true", NULL};
    check("an environment string of MAX_ARG_STRLEN+1: E2BIG", exec_with(arg1, env1) == -E2BIG);
    memset(big, 'a', 4 << 20);

    /* many strings, each 100000 bytes: 15 of them (1.5 MiB) fit in a quarter of 8 MiB, 30 not */
    for (int i = 0; i < 30; i++) {
        argv[1 + i] = big + i * 100001;
        big[i * 100001 + 100000] = 0;
    }
    argv[16] = NULL;
    check("execve with 1.5 MiB of arguments runs", exec_with(argv, envp) == 0);
    argv[16] = big + 15 * 100001;
    argv[31] = NULL;
    check("3 MiB of arguments: E2BIG", exec_with(argv, envp) == -E2BIG);
    char *env30[32];
    for (int i = 0; i < 30; i++) env30[i] = argv[1 + i];
    env30[30] = NULL;
    check("3 MiB of environment: E2BIG", exec_with(arg1, env30) == -E2BIG);
    check("fork+exec works after all that", exec_works());
    return finish();
}

/* ---- pipes ----------------------------------------------------------------------------------- */
static int pipes(void) {
    int p[2];
    pipe2(p, O_NONBLOCK);
    check("F_GETPIPE_SZ is 64 KiB", fcntl(p[1], F_GETPIPE_SZ) == 65536);
    char block[4096] = {0};
    long total = 0, k;
    while ((k = write(p[1], block, sizeof block)) > 0) total += k;
    check("a pipe takes 64 KiB, then EAGAIN", total == 65536 && errno == EAGAIN);
    close(p[0]);
    close(p[1]);

    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        for (;;) write(p[1], block, sizeof block);
    }
    close(p[1]);
    read(p[0], block, 100);
    close(p[0]);                         /* the writer is now writing to a closed pipe */
    int st;
    waitpid(c, &st, 0);
    check("writing to a closed pipe: SIGPIPE", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    check("with SIGPIPE ignored: EPIPE", write(p[1], "x", 1) == -1 && errno == EPIPE);
    close(p[1]);
    return finish();
}

static int pipe_block(void) {
    int p[2];
    pipe(p);
    printf("filling a pipe no one reads\n");
    pid_t c = fork();
    if (c == 0) {
        static char block[1 << 20];
        write(p[1], block, sizeof block);     /* blocks for ever after 64 KiB */
        _exit(0);
    }
    waitpid(c, NULL, 0);                      /* and so does this */
    printf("FAIL: the writer finished\n");
    return 1;
}

/* ---- threads --------------------------------------------------------------------------------- */
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *parked(void *arg) {
    pthread_mutex_lock(&gate);
    pthread_mutex_unlock(&gate);
    return arg;
}

static int threads(void) {
    static pthread_t t[8192];
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 << 10);
    pthread_mutex_lock(&gate);
    int n = 0, e = 0;
    while (n < 8192 && (e = pthread_create(&t[n], &a, parked, NULL)) == 0) n++;
    printf("  %d threads\n", n);
    check("pthread_create until EAGAIN", e == EAGAIN && n >= 100);
    pthread_mutex_unlock(&gate);
    int joined = 0;
    for (int i = 0; i < n; i++) joined += pthread_join(t[i], NULL) == 0;
    check("all joined", joined == n);
    check("a new thread after that", pthread_create(&t[0], &a, parked, NULL) == 0 &&
          pthread_join(t[0], NULL) == 0);
    return finish();
}

/* ---- forkbomb -------------------------------------------------------------------------------- */
struct counts { int forks, eagain, other; };

static int forkbomb(int cap) {
    struct counts *k = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                            -1, 0);
    /* orphaned bombers must come to us: we are process 1 of `jitvm run`, or a subreaper */
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
        printf("  not process 1 and no PR_SET_CHILD_SUBREAPER: orphans go elsewhere\n");
    pid_t first = fork();
    if (first == 0) {
        /* a bomber: forks until fork fails (each child bombs too), then exits; a cap on the
         * total keeps a kernel without a process limit from running it for ever */
        for (;;) {
            if (__atomic_load_n(&k->forks, __ATOMIC_RELAXED) >= cap) _exit(0);
            pid_t c = fork();
            if (c > 0) {
                __atomic_add_fetch(&k->forks, 1, __ATOMIC_RELAXED);
                continue;
            }
            if (c < 0) {
                __atomic_add_fetch(errno == EAGAIN ? &k->eagain : &k->other, 1, __ATOMIC_RELAXED);
                _exit(0);
            }
        }
    }
    /* reap until none is left */
    int reaped = 0;
    while (wait(NULL) > 0) reaped++;
    printf("  forks %s, EAGAIN %s, other errors %d\n", k->forks > 255 ? ">255" : "few",
           k->eagain > 0 ? "seen" : "never", k->other);
    check("the bomb met EAGAIN and ended", k->eagain > 0 && k->other == 0 && k->forks > 255);
    check("every bomber was reaped", reaped == k->forks + 1);
    check("fork+exec works again", exec_works());
    fprintf(stderr, "forkbomb: %d forks, %d EAGAIN\n", k->forks, k->eagain);
    return finish();
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "fds")) return fds(argc > 2 ? atoi(argv[2]) : 12);
    if (!strcmp(mode, "mem")) return mem();
    if (!strcmp(mode, "recurse")) return recurse(0);
    if (!strcmp(mode, "recurse-alt")) return recurse(1);
    if (!strcmp(mode, "garbage")) return garbage();
    if (!strcmp(mode, "e2big")) return e2big();
    if (!strcmp(mode, "pipes")) return pipes();
    if (!strcmp(mode, "pipe-block")) return pipe_block();
    if (!strcmp(mode, "threads")) return threads();
    if (!strcmp(mode, "forkbomb")) return forkbomb(argc > 2 ? atoi(argv[2]) : 20000);
    fprintf(stderr, "usage: campaign_limits fds N|mem|recurse|recurse-alt|garbage|e2big|pipes|"
                    "pipe-block|threads|forkbomb\n");
    return 2;
}
