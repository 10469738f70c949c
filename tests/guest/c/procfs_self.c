/* /proc as documented in proc(5): /proc/self/stat fields, maps with [stack], readlink of
 * /proc/self/exe, /proc/cpuinfo, fd links. Output is only "ok"/"FAIL" lines: under qemu-user
 * /proc is the host's, so values differ; the checks are what Linux promises. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fails;
#define CHECK(c, what) do { if (c) printf("ok %s\n", what); \
    else { printf("FAIL %s (errno %s)\n", what, strerror(errno)); fails++; } } while (0)

static char text[1 << 16];

static int slurp(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int n = 0, k;
    while ((k = read(fd, text + n, sizeof text - 1 - n)) > 0) n += k;
    close(fd);
    text[n] = 0;
    return n;
}

int main(int argc, char **argv) {
    CHECK(slurp("/proc/self/stat") > 0, "read /proc/self/stat");
    int pid;
    char comm[64], state;
    int ppid;
    CHECK(sscanf(text, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid) == 4, "stat parses");
    CHECK(pid == getpid(), "stat pid is getpid()");
    CHECK(ppid == getppid(), "stat ppid is getppid()");
    CHECK(state == 'R', "stat state R while running");
    CHECK(strcmp(comm, "procfs_self") == 0, "stat comm");
    int fields = 0;
    for (char *p = strrchr(text, ')') + 1; *p; p++)
        if (*p == ' ') fields++;
    CHECK(fields + 2 >= 52, "stat has at least 52 fields");

    CHECK(slurp("/proc/self/maps") > 0, "read /proc/self/maps");
    CHECK(strstr(text, "[stack]") != NULL, "maps has [stack]");
    unsigned long lo, hi;
    char perms[5];
    CHECK(sscanf(text, "%lx-%lx %4s", &lo, &hi, perms) == 3 && lo < hi, "maps line format");
    int local;
    char *line = text, found = 0;
    while (line && *line) {
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= (unsigned long)&local &&
            (unsigned long)&local < hi && strstr(line, "[stack]") && strchr(line, '\n'))
            found = 1;
        line = strchr(line, '\n');
        if (line) line++;
    }
    CHECK(found, "a local variable lies in [stack]");

    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0, "readlink /proc/self/exe");
    exe[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && exe[0] == '/' && strstr(exe, "procfs_self") != NULL, "exe names this program");

    CHECK(slurp("/proc/cpuinfo") > 0 && strstr(text, "processor") != NULL, "cpuinfo processor");
    CHECK(slurp("/proc/self/cmdline") > 0 && strcmp(text, argv[0]) == 0, "cmdline argv[0]");
    CHECK(slurp("/proc/meminfo") > 0 && strstr(text, "MemTotal:") == text, "meminfo MemTotal");
    CHECK(slurp("/proc/uptime") > 0 && atof(text) > 0, "uptime positive");

    int p[2];
    pipe(p);
    char link[64], target[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", p[0]);
    n = readlink(link, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && strncmp(target, "pipe:[", 6) == 0, "fd link of a pipe is pipe:[N]");
    int devnull = open("/dev/null", O_RDONLY);
    snprintf(link, sizeof link, "/proc/self/fd/%d", devnull);
    n = readlink(link, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    CHECK(strcmp(target, "/dev/null") == 0, "fd link of /dev/null");
    char self[32];
    n = readlink("/proc/self", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    CHECK(atoi(self) == getpid(), "/proc/self links to the pid");
    printf("%s\n", fails ? "SOME FAILED" : "all ok");
    return fails != 0;
}
