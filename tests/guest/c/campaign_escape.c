/* campaign_escape HOSTBASE [RACE_ROUNDS]: tries to reach host files outside the root file system
 * by every way the kernel resolves a name, from system calls a shell cannot make.
 *
 * HOSTBASE is the host directory around the root: HOSTBASE/root is this guest's "/",
 * HOSTBASE/secret.txt must never be read, HOSTBASE/nowrite must never be written. Both are
 * tried by every route: "..", symlinks (relative, absolute, host paths, loops, 40 and 41 links,
 * one swapped by a racing process), O_PATH dirfds and fchdir, /proc/<pid>/{root,cwd,exe,fd/N}
 * magic links, hard links, renames, device nodes, chroot/mount/pivot_root/unshare/
 * open_by_handle_at/openat2, over-long paths and names, odd bytes in names.
 *
 * Whatever a probe manages to open is printed, so a leak shows in the output (the host side
 * looks for the secret's text there, and checks HOSTBASE is unchanged). Where Linux's answer is
 * known the program checks it: "ok <probe>" or "FAIL <probe>: ...", then "all ok" or
 * "N failures". Where a root-owned Linux would do something a VM may refuse (mknod of a
 * device, chroot, mount), either answer passes as long as nothing outside the root is reached.
 * jitvm only: under qemu-user the guest's "/" is the host's. Works in /tmp/e (made afresh). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437             /* asm-generic; older headers lack it */
#endif

static int failures;
static const char *base;            /* HOSTBASE */

static const char *en(int e) {
    static char buf[16];
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ELOOP: return "ELOOP";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ESTALE: return "ESTALE";
    }
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
}

static void ok(const char *what) { printf("ok %s\n", what); }

static void fail(const char *what, const char *why) {
    printf("FAIL %s: %s\n", what, why);
    failures++;
}

/* Print what an fd gives (a leak shows here), then close it. */
static void dump(const char *what, int fd) {
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0) {
        printf("  %s: opened, read %s\n", what, en(errno));
    } else {
        buf[n] = 0;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] == '\n' || buf[i] == 0) buf[i] = '|';
        printf("  %s: opened, read \"%s\"\n", what, buf);
    }
    close(fd);
}

/* rc is a system call result; the call must fail with one of the errnos listed (0-terminated). */
static void want_err(const char *what, long rc, ...) {
    int e = errno;
    char why[128];
    va_list ap;
    if (rc >= 0) {
        snprintf(why, sizeof why, "succeeded (%ld)", rc);
        fail(what, why);
        return;
    }
    va_start(ap, rc);
    for (int w; (w = va_arg(ap, int)) != 0;) {
        if (w == e) {
            va_end(ap);
            ok(what);
            return;
        }
    }
    va_end(ap);
    snprintf(why, sizeof why, "errno %s", en(e));
    fail(what, why);
}

/* open must fail with `want`; anything it opens is dumped. */
static void no_open(const char *what, int dirfd, const char *path, int flags, int want) {
    int fd = openat(dirfd, path, flags);
    int e = errno;
    if (fd >= 0) {
        dump(what, fd);
        fail(what, "opened");
    } else if (e != want) {
        char why[64];
        snprintf(why, sizeof why, "errno %s, not %s", en(e), en(want));
        fail(what, why);
    } else {
        ok(what);
    }
}

static void check(const char *what, int cond) {
    if (cond) ok(what);
    else {
        char why[64];
        snprintf(why, sizeof why, "errno %s", en(errno));
        fail(what, why);
    }
}

static int same_file(int fd, const char *path) {
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

static void put(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) fail(path, "cannot create");
    close(fd);
}

/* ---- "..", host paths, O_PATH dirfds, fchdir -------------------------------------------- */
static void dotdot(void) {
    char host[4096];
    no_open("/../secret.txt", AT_FDCWD, "/../secret.txt", O_RDONLY, ENOENT);
    no_open("/../../../../../../../../../../secret.txt", AT_FDCWD,
            "/../../../../../../../../../../secret.txt", O_RDONLY, ENOENT);
    snprintf(host, sizeof host, "%s/secret.txt", base);
    no_open("host path of the secret", AT_FDCWD, host, O_RDONLY, ENOENT);
    snprintf(host, sizeof host, "%s/root/../secret.txt", base);
    no_open("host path of the root + ../secret.txt", AT_FDCWD, host, O_RDONLY, ENOENT);
    snprintf(host, sizeof host, "%s/nowrite/pwned", base);
    no_open("create at the host path of nowrite", AT_FDCWD, host, O_WRONLY | O_CREAT, ENOENT);

    chdir("/tmp/e");
    for (int i = 0; i < 50; i++) chdir("..");
    char cwd[256];
    check("fifty chdir(\"..\") from /tmp/e end at /",
          getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0);
    no_open("secret.txt after the chdirs", AT_FDCWD, "secret.txt", O_RDONLY, ENOENT);
    no_open("../nowrite/pwned after the chdirs", AT_FDCWD, "../nowrite/pwned",
            O_WRONLY | O_CREAT, ENOENT);

    int fd = open("/", O_PATH | O_DIRECTORY);
    for (int i = 0; i < 64; i++) {
        int up = openat(fd, "..", O_PATH | O_DIRECTORY);
        if (up < 0) break;
        close(fd);
        fd = up;
    }
    check("O_PATH dirfd of / then 64 x openat(\"..\") is still /", same_file(fd, "/"));
    no_open("openat(O_PATH dirfd, \"../../secret.txt\")", fd, "../../secret.txt", O_RDONLY,
            ENOENT);
    no_open("openat(O_PATH dirfd, \"../nowrite/x\", O_CREAT)", fd, "../nowrite/x",
            O_WRONLY | O_CREAT, ENOENT);
    close(fd);

    fd = open("/tmp/e", O_PATH | O_DIRECTORY);
    check("fchdir to an O_PATH dirfd", fchdir(fd) == 0);
    no_open("../../../../secret.txt from there", AT_FDCWD, "../../../../secret.txt", O_RDONLY,
            ENOENT);
    no_open("openat(/tmp/e O_PATH, \"../../../secret.txt\")", fd, "../../../secret.txt",
            O_RDONLY, ENOENT);
    close(fd);

    /* the listing of "/.." is the guest root's: busybox there, never the host's root/ */
    DIR *d = opendir("/..");
    int busybox = 0, outside = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        busybox |= strcmp(e->d_name, "bin") == 0;
        outside |= strcmp(e->d_name, "secret.txt") == 0 || strcmp(e->d_name, "nowrite") == 0;
    }
    if (d) closedir(d);
    check("readdir(\"/..\") lists the guest root", busybox && !outside);
    chdir("/tmp/e");
}

/* ---- symlinks ------------------------------------------------------------------------- */
static void symlinks(void) {
    char host[4096];
    mkdir("/tmp/e/ln", 0755);
    chdir("/tmp/e/ln");
    symlink("../../../../../../../../secret.txt", "rel");
    no_open("relative symlink up past /", AT_FDCWD, "rel", O_RDONLY, ENOENT);
    snprintf(host, sizeof host, "%s/secret.txt", base);
    symlink(host, "abs");
    no_open("symlink to the secret's host path", AT_FDCWD, "abs", O_RDONLY, ENOENT);
    symlink("/..", "up");
    no_open("symlink to /.. then secret.txt", AT_FDCWD, "up/secret.txt", O_RDONLY, ENOENT);
    check("symlink to /.. leads to the guest root", access("up/bin/busybox", X_OK) == 0);
    symlink("/proc/self/root/..", "procup");
    no_open("symlink to /proc/self/root/.. then secret.txt", AT_FDCWD, "procup/secret.txt",
            O_RDONLY, ENOENT);
    symlink("/proc/self/cwd/../../../../..", "cwdup");
    no_open("symlink through /proc/self/cwd up past /", AT_FDCWD, "cwdup/secret.txt",
            O_RDONLY, ENOENT);
    snprintf(host, sizeof host, "%s/nowrite/pwned", base);
    symlink(host, "dangling");
    no_open("O_CREAT through a dangling link to nowrite's host path", AT_FDCWD, "dangling",
            O_WRONLY | O_CREAT, ENOENT);
    symlink("../../../../../nowrite/pwned", "dangling2");
    no_open("O_CREAT through a dangling ../ link to nowrite", AT_FDCWD, "dangling2",
            O_WRONLY | O_CREAT, ENOENT);

    /* loops and long chains end in ELOOP (and quickly), 40 links are allowed, 41 are not */
    symlink("self", "self");
    no_open("a symlink to itself", AT_FDCWD, "self", O_RDONLY, ELOOP);
    no_open("through a symlink to itself", AT_FDCWD, "self/x", O_RDONLY, ELOOP);
    symlink("pong", "ping");
    symlink("ping", "pong");
    no_open("two symlinks to each other", AT_FDCWD, "ping", O_RDONLY, ELOOP);
    symlink("../ln/loopdir", "loopdir");
    no_open("a directory symlink to itself via ..", AT_FDCWD, "loopdir/loopdir/x", O_RDONLY,
            ELOOP);
    put("target", "target\n");
    char name[32], prev[32] = "target";
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof name, "c%d", i);
        symlink(prev, name);
        strcpy(prev, name);
    }
    int fd = open("c40", O_RDONLY);
    check("a chain of 40 symlinks resolves", fd >= 0);
    if (fd >= 0) close(fd);
    no_open("a chain of 41 symlinks", AT_FDCWD, "c41", O_RDONLY, ELOOP);
    symlink(".", "dot");
    char path[400] = "";
    for (int i = 0; i < 40; i++) strcat(path, "dot/");
    strcat(path, "target");
    fd = open(path, O_RDONLY);
    check("40 links to . in one path resolve", fd >= 0);
    if (fd >= 0) close(fd);
    memmove(path + 4, path, strlen(path) + 1);
    memcpy(path, "dot/", 4);
    no_open("41 links to . in one path", AT_FDCWD, path, O_RDONLY, ELOOP);

    no_open("O_NOFOLLOW on a symlink", AT_FDCWD, "rel", O_RDONLY | O_NOFOLLOW, ELOOP);
    fd = open("rel", O_PATH | O_NOFOLLOW);
    struct stat st;
    check("O_PATH|O_NOFOLLOW opens the symlink itself",
          fd >= 0 && fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode));
    if (fd >= 0) close(fd);
    chdir("/tmp/e");
}

/* ---- /proc magic links ------------------------------------------------------------------- */
static void procfs(void) {
    char link[256], path[256];
    ssize_t n = readlink("/proc/self/root", link, sizeof link - 1);
    check("readlink /proc/self/root is /", n == 1 && link[0] == '/');
    no_open("/proc/self/root/../secret.txt", AT_FDCWD, "/proc/self/root/../secret.txt",
            O_RDONLY, ENOENT);
    no_open("/proc/1/root/../../secret.txt", AT_FDCWD, "/proc/1/root/../../secret.txt",
            O_RDONLY, ENOENT);
    no_open("/proc/thread-self/root/../secret.txt", AT_FDCWD,
            "/proc/thread-self/root/../secret.txt", O_RDONLY, ENOENT);
    chdir("/tmp/e");
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    check("readlink /proc/self/cwd is /tmp/e", n == 6 && memcmp(link, "/tmp/e", 6) == 0);
    no_open("/proc/self/cwd/../../../../secret.txt", AT_FDCWD,
            "/proc/self/cwd/../../../../secret.txt", O_RDONLY, ENOENT);
    no_open("/proc/self/exe/../secret.txt", AT_FDCWD, "/proc/self/exe/../secret.txt", O_RDONLY,
            ENOTDIR);
    int fd = open("/proc/self/exe", O_RDONLY);
    n = readlink("/proc/self/exe", link, sizeof link - 1);
    if (n > 0) link[n] = 0;
    check("/proc/self/exe opens the guest file its link names",
          fd >= 0 && n > 0 && link[0] == '/' && same_file(fd, link));
    if (fd >= 0) close(fd);

    int dfd = open("/tmp/e", O_PATH | O_DIRECTORY);
    snprintf(path, sizeof path, "/proc/self/fd/%d/../../../secret.txt", dfd);
    no_open("/proc/self/fd/<O_PATH dir>/../../../secret.txt", AT_FDCWD, path, O_RDONLY, ENOENT);
    snprintf(path, sizeof path, "/proc/self/fd/%d/../../bin/busybox", dfd);
    check("/proc/self/fd/<O_PATH dir>/../../bin/busybox is the guest's",
          access(path, X_OK) == 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d/../../../nowrite/x", dfd);
    no_open("create through /proc/self/fd/<dir>/../../../nowrite", AT_FDCWD, path,
            O_WRONLY | O_CREAT, ENOENT);
    close(dfd);

    /* another process's descriptors: a child keeps /tmp/e open and waits */
    int ready[2], hold[2];
    pipe(ready);
    pipe(hold);
    pid_t c = fork();
    if (c == 0) {
        int d = open("/tmp/e", O_RDONLY | O_DIRECTORY);
        char b = (char)d;
        write(ready[1], &b, 1);
        read(hold[0], &b, 1);
        _exit(0);
    }
    char b = 0;
    read(ready[0], &b, 1);
    snprintf(path, sizeof path, "/proc/%d/fd/%d/../../../../secret.txt", (int)c, b);
    no_open("/proc/<child>/fd/<dir>/../../../../secret.txt", AT_FDCWD, path, O_RDONLY, ENOENT);
    snprintf(path, sizeof path, "/proc/%d/cwd/../../../../secret.txt", (int)c);
    no_open("/proc/<child>/cwd/../../../../secret.txt", AT_FDCWD, path, O_RDONLY, ENOENT);
    write(hold[1], &b, 1);
    waitpid(c, NULL, 0);
}

/* ---- hard links, renames, a moved working directory ----------------------------------- */
static void links_and_renames(void) {
    char host[4096];
    mkdir("/tmp/e/mv", 0755);
    chdir("/tmp/e/mv");
    snprintf(host, sizeof host, "%s/secret.txt", base);
    want_err("link() to the secret's host path", link(host, "hl"), ENOENT, 0);
    want_err("link() to /../secret.txt", link("/../secret.txt", "hl"), ENOENT, 0);
    check("link() inside the root", link("/bin/busybox", "bb") == 0);
    put("f", "f\n");
    int fd = open("f", O_PATH);
    check("linkat(O_PATH fd, \"\", AT_EMPTY_PATH)",
          linkat(fd, "", AT_FDCWD, "f2", AT_EMPTY_PATH) == 0 && access("f2", F_OK) == 0);
    close(fd);
    /* /proc/self/exe followed is the guest's busybox-or-program, on the root file system */
    long r = linkat(AT_FDCWD, "/proc/self/exe", AT_FDCWD, "exe", AT_SYMLINK_FOLLOW);
    if (r == 0 || errno == EXDEV) ok("linkat of /proc/self/exe: a guest file or EXDEV");
    else fail("linkat of /proc/self/exe", en(errno));
    snprintf(host, sizeof host, "%s/nowrite/f", base);
    want_err("rename() to nowrite's host path", rename("f", host), ENOENT, 0);
    want_err("rename() to /../nowrite/f", rename("f", "/../nowrite/f"), ENOENT, 0);
    check("rename() to /../mv_up lands in the guest root",
          rename("f", "/../mv_up") == 0 && access("/mv_up", F_OK) == 0);
    want_err("rename() of a directory into itself", rename("/tmp/e/mv", "/tmp/e/mv/in"),
             EINVAL, 0);

    /* the working directory is renamed away under a process: ".." still stops at / */
    mkdir("/tmp/e/mv/a", 0755);
    mkdir("/tmp/e/mv/a/b", 0755);
    mkdir("/tmp/e/mv/a/b/c", 0755);
    chdir("/tmp/e/mv/a/b/c");
    rename("/tmp/e/mv/a", "/tmp/e/moved");
    char cwd[256];
    check("getcwd after the rename gives the new path",
          getcwd(cwd, sizeof cwd) && strcmp(cwd, "/tmp/e/moved/b/c") == 0);
    for (int i = 0; i < 20; i++) chdir("..");
    check("twenty chdir(\"..\") from the moved directory end at /",
          getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0);
    chdir("/tmp/e");
}

/* ---- device nodes -------------------------------------------------------------------------- */
static void devices(void) {
    /* Linux's root may mknod; the node is then the guest kernel's device (or, for a number
     * with no driver, ENXIO on open), never the host's. */
    long r = mknod("/tmp/e/null", S_IFCHR | 0666, makedev(1, 3));
    if (r < 0 && errno == EPERM) {
        ok("mknod of a char device: EPERM");
    } else if (r == 0) {
        int fd = open("/tmp/e/null", O_RDWR);
        char b[8];
        if (fd < 0 && errno == ENXIO) ok("mknod'ed 1:3 opens no driver: ENXIO");
        else check("mknod'ed 1:3 behaves as the guest's null",
                   fd >= 0 && write(fd, "x", 1) == 1 && read(fd, b, 8) == 0);
        if (fd >= 0) close(fd);
    } else {
        fail("mknod of a char device", en(errno));
    }
    r = mknod("/tmp/e/disk", S_IFBLK | 0600, makedev(8, 0));
    if (r < 0 && errno == EPERM) {
        ok("mknod of a block device: EPERM");
    } else if (r == 0) {
        int fd = open("/tmp/e/disk", O_RDONLY);
        if (fd >= 0) dump("block device 8:0", fd);
        want_err("a mknod'ed block device does not open a host disk", fd, ENXIO, ENODEV, 0);
    } else {
        fail("mknod of a block device", en(errno));
    }
    /* /hostnull: a char device node the host made inside the root (if the host could) */
    int fd = open("/hostnull", O_RDWR);
    if (fd >= 0) dump("/hostnull", fd);
    want_err("a host device node in the root is not opened", fd, ENXIO, ENOENT, 0);
}

/* ---- chroot, mount, pivot_root, unshare, handles, openat2 ---------------------------------- */
static void confinement_calls(void) {
    mkdir("/tmp/e/jail", 0755);
    mkdir("/tmp/e/mnt", 0755);
    /* chroot and the classic escape from it, in a child (it changes the root) */
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        char res[128];
        chdir("/tmp/e");
        long r = syscall(SYS_chroot, "/tmp/e/jail");
        int e = errno;
        if (r == 0) {
            for (int i = 0; i < 64; i++) chdir("..");
            syscall(SYS_chroot, ".");
            int fd = open("/../secret.txt", O_RDONLY);
            if (fd >= 0) dump("after the chroot escape", fd);
            const char *opened = fd >= 0 ? "OPENED" : en(errno);
            snprintf(res, sizeof res, "chroot ok; after escaping it /../secret.txt %s; /bin %s",
                     opened, access("/bin/busybox", F_OK) ? "gone" : "there");
        } else {
            snprintf(res, sizeof res, "chroot %s", en(e));
        }
        write(p[1], res, strlen(res) + 1);
        _exit(0);
    }
    char res[128] = "";
    read(p[0], res, sizeof res);
    waitpid(c, NULL, 0);
    printf("  %s\n", res);
    if (strstr(res, "OPENED")) fail("chroot escape", res);
    else if (strncmp(res, "chroot ok", 9) == 0 && !strstr(res, "there"))
        fail("chroot escape", "did not land in the guest root");
    else ok("chroot and its classic escape stay inside the root");

    long r = mount("/", "/tmp/e/mnt", NULL, MS_BIND | MS_REC, NULL);
    printf("  bind mount of /: %s\n", r == 0 ? "OK" : en(errno));
    no_open("secret through the bind mount", AT_FDCWD, "/tmp/e/mnt/../secret.txt", O_RDONLY,
            ENOENT);
    if (r == 0) umount2("/tmp/e/mnt", MNT_DETACH);
    r = syscall(SYS_pivot_root, "/tmp/e/jail", "/tmp/e/jail");
    printf("  pivot_root: %s\n", r == 0 ? "OK" : en(errno));
    r = unshare(CLONE_NEWNS | CLONE_NEWUSER);
    printf("  unshare: %s\n", r == 0 ? "OK" : en(errno));
    no_open("/../secret.txt after mount/pivot_root/unshare", AT_FDCWD, "/../secret.txt",
            O_RDONLY, ENOENT);

    /* "shocker": a forged handle for inode 2, the root of an ext4 file system on the host */
    struct { unsigned int bytes; int type; unsigned char h[8]; } fh = {8, 1, {2, 0, 0, 0}};
    int mfd = open("/", O_RDONLY | O_DIRECTORY);
    int fd = syscall(SYS_open_by_handle_at, mfd, &fh, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fail("open_by_handle_at with a forged handle", "opened");
        close(fd);
    } else {
        printf("  open_by_handle_at: %s\n", en(errno));
        ok("open_by_handle_at with a forged handle fails");
    }
    close(mfd);
    struct { unsigned long long flags, mode, resolve; } how = {O_RDONLY, 0, 0};
    fd = syscall(SYS_openat2, AT_FDCWD, "/../secret.txt", &how, sizeof how);
    if (fd >= 0) dump("openat2", fd);
    want_err("openat2(\"/../secret.txt\")", fd, ENOENT, ENOSYS, 0);
}

/* ---- long paths, long names, odd bytes ------------------------------------------------------ */
static const char *odd[] = {
    "\xff\xfe", "new\nline", "-rf", " ", "\\", "*?[", "...", "..a", ". ", "\x01\x7f",
    "tab\there", "\xc3\xa9\xe6\x97\xa5", "a:b", "%s%n", "'\"",
};

static void names(void) {
    char path[6000], name[300];
    memset(path, 0, sizeof path);
    for (int i = 0; i < 2100; i++) memcpy(path + 2 * i, "./", 2);
    strcat(path, "x");
    no_open("a 4201-byte path", AT_FDCWD, path, O_RDONLY, ENAMETOOLONG);
    memset(name, 'n', 256);
    name[256] = 0;
    no_open("a 256-byte name", AT_FDCWD, name, O_WRONLY | O_CREAT, ENAMETOOLONG);
    name[255] = 0;
    mkdir("/tmp/e/odd", 0755);
    chdir("/tmp/e/odd");
    int fd = open(name, O_WRONLY | O_CREAT, 0644);
    check("a 255-byte name", fd >= 0);
    if (fd >= 0) close(fd);
    int n = sizeof odd / sizeof *odd, made = 0;
    for (int i = 0; i < n; i++) {
        fd = open(odd[i], O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) {
            dprintf(fd, "%d\n", i);
            close(fd);
            made++;
        }
    }
    check("files with odd bytes in their names", made == n);
    int seen = 0;
    DIR *d = opendir(".");
    for (struct dirent *e; d && (e = readdir(d));)
        for (int i = 0; i < n; i++)
            seen += strcmp(e->d_name, odd[i]) == 0;
    if (d) closedir(d);
    check("readdir gives every odd name back", seen == n);
    want_err("creat(\"..\")", open("..", O_WRONLY | O_CREAT, 0644), EISDIR, 0);
    want_err("creat(\"\")", open("", O_WRONLY | O_CREAT, 0644), ENOENT, 0);

    /* a directory chain deeper than PATH_MAX, walked with relative names */
    chdir("/tmp/e");
    mkdir("deep", 0755);
    chdir("deep");
    const char *seg = "d123456789abcdef0123456789";   /* 26 bytes */
    int depth = 0;
    for (; depth < 200; depth++)
        if (mkdir(seg, 0755) || chdir(seg)) break;
    check("200 nested 26-byte directories", depth == 200);
    /* the system call itself: glibc's getcwd() falls back to walking ".." when it fails */
    want_err("getcwd system call for a 5400-byte path",
             syscall(SYS_getcwd, path, sizeof path), ENAMETOOLONG, 0);
    path[0] = 0;
    for (int i = 0; i < 230; i++) strcat(path, "../");
    strcat(path, "secret.txt");
    no_open("230 x ../ from the bottom, then secret.txt", AT_FDCWD, path, O_RDONLY, ENOENT);
    path[strlen(path) - strlen("secret.txt")] = 0;
    strcat(path, "bin/busybox");
    check("230 x ../ from the bottom reaches /bin/busybox", access(path, X_OK) == 0);
    chdir("/tmp/e");
}

/* ---- a symlink swapped by a racing process while this one walks through it --------------- */
static void race(int rounds) {
    char host[4096];
    mkdir("/tmp/e/race", 0755);
    mkdir("/tmp/e/race/d", 0755);
    put("/tmp/e/race/d/inner", "inner\n");
    chdir("/tmp/e/race");
    symlink("d", "sw");
    snprintf(host, sizeof host, "%s", base);
    const char *targets[] = {"d", "../../../../../../../..", "/..", host, "/proc/self/root/.."};
    pid_t c = fork();
    if (c == 0) {
        for (unsigned i = 0;; i++) {
            symlink(targets[i % 5], "tmp");
            rename("tmp", "sw");
        }
    }
    const char *paths[] = {"sw/inner", "sw/secret.txt", "sw/../secret.txt",
                           "sw/../../../../secret.txt", "sw/nowrite/x", "sw/../nowrite/x"};
    int opened = 0, leaks = 0;
    for (int i = 0; i < rounds; i++) {
        for (int j = 0; j < 6; j++) {
            int fd = open(paths[j], j >= 4 ? O_WRONLY | O_CREAT : O_RDONLY, 0644);
            if (fd < 0) continue;
            char buf[64] = "";
            ssize_t n = j < 4 ? read(fd, buf, sizeof buf - 1) : 0;
            close(fd);
            if (n == 6 && memcmp(buf, "inner\n", 6) == 0) opened++;
            else if (j < 4) {
                printf("  race: %s read \"%s\"\n", paths[j], buf);
                leaks++;
            }
        }
    }
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    printf("  race: %d walks\n", rounds * 6);
    check("walks through a swapped symlink read only the guest's file", leaks == 0 && opened > 0);
    chdir("/tmp/e");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: campaign_escape HOSTBASE [RACE_ROUNDS]\n");
        return 2;
    }
    base = argv[1];
    mkdir("/tmp/e", 0755);
    chdir("/tmp/e");
    dotdot();
    symlinks();
    procfs();
    links_and_renames();
    devices();
    confinement_calls();
    names();
    race(argc > 2 ? atoi(argv[2]) : 200);
    if (failures) printf("%d failures\n", failures);
    else printf("all ok\n");
    return failures != 0;
}
