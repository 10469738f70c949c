/* vfork and posix_spawn (CLONE_VM|CLONE_VFORK): the parent sleeps until the child execs or
 * exits, and sees the child's writes to memory meanwhile; descriptors are not shared.
 * qemu-user emulates vfork with fork, so this output is Linux's, not qemu's. */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile int shared_var;

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int st;
    pid_t c = vfork();
    if (c == 0) {
        shared_var = 42;                 /* same memory as the parent until _exit */
        write(1, "child runs first\n", 17);
        _exit(3);
    }
    printf("parent resumed: var=%d\n", shared_var);
    waitpid(c, &st, 0);
    printf("vfork child status %d\n", WEXITSTATUS(st));

    int fd = dup(1);
    c = vfork();
    if (c == 0) {
        close(fd);                      /* its own descriptor table */
        char *argv[] = {"/bin/sh", "-c", "echo from the child shell", NULL};
        execve(argv[0], argv, environ);
        _exit(127);
    }
    waitpid(c, &st, 0);
    printf("exec'd child status %d; our fd %s\n", WEXITSTATUS(st),
           write(fd, "", 0) == 0 ? "still open" : "closed");

    pid_t pid;
    char *sh[] = {"sh", "-c", "exit 5", NULL};
    int r = posix_spawn(&pid, "/bin/sh", NULL, NULL, sh, environ);
    waitpid(pid, &st, 0);
    printf("posix_spawn: %d, status %d\n", r, WEXITSTATUS(st));
    r = posix_spawn(&pid, "/no/such/program", NULL, NULL, sh, environ);
    printf("posix_spawn of a missing file: %s\n", strerror(r));
    return 0;
}
