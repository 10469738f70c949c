/* execve: /bin/sh -c, #! scripts (with an argument, nested, missing interpreter), close-on-exec
 * descriptors, the errors execve reports, and execve of this program itself.
 *   proc_exec [sh] [script] [errors] [self]     (default: sh script errors)
 * Run it as ./proc_exec from a scratch directory (it writes its scripts there). The "self" part
 * needs a system that can execute riscv64 binaries (jitvm; qemu-user only with binfmt_misc). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int run(char *const argv[], char *const envp[]) {
    pid_t c = fork();
    if (c == 0) {
        execve(argv[0], argv, envp);
        printf("execve %s failed: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void write_file(const char *path, const char *text, int mode) {
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, mode);
    if (write(fd, text, strlen(text)) < 0) printf("write %s failed\n", path);
    close(fd);
    chmod(path, mode);
}

static void sh(void) {
    char *a[] = {"/bin/sh", "-c", "echo hi from sh; exit 3", NULL};
    printf("sh -c status: %d\n", run(a, environ));
    /* fd 7 close-on-exec, fd 8 inherited: the shell sees only fd 8 */
    int fd = open("/dev/null", O_WRONLY);
    dup3(fd, 7, O_CLOEXEC);
    dup2(fd, 8);
    close(fd);
    char *b[] = {"/bin/sh", "-c",
                 "{ true >&7; } 2>/dev/null && echo fd7 open || echo fd7 closed; "
                 "{ true >&8; } 2>/dev/null && echo fd8 open || echo fd8 closed", NULL};
    printf("cloexec status: %d\n", run(b, environ));
    close(7);
    close(8);
    char *env[] = {"GREETING=hello env", NULL};
    char *c[] = {"/bin/sh", "-c", "echo $GREETING", NULL};
    printf("envp status: %d\n", run(c, env));
}

static void script(void) {
    write_file("s1.sh", "#!/bin/sh\necho s1: $0 $1 $2\nexit 4\n", 0755);
    char *a[] = {"./s1.sh", "one", "two", NULL};
    printf("script status: %d\n", run(a, environ));
    write_file("s2.sh", "#!/bin/sh -e\necho s2 with -e: $#\nfalse\necho not reached\n", 0755);
    char *b[] = {"./s2.sh", NULL};
    printf("script -e status: %d\n", run(b, environ));
    write_file("inner.sh", "#!/bin/sh\necho inner: $@\n", 0755);
    write_file("outer.sh", "#!./inner.sh argx\n", 0755);
    char *c[] = {"./outer.sh", "last", NULL};
    printf("nested status: %d\n", run(c, environ));
    write_file("broken.sh", "#!/nonexistent/interp\n", 0755);
    char *d[] = {"./broken.sh", NULL};
    printf("missing interpreter: execve -> %s\n", execve(d[0], d, environ) < 0 ?
           strerror(errno) : "?");
    unlink("s1.sh"); unlink("s2.sh"); unlink("inner.sh"); unlink("outer.sh"); unlink("broken.sh");
}

static void errors(void) {
    char *argv[] = {"x", NULL};
    struct { const char *path; const char *text; int mode; } cases[] = {
        {"./no-such-program", NULL, 0},
        {"plain.txt", "just text\n", 0644},
        {"garbage.bin", "\x01\x02\x03 not an executable\n", 0755},
        {"plain.txt/sub", NULL, 0},
        {".", NULL, 0},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].text) write_file(cases[i].path, cases[i].text, cases[i].mode);
        int r = execve(cases[i].path, argv, environ);
        printf("execve %s: %d %s\n", cases[i].path, r, strerror(errno));
    }
    unlink("plain.txt");
    unlink("garbage.bin");
}

static void self(const char *me) {
    char comm[17] = {0};
    int fd = open("/dev/null", O_WRONLY);
    dup3(fd, 7, O_CLOEXEC);
    dup2(fd, 8);
    close(fd);
    char *a[] = {(char *)me, "child", "a b", "", "c", NULL};
    char *env[] = {"ONLY=this", NULL};
    printf("self status: %d\n", run(a, env));
    prctl(PR_GET_NAME, comm);
    printf("parent comm still %s\n", comm);
}

static void child(int argc, char **argv) {
    char comm[17] = {0};
    prctl(PR_GET_NAME, comm);
    printf("child: argc=%d", argc);
    for (int i = 2; i < argc; i++) printf(" [%s]", argv[i]);
    printf(" env=%s environ[1]=%s comm=%s fd7=%s fd8=%s\n", getenv("ONLY"),
           environ[1] ? environ[1] : "(null)", comm,
           fcntl(7, F_GETFD) < 0 ? "closed" : "open", fcntl(8, F_GETFD) < 0 ? "closed" : "open");
    exit(9);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && !strcmp(argv[1], "child")) child(argc, argv);
    int all = argc < 2;
    for (int i = 1; i < argc || all; i++) {
        const char *part = all ? "sh script errors" : argv[i];
        if (strstr(part, "sh")) { printf("== sh\n"); sh(); }
        if (strstr(part, "script")) { printf("== script\n"); script(); }
        if (strstr(part, "errors")) { printf("== errors\n"); errors(); }
        if (strstr(part, "self")) { printf("== self\n"); self(argv[0]); }
        all = 0;
    }
    return 0;
}
