/* Open files are objects, and read(), write() and MAP_SHARED see one copy of a file.
 * Compared with qemu-user, where the host kernel gives Linux's answers.
 *   - /proc/self/fd/N reopens the file the descriptor has open, not whatever now has its name
 *     (a renamed-over file; a name replaced by a FIFO, which must neither block nor be opened);
 *   - a store through a MAP_SHARED mapping is what read() returns at once, in another process too;
 *     a write() is seen through the mapping;
 *   - a page of a file mapping wholly past the end of the file raises SIGBUS (BUS_ADRERR), and a
 *     system call given such an address fails with EFAULT.
 * Run with the current directory writable (the test uses ./fobj.*). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, \
    __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

static void put(const char *name, const char *text) {
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    close(fd);
}

static const char *via_proc(int fd, int flags) {
    static char buf[64];
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int g = open(path, flags);
    if (g < 0) {
        snprintf(buf, sizeof buf, "open: %s", strerror(errno));
        return buf;
    }
    int n = read(g, buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    close(g);
    return buf;
}

static void reopen_is_the_object(void) {
    put("fobj.a", "old");
    put("fobj.b", "new");
    int fd = open("fobj.a", O_RDONLY);
    rename("fobj.b", "fobj.a");
    const char *got = via_proc(fd, O_RDONLY);
    printf("renamed over: %s\n", got);
    CHECK(!strcmp(got, "old"), "reopen after rename-over gave %s", got);
    close(fd);

    put("fobj.c", "kept");
    fd = open("fobj.c", O_RDONLY);
    unlink("fobj.c");
    mkfifo("fobj.c", 0644);             /* the name is a FIFO now: reopening must not block */
    got = via_proc(fd, O_RDONLY);
    printf("name became a fifo: %s\n", got);
    CHECK(!strcmp(got, "kept"), "reopen after the name became a FIFO gave %s", got);
    close(fd);
    unlink("fobj.c");
    unlink("fobj.a");
}

static void one_copy(void) {
    long page = sysconf(_SC_PAGESIZE);
    int fd = open("fobj.m", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, page);
    char *m = mmap(0, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
    memcpy(m + 100, "through the mapping", 19);
    pid_t pid = fork();
    if (pid == 0) {                     /* another process, its own descriptor, plain read() */
        char buf[32] = {0};
        int g = open("fobj.m", O_RDONLY);
        pread(g, buf, 19, 100);
        _exit(strcmp(buf, "through the mapping") != 0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("read() in another process sees the store: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a read() missed the mapping's store");

    pwrite(fd, "by write()", 10, 200);
    printf("the mapping sees write(): %.10s\n", m + 200);
    CHECK(!memcmp(m + 200, "by write()", 10), "the mapping missed a write()");
    munmap(m, page);
    close(fd);
    unlink("fobj.m");
}

static sigjmp_buf env;
static volatile int bus_code;
static void *volatile bus_addr;

static void on_bus(int sig, siginfo_t *si, void *uc) {
    (void)sig, (void)uc;
    bus_code = si->si_code;
    bus_addr = si->si_addr;
    siglongjmp(env, 1);
}

static void past_eof(void) {
    long page = sysconf(_SC_PAGESIZE);
    int fd = open("fobj.s", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "short", 5);
    char *m = mmap(0, 2 * page, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("within the last page, past the end: %d\n", m[100]);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, 0);
    volatile char c = 0;
    if (!sigsetjmp(env, 1))
        c = m[page + 1];
    printf("a page past the end: SIGBUS code %d at +%ld\n", bus_code,
           (long)((char *)bus_addr - m));
    CHECK(bus_code == 2 && (char *)bus_addr == m + page + 1, "no SIGBUS/BUS_ADRERR (%d)", c);
    int p[2];
    pipe(p);
    write(p[1], "x", 1);
    errno = 0;
    long r = read(p[0], m + page, 1);
    printf("read() into it: %ld %s\n", r, strerror(errno));
    CHECK(r == -1 && errno == EFAULT, "read into a page past the end gave %ld", r);
    munmap(m, 2 * page);
    close(fd);
    unlink("fobj.s");
}

int main(void) {
    const char *leftovers[] = {"fobj.a", "fobj.b", "fobj.c", "fobj.m", "fobj.s"};
    for (unsigned i = 0; i < sizeof leftovers / sizeof *leftovers; i++)
        unlink(leftovers[i]);           /* an earlier run that was killed may have left a FIFO */
    reopen_is_the_object();
    one_copy();
    past_eof();
    if (!failures)
        printf("all ok\n");
    return failures != 0;
}
