/* files: file-system system calls on a scratch directory it makes under /tmp and removes again.
   Prints sizes, sorted names and errno names for the failures it expects; never a path, inode
   or time. Exits 0 when every step behaved, else 1. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static const char *ename(int e)
{
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    default: return "E?";
    }
}

/* Print a call's result; rc < 0 counts as a failure unless want_errno says which is expected. */
static long show(const char *what, long rc, int want_errno)
{
    int e = rc < 0 ? errno : 0;
    printf("%-28s %ld %s\n", what, rc < 0 ? -1 : rc, ename(e));
    if (e != want_errno) {
        printf("  FAIL: expected %s\n", ename(want_errno));
        failures++;
    }
    return rc;
}
#define OK(call) show(#call, (call), 0)
#define FAILS(call, e) show(#call, (call), e)

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
    DIR *d = opendir(dir);
    char *names[64];
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) && n < 64)
        names[n++] = strdup(de->d_name);
    if (d)
        closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("ls %s:", dir);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void)
{
    char tmpl[] = "/tmp/jitvm-files-XXXXXX", buf[256], cwd[4096];
    if (!mkdtemp(tmpl)) { perror("mkdtemp"); return 1; }
    OK(chdir(tmpl));
    printf("getcwd matches:              %s\n",
           getcwd(cwd, sizeof cwd) && !strcmp(cwd, tmpl) ? "yes" : "NO");
    umask(077);                        /* the inherited umask is the host's: don't print it */
    printf("umask was:                   %03o\n", umask(022));
    printf("umask now:                   %03o\n", umask(022));

    int fd = OK(openat(AT_FDCWD, "a.txt", O_CREAT | O_RDWR | O_TRUNC, 0666));
    OK(write(fd, "hello, world\n", 13));
    OK(lseek(fd, 0, SEEK_CUR));
    OK(lseek(fd, 7, SEEK_SET));
    memset(buf, 0, sizeof buf);
    OK(read(fd, buf, 100));
    printf("read: %s", buf);
    OK(pwrite(fd, "HELLO", 5, 0));
    memset(buf, 0, sizeof buf);
    OK(pread(fd, buf, 5, 0));
    printf("pread: %s\n", buf);
    OK(lseek(fd, 0, SEEK_END));
    OK(lseek(fd, 100, SEEK_END));
    OK(write(fd, "!", 1));             /* a hole of 100 zero bytes */
    struct stat st;
    OK(fstat(fd, &st));
    printf("fstat size=%lld regular=%d mode=%03o nlink=%ld\n", (long long)st.st_size,
           S_ISREG(st.st_mode), st.st_mode & 0777, (long)st.st_nlink);
    OK(ftruncate(fd, 5));
    OK(fstat(fd, &st));
    printf("after ftruncate size=%lld\n", (long long)st.st_size);
    OK(fchmod(fd, 0600));
    OK(fsync(fd));
    OK(close(fd));
    FAILS(close(fd), EBADF);

    OK(stat("a.txt", &st));
    printf("stat mode=%03o size=%lld\n", st.st_mode & 0777, (long long)st.st_size);
    struct timespec ts[2] = {{1000000000, 0}, {1234567890, 500}};
    OK(utimensat(AT_FDCWD, "a.txt", ts, 0));
    OK(stat("a.txt", &st));
    printf("utimensat atime=%lld mtime=%lld.%09ld\n", (long long)st.st_atim.tv_sec,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    OK(access("a.txt", R_OK | W_OK));
    FAILS(access("missing", F_OK), ENOENT);
    FAILS(open("missing", O_RDONLY), ENOENT);
    FAILS(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);

    OK(mkdir("sub", 0755));
    FAILS(mkdir("sub", 0755), EEXIST);
    OK(rename("a.txt", "sub/b.txt"));
    FAILS(stat("a.txt", &st), ENOENT);
    OK(symlink("sub/b.txt", "link"));
    ssize_t n = OK(readlink("link", buf, sizeof buf - 1));
    buf[n > 0 ? n : 0] = 0;
    printf("readlink: %s\n", buf);
    OK(lstat("link", &st));
    printf("lstat is link=%d\n", S_ISLNK(st.st_mode));
    OK(stat("link", &st));
    printf("stat via link size=%lld\n", (long long)st.st_size);
    fd = OK(open("c.bin", O_CREAT | O_WRONLY, 0644));
    OK(close(fd));
    list(".");
    list("sub");
    FAILS(rmdir("sub"), ENOTEMPTY);
    FAILS(open("sub", O_WRONLY), EISDIR);
    FAILS(open("c.bin/x", O_RDONLY), ENOTDIR);
    OK(chdir("sub"));
    OK(unlink("b.txt"));
    OK(chdir(".."));
    OK(rmdir("sub"));
    OK(unlink("link"));
    OK(unlink("c.bin"));
    list(".");
    OK(chdir("/"));
    OK(rmdir(tmpl));
    printf("%s (%d failures)\n", failures ? "FAIL" : "ok", failures);
    return failures != 0;
}
