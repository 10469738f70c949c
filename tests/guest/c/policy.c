/* policy: nice values, scheduling policies, I/O priorities, personality, capabilities, pidfds,
 * kcmp and process_vm_readv/writev (kernel/syscalls/policy.py and pidfd.py).
 *
 *   policy        what Linux and qemu-user (which hands these calls to the host kernel; the
 *                 test runs as root) agree on: results and errnos only, no pids, nothing that
 *                 depends on the host. qemu runs a helper thread in every process, so nice
 *                 values and I/O priorities are set for whole groups or users before a group
 *                 or user is asked about (a per-thread change would leave the helper behind).
 *   policy linux  what qemu-user cannot show, checked against Linux's documented behaviour:
 *                 process_vm_readv/writev (qemu 7.2: ENOSYS), a root process's capability sets
 *                 (a container's root lacks some), SCHED_DEADLINE (host admission control) and
 *                 kcmp(KCMP_EPOLL_TFD) (qemu passes the slot pointer through unconverted).
 *
 * Raw system calls throughout: the C libraries' wrappers differ (getpriority's 20 - nice).
 * stdout is unbuffered and every parent waits for its child before it prints again.
 * build-flags: -pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define USER 4242                       /* an uid no host process is expected to have */
#define SCHED_IDLE_ 5
#define SCHED_DEADLINE_ 6
#define RESET_ON_FORK 0x40000000
#define IOPRIO(cls, data) ((cls) << 13 | (data))
#define CAP_V1 0x19980330
#define CAP_V3 0x20080522
#define BIT(n) (1ULL << (n))
enum { KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM,
       KCMP_EPOLL_TFD };

static const char *ename(int e)
{
    static char other[16];
    switch (e) {
    case EPERM: return "EPERM";     case ESRCH: return "ESRCH";   case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";   case EBADF: return "EBADF";   case E2BIG: return "E2BIG";
    case EFAULT: return "EFAULT";   case EBUSY: return "EBUSY";   case ENOENT: return "ENOENT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOSYS: return "ENOSYS";   case EAGAIN: return "EAGAIN";
    }
    snprintf(other, sizeof other, "errno %d", e);
    return other;
}

/* A raw system call's result: the value, or -errno. */
#define SC(...) res(syscall(__VA_ARGS__))
static long res(long r) { return r < 0 ? -errno : r; }

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%s: %s\n", what, ename(-r));
    else
        printf("%s: %ld\n", what, r);
}

static pid_t dead_pid(void)             /* a pid that no longer names anything */
{
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    waitpid(p, NULL, 0);
    return p;
}

static int status_of(pid_t p)
{
    int st = 0;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void drop_to(int uid)
{
    if (syscall(SYS_setgroups, 0, NULL) || syscall(SYS_setresgid, uid, uid, uid)
        || syscall(SYS_setresuid, uid, uid, uid))
        printf("cannot become uid %d: %s\n", uid, ename(errno));
}

static void set_limit(int resource, long value)
{
    struct rlimit rl = { value, value };
    if (setrlimit(resource, &rl))
        printf("setrlimit %d: %s\n", resource, ename(errno));
}

/* Run fn in a child and wait for it. */
static void in_child(void (*fn)(void))
{
    pid_t p = fork();
    if (p == 0) {
        fn();
        _exit(0);
    }
    int st = status_of(p);
    if (st)
        printf("child status %d\n", st);
}

/* ==== nice values ============================================================================ */
static void nice_user(void)
{
    show("  child inherits: getpriority(PRIO_PROCESS, 0)", SC(SYS_getpriority, PRIO_PROCESS, 0));
    set_limit(RLIMIT_NICE, 0);
    drop_to(USER);
    show("  user: setpriority(self, 10)", SC(SYS_setpriority, PRIO_PROCESS, 0, 10));
    show("  user: getpriority(self)", SC(SYS_getpriority, PRIO_PROCESS, 0));
    show("  user: setpriority(self, 9) lowers it", SC(SYS_setpriority, PRIO_PROCESS, 0, 9));
    show("  user: setpriority(root's process)", SC(SYS_setpriority, PRIO_PROCESS, getppid(), 5));
    show("  user: getpriority(root's process)", SC(SYS_getpriority, PRIO_PROCESS, getppid()));
    show("  user: setpriority(PRIO_USER, 0, 12)", SC(SYS_setpriority, PRIO_USER, 0, 12));
    show("  user: getpriority(PRIO_USER, 0)", SC(SYS_getpriority, PRIO_USER, 0));
    show("  user: getpriority(PRIO_USER, USER)", SC(SYS_getpriority, PRIO_USER, USER));
    show("  user: setpriority(PRIO_USER, 0, 11)", SC(SYS_setpriority, PRIO_USER, 0, 11));
    show("  user: setpriority(PRIO_PGRP, 0, 15) with root in the group",
         SC(SYS_setpriority, PRIO_PGRP, 0, 15));
    show("  user: getpriority(self)", SC(SYS_getpriority, PRIO_PROCESS, 0));
}

static void nice_section(void)
{
    setpgid(0, 0);
    show("setpriority(PRIO_PGRP, 0, 5)", SC(SYS_setpriority, PRIO_PGRP, 0, 5));
    show("getpriority(PRIO_PGRP, 0)", SC(SYS_getpriority, PRIO_PGRP, 0));
    show("getpriority(PRIO_PROCESS, 0)", SC(SYS_getpriority, PRIO_PROCESS, 0));
    show("getpriority(PRIO_PROCESS, getpid())", SC(SYS_getpriority, PRIO_PROCESS, getpid()));
    show("setpriority(PRIO_PGRP, 0, 100)", SC(SYS_setpriority, PRIO_PGRP, 0, 100));
    show("getpriority(PRIO_PGRP, 0) (clamped to 19)", SC(SYS_getpriority, PRIO_PGRP, 0));
    show("setpriority(PRIO_PGRP, 0, -100)", SC(SYS_setpriority, PRIO_PGRP, 0, -100));
    show("getpriority(PRIO_PGRP, 0) (clamped to -20)", SC(SYS_getpriority, PRIO_PGRP, 0));
    show("setpriority(PRIO_PGRP, getpgrp(), 3)", SC(SYS_setpriority, PRIO_PGRP, getpgrp(), 3));
    show("getpriority(3, 0)", SC(SYS_getpriority, 3, 0));
    show("setpriority(-1, 0, 0)", SC(SYS_setpriority, -1, 0, 0));
    pid_t dead = dead_pid();
    show("getpriority(PRIO_PROCESS, dead)", SC(SYS_getpriority, PRIO_PROCESS, dead));
    show("setpriority(PRIO_PROCESS, dead, 0)", SC(SYS_setpriority, PRIO_PROCESS, dead, 0));
    show("getpriority(PRIO_PGRP, dead)", SC(SYS_getpriority, PRIO_PGRP, dead));
    show("getpriority(PRIO_USER, 54321)", SC(SYS_getpriority, PRIO_USER, 54321));
    in_child(nice_user);
    show("getpriority(PRIO_PROCESS, 0) after the child", SC(SYS_getpriority, PRIO_PROCESS, 0));
    show("getpriority(PRIO_PGRP, 0) after the child", SC(SYS_getpriority, PRIO_PGRP, 0));
}

/* ==== scheduling policies ==================================================================== */
struct attr { uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t prio;
              uint64_t runtime, deadline, period; uint32_t util_min, util_max; };

static long setsched(int pid, int policy, int prio)
{
    struct sched_param sp = { .sched_priority = prio };
    return SC(SYS_sched_setscheduler, pid, policy, &sp);
}

static long getparam(int pid)
{
    struct sched_param sp = { .sched_priority = -1 };
    long r = SC(SYS_sched_getparam, pid, &sp);
    return r < 0 ? r : sp.sched_priority;
}

static void show_rr(const char *what, int pid)
{
    struct timespec ts = { -1, -1 };
    long r = SC(SYS_sched_rr_get_interval, pid, &ts);
    if (r < 0)
        show(what, r);
    else
        printf("%s: %ld.%09ld\n", what, (long)ts.tv_sec, (long)ts.tv_nsec);
}

static long setattr(struct attr a)
{
    return SC(SYS_sched_setattr, 0, &a, 0);
}

static void show_attr(const char *what, unsigned usize)
{
    struct attr a[2];
    memset(a, 0xee, sizeof a);
    long r = SC(SYS_sched_getattr, 0, a, usize, 0);
    if (r < 0)
        show(what, r);
    else if (a[0].policy != SCHED_DEADLINE_)    /* (Linux >= 6.12 shows a fair task's slice
                                                   as its runtime) */
        printf("%s: size %u policy %u flags %llu nice %d prio %u\n", what, a[0].size,
               a[0].policy, (unsigned long long)a[0].flags, a[0].nice, a[0].prio);
    else
        printf("%s: size %u policy %u flags %llu nice %d prio %u runtime %llu deadline %llu "
               "period %llu\n", what, a[0].size, a[0].policy, (unsigned long long)a[0].flags,
               a[0].nice, a[0].prio, (unsigned long long)a[0].runtime,
               (unsigned long long)a[0].deadline, (unsigned long long)a[0].period);
}

static void sched_forked(void)
{
    show("  child of a reset-on-fork RR process: policy", SC(SYS_sched_getscheduler, 0));
    show("  child: getpriority(PRIO_PROCESS, 0)", SC(SYS_getpriority, PRIO_PROCESS, 0));
}

static void sched_user(void)
{
    set_limit(RLIMIT_RTPRIO, 0);        /* (a container's root may not raise them) */
    set_limit(RLIMIT_NICE, 0);
    drop_to(USER);
    show("  user: SCHED_FIFO 1", setsched(0, SCHED_FIFO, 1));
    show("  user: SCHED_RR 1", setsched(0, SCHED_RR, 1));
    show("  user: SCHED_OTHER", setsched(0, SCHED_OTHER, 0));
    show("  user: SCHED_BATCH", setsched(0, SCHED_BATCH, 0));
    show("  user: SCHED_IDLE", setsched(0, SCHED_IDLE_, 0));
    show("  user: back to SCHED_OTHER from SCHED_IDLE", setsched(0, SCHED_OTHER, 0));
    struct attr dl = { .size = 48, .policy = SCHED_DEADLINE_, .runtime = 1000000,
                       .deadline = 10000000 };
    show("  user: SCHED_DEADLINE", setattr(dl));
    show("  user: sched_setscheduler(root's process)", setsched(getppid(), SCHED_OTHER, 0));
    show("  user: sched_getscheduler(root's process)", SC(SYS_sched_getscheduler, getppid()));
}

static void sched_section(void)
{
    show("sched_getscheduler(0)", SC(SYS_sched_getscheduler, 0));
    int policies[] = { SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE_,
                       SCHED_DEADLINE_, 4, -1 };
    for (unsigned i = 0; i < sizeof policies / sizeof *policies; i++) {
        long lo = SC(SYS_sched_get_priority_min, policies[i]);
        long hi = SC(SYS_sched_get_priority_max, policies[i]);
        if (lo < 0 || hi < 0)
            printf("priority range of policy %d: %s %s\n", policies[i],
                   lo < 0 ? ename(-lo) : "?", hi < 0 ? ename(-hi) : "?");
        else
            printf("priority range of policy %d: %ld..%ld\n", policies[i], lo, hi);
    }
    show("SCHED_FIFO 10", setsched(0, SCHED_FIFO, 10));
    show("sched_getscheduler", SC(SYS_sched_getscheduler, 0));
    show("sched_getparam", getparam(0));
    show_rr("sched_rr_get_interval (FIFO)", 0);
    struct sched_param fifty = { .sched_priority = 50 };
    show("sched_setparam 50", SC(SYS_sched_setparam, 0, &fifty));
    show("sched_getparam(getpid())", getparam(getpid()));
    show("SCHED_RR|SCHED_RESET_ON_FORK 5", setsched(0, SCHED_RR | RESET_ON_FORK, 5));
    show("sched_getscheduler", SC(SYS_sched_getscheduler, 0));
    show_rr("sched_rr_get_interval (RR)", 0);
    in_child(sched_forked);
    show("SCHED_FIFO 0", setsched(0, SCHED_FIFO, 0));
    show("SCHED_RR 100", setsched(0, SCHED_RR, 100));
    show("SCHED_OTHER 1", setsched(0, SCHED_OTHER, 1));
    show("policy 4", setsched(0, 4, 0));
    show("policy -1", setsched(0, -1, 0));
    show("sched_setscheduler(0, SCHED_OTHER, NULL)", SC(SYS_sched_setscheduler, 0, 0, NULL));
    show("sched_setscheduler(-1, ...)", setsched(-1, SCHED_OTHER, 0));
    pid_t dead = dead_pid();
    show("sched_setscheduler(dead, ...)", setsched(dead, SCHED_OTHER, 0));
    show("sched_getscheduler(dead)", SC(SYS_sched_getscheduler, dead));
    show("sched_getscheduler(-1)", SC(SYS_sched_getscheduler, -1));
    show("sched_getparam(dead)", getparam(dead));
    show("sched_getparam(0, NULL)", SC(SYS_sched_getparam, 0, NULL));
    show_rr("sched_rr_get_interval(dead)", dead);
    show("SCHED_OTHER", setsched(0, SCHED_OTHER, 0));
    show("SCHED_BATCH", setsched(0, SCHED_BATCH, 0));
    show("sched_getscheduler", SC(SYS_sched_getscheduler, 0));
    show("SCHED_IDLE", setsched(0, SCHED_IDLE_, 0));
    show("sched_getscheduler", SC(SYS_sched_getscheduler, 0));
    show("SCHED_OTHER", setsched(0, SCHED_OTHER, 0));

    struct attr a = { .size = 40 };
    show("sched_setattr size 40", SC(SYS_sched_setattr, 0, &a, 0));
    printf("  size written back: %u\n", a.size);
    struct { struct attr a; uint64_t more; } big = { { .size = 64 }, 1 };
    show("sched_setattr size 64, bytes past 56 not zero", SC(SYS_sched_setattr, 0, &big, 0));
    big.more = 0;
    show("sched_setattr size 64, zero past 56", SC(SYS_sched_setattr, 0, &big, 0));
    show("sched_setattr size 0 (VER0) BATCH nice -3",
         setattr((struct attr){ .size = 0, .policy = SCHED_BATCH, .nice = -3 }));
    show_attr("sched_getattr 56", 56);
    show_attr("sched_getattr 48", 48);
    show_attr("sched_getattr 100", 100);
    show_attr("sched_getattr 47", 47);
    show("  getpriority(PRIO_PROCESS, 0)", SC(SYS_getpriority, PRIO_PROCESS, 0));
    show("sched_setattr nice -50 (clamped)",
         setattr((struct attr){ .size = 56, .policy = SCHED_OTHER, .nice = -50 }));
    show("  getpriority(PRIO_PROCESS, 0)", SC(SYS_getpriority, PRIO_PROCESS, 0));
    show("sched_getattr flags 1", SC(SYS_sched_getattr, 0, &a, 56, 1));
    a = (struct attr){ .size = 56 };
    show("sched_setattr flags 1", SC(SYS_sched_setattr, 0, &a, 1));
    show("sched_setattr sched_flags 0x80", setattr((struct attr){ .size = 56, .flags = 0x80 }));
    show("sched_setattr UTIL_CLAMP_MIN",
         setattr((struct attr){ .size = 56, .flags = 0x20, .util_min = 10 }));
    show("sched_setattr UTIL_CLAMP_MIN in a VER0 struct",
         setattr((struct attr){ .size = 48, .flags = 0x20 }));
    show("sched_setattr FIFO 9", setattr((struct attr){ .size = 56, .policy = SCHED_FIFO,
                                                        .prio = 9 }));
    show_attr("sched_getattr", 56);
    show("sched_setattr KEEP_POLICY prio 12",
         setattr((struct attr){ .size = 56, .policy = SCHED_OTHER, .prio = 12, .flags = 8 }));
    show_attr("sched_getattr", 56);
    show("sched_setattr KEEP_PARAMS|RESET_ON_FORK",
         setattr((struct attr){ .size = 56, .policy = SCHED_FIFO, .flags = 0x11 }));
    show_attr("sched_getattr", 56);
    show("sched_getscheduler", SC(SYS_sched_getscheduler, 0));
    show("sched_setattr SCHED_OTHER", setattr((struct attr){ .size = 56 }));
    show_attr("sched_getattr", 56);
    struct attr bad[] = {
        { .size = 48, .policy = SCHED_DEADLINE_, .runtime = 1000000 },
        { .size = 48, .policy = SCHED_DEADLINE_, .runtime = 512, .deadline = 10000000 },
        { .size = 48, .policy = SCHED_DEADLINE_, .runtime = 2000000, .deadline = 1000000 },
        { .size = 48, .policy = SCHED_DEADLINE_, .runtime = 1000000, .deadline = 2000000,
          .period = 1000000 },
        { .size = 48, .policy = SCHED_DEADLINE_, .runtime = 10000, .deadline = 50000 },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++)
        printf("SCHED_DEADLINE bad parameters %u: %s\n", i, ename(-setattr(bad[i])));
    show("sched_setscheduler SCHED_DEADLINE", setsched(0, SCHED_DEADLINE_, 0));
    in_child(sched_user);
}

/* ==== I/O priorities ========================================================================= */
static void io_forked(void)
{
    show("  child inherits: ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
    show("  child: ioprio_set(PROCESS, 0, NONE)", SC(SYS_ioprio_set, 1, 0, 0));
    show("  child: ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
    show("  child: ioprio_get(PGRP, 0), the best", SC(SYS_ioprio_get, 2, 0));
}

static void io_user(void)
{
    drop_to(USER);
    show("  user: ioprio_set(PROCESS, 0, RT 0)", SC(SYS_ioprio_set, 1, 0, IOPRIO(1, 0)));
    show("  user: ioprio_set(root's process)", SC(SYS_ioprio_set, 1, getppid(), IOPRIO(2, 1)));
    show("  user: ioprio_get(root's process)", SC(SYS_ioprio_get, 1, getppid()));
    show("  user: ioprio_set(USER, 0 -- which means root)", SC(SYS_ioprio_set, 3, 0, IOPRIO(2, 1)));
    show("  user: ioprio_set(USER, USER, BE 6)", SC(SYS_ioprio_set, 3, USER, IOPRIO(2, 6)));
    show("  user: ioprio_get(USER, 0)", SC(SYS_ioprio_get, 3, 0));
    show("  user: ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
}

static void io_section(void)
{
    setpgid(0, 0);
    show("ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
    show("ioprio_set(PROCESS, 0, BE 4)", SC(SYS_ioprio_set, 1, 0, IOPRIO(2, 4)));
    show("ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
    show("ioprio_set(PROCESS, getpid(), IDLE)", SC(SYS_ioprio_set, 1, getpid(), IOPRIO(3, 0)));
    show("ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
    show("ioprio_set(PROCESS, 0, RT 3)", SC(SYS_ioprio_set, 1, 0, IOPRIO(1, 3)));
    show("ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
    show("ioprio_set class 5", SC(SYS_ioprio_set, 1, 0, IOPRIO(5, 0)));
    show("ioprio_set NONE level 1", SC(SYS_ioprio_set, 1, 0, IOPRIO(0, 1)));
    show("ioprio_set(4, ...)", SC(SYS_ioprio_set, 4, 0, IOPRIO(2, 0)));
    show("ioprio_get(0, 0)", SC(SYS_ioprio_get, 0, 0));
    pid_t dead = dead_pid();
    show("ioprio_set(PROCESS, dead)", SC(SYS_ioprio_set, 1, dead, IOPRIO(2, 0)));
    show("ioprio_get(PROCESS, dead)", SC(SYS_ioprio_get, 1, dead));
    show("ioprio_get(PGRP, dead)", SC(SYS_ioprio_get, 2, dead));
    show("ioprio_set(USER, 54321)", SC(SYS_ioprio_set, 3, 54321, IOPRIO(2, 0)));
    show("ioprio_set(PGRP, 0, BE 2)", SC(SYS_ioprio_set, 2, 0, IOPRIO(2, 2)));
    show("ioprio_get(PGRP, 0)", SC(SYS_ioprio_get, 2, 0));
    show("ioprio_get(PROCESS, 0)", SC(SYS_ioprio_get, 1, 0));
    in_child(io_forked);
    in_child(io_user);
}

/* ==== personality ============================================================================ */
static void persona_forked(void)
{
    show("  child: personality(0xffffffff)", SC(SYS_personality, 0xffffffffUL));
}

static void persona_section(void)
{
    show("personality(0xffffffff)", SC(SYS_personality, 0xffffffffUL));
    show("personality(ADDR_NO_RANDOMIZE)", SC(SYS_personality, 0x0040000UL));
    show("personality(0xffffffff)", SC(SYS_personality, 0xffffffffUL));
    show("personality(ADDR_NO_RANDOMIZE|PER_BSD)", SC(SYS_personality, 0x0040006UL));
    show("personality(-1L)", SC(SYS_personality, -1L));
    in_child(persona_forked);
    show("personality(PER_LINUX)", SC(SYS_personality, 0UL));
    show("personality(0xffffffff)", SC(SYS_personality, 0xffffffffUL));
}

/* ==== capabilities =========================================================================== */
struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

static long capset3(uint64_t eff, uint64_t perm, uint64_t inh, int pid)
{
    struct cap_header h = { CAP_V3, pid };
    struct cap_data d[2] = { { eff, perm, inh }, { eff >> 32, perm >> 32, inh >> 32 } };
    return SC(SYS_capset, &h, d);
}

static void show_caps(const char *what, int pid)
{
    struct cap_header h = { CAP_V3, pid };
    struct cap_data d[2];
    long r = SC(SYS_capget, &h, d);
    if (r < 0)
        show(what, r);
    else
        printf("%s: effective %#llx permitted %#llx inheritable %#llx\n", what,
               d[0].effective | (unsigned long long)d[1].effective << 32,
               d[0].permitted | (unsigned long long)d[1].permitted << 32,
               d[0].inheritable | (unsigned long long)d[1].inheritable << 32);
}

#define KEEP (BIT(5) | BIT(6) | BIT(7) | BIT(23) | BIT(35))   /* KILL SETGID SETUID SYS_NICE
                                                                 WAKE_ALARM */
static void caps_forked(void) { show_caps("  child inherits", 0); }

static void caps_section(void)
{
    struct cap_header h = { 0, 0 };
    show("capget(version 0, NULL)", SC(SYS_capget, &h, NULL));
    printf("  version written back: %#x\n", h.version);
    struct cap_data d[2];
    h = (struct cap_header){ 12345, 0 };
    show("capget(version 12345, data)", SC(SYS_capget, &h, d));
    printf("  version written back: %#x\n", h.version);
    h = (struct cap_header){ CAP_V3, -1 };
    show("capget(pid -1)", SC(SYS_capget, &h, d));
    h = (struct cap_header){ CAP_V3, dead_pid() };
    show("capget(dead)", SC(SYS_capget, &h, d));
    show("capset(KILL SETGID SETUID SYS_NICE WAKE_ALARM)", capset3(KEEP, KEEP, 0, 0));
    show_caps("capget", 0);
    show_caps("capget(getpid())", getpid());
    h = (struct cap_header){ CAP_V1, 0 };
    memset(d, 0xaa, sizeof d);
    show("capget version 1", SC(SYS_capget, &h, d));
    printf("  %#x %#x %#x, second set untouched: %#x\n", d[0].effective, d[0].permitted,
           d[0].inheritable, d[1].effective);
    show("capset everything back", capset3(~0ULL >> 23, ~0ULL >> 23, 0, 0));
    show("capset effective beyond permitted", capset3(KEEP | BIT(21), KEEP, 0, 0));
    show("capset inheritable SYS_ADMIN without SETPCAP", capset3(KEEP, KEEP, BIT(21), 0));
    show("capset inheritable KILL", capset3(KEEP, KEEP, BIT(5), 0));
    show("capset(getppid())", capset3(0, 0, 0, getppid()));
    show("capset(getpid())", capset3(KEEP, KEEP, BIT(5), getpid()));
    show_caps("capget", 0);
    in_child(caps_forked);
    show("capset without SYS_NICE", capset3(KEEP & ~BIT(23), KEEP & ~BIT(23), 0, 0));
    set_limit(RLIMIT_NICE, 0);
    show("  setpriority(self, -1) without CAP_SYS_NICE", SC(SYS_setpriority, 0, 0, -1));
    show("  ioprio_set RT without CAP_SYS_NICE", SC(SYS_ioprio_set, 1, 0, IOPRIO(1, 0)));
    drop_to(USER);
    show_caps("after setresuid(USER)", 0);
    show("capset SETUID back", capset3(BIT(7), BIT(7), 0, 0));
}

/* ==== pidfds ================================================================================= */
static int pidfd_open(int pid, unsigned flags) { return SC(SYS_pidfd_open, pid, flags); }

static const char *revents(int fd, int timeout)
{
    struct pollfd p = { fd, POLLIN, 0 };
    int n = poll(&p, 1, timeout);
    if (n < 0)
        return ename(errno);
    return n == 0 ? "nothing" : p.revents & POLLIN ? "POLLIN" : "other";
}

static volatile long thread_id;

static void *spin_thread(void *arg)
{
    (void)arg;
    thread_id = syscall(SYS_gettid);
    for (;;)
        pause();
    return NULL;
}

static long start_thread(void)
{
    pthread_t th;
    pthread_create(&th, NULL, spin_thread, NULL);
    while (!thread_id)
        sched_yield();
    return thread_id;
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    _exit(si->si_code == SI_QUEUE ? 50 + si->si_value.sival_int : 42);
}

/* A child that runs until it gets SIGUSR1; returns its pid once its handler is in place. */
static pid_t signal_waiter(void)
{
    int ready[2];
    pipe(ready);
    pid_t p = fork();
    if (p == 0) {
        struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
        sigaction(SIGUSR1, &sa, NULL);
        write(ready[1], "x", 1);
        for (;;)
            pause();
    }
    char c;
    read(ready[0], &c, 1);
    close(ready[0]);
    close(ready[1]);
    return p;
}

static long send_info(int pfd, int sig, int signo, int code, int value)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = signo;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_value.sival_int = value;
    return SC(SYS_pidfd_send_signal, pfd, sig, &si, 0);
}

static void pidfd_user(void)
{
    int pfd = pidfd_open(getppid(), 0);
    drop_to(USER);
    show("  user: pidfd_send_signal(root's process, 0)",
         SC(SYS_pidfd_send_signal, pfd, 0, NULL, 0));
    show("  user: pidfd_getfd(root's process, 0)", SC(SYS_pidfd_getfd, pfd, 0, 0));
    show("  user: kcmp(self, root's process, KCMP_VM)",
         SC(SYS_kcmp, getpid(), getppid(), KCMP_VM, 0, 0));
    show("  user: kcmp(self, self, KCMP_VM)", SC(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0));
}

static void pidfd_section(void)
{
    int fd = pidfd_open(getpid(), 0);
    printf("pidfd_open(getpid(), 0): %s\n", fd >= 0 ? "a descriptor" : ename(-fd));
    printf("  FD_CLOEXEC: %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
    int fl = fcntl(fd, F_GETFL);
    printf("  status flags: %s%s\n", (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : "?",
           fl & O_NONBLOCK ? "|O_NONBLOCK" : "");
    char buf[64];
    show("  read", res(read(fd, buf, 8)));
    int nb = pidfd_open(getpid(), O_NONBLOCK);
    fl = fcntl(nb, F_GETFL);
    printf("pidfd_open(getpid(), PIDFD_NONBLOCK) status flags: %s%s\n",
           (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : "?", fl & O_NONBLOCK ? "|O_NONBLOCK" : "");
    close(nb);
    show("pidfd_open(-1, 0)", pidfd_open(-1, 0));
    show("pidfd_open(0, 0)", pidfd_open(0, 0));
    show("pidfd_open(getpid(), 1)", pidfd_open(getpid(), 1));
    show("pidfd_open(dead, 0)", pidfd_open(dead_pid(), 0));
    long tid = start_thread();
    const int kinds[] = { KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND };
    const char *kname[] = { "VM", "FILES", "FS", "SIGHAND" };
    for (int i = 0; i < 4; i++)
        printf("kcmp(self, a thread, KCMP_%s): %ld\n", kname[i],
               SC(SYS_kcmp, getpid(), tid, kinds[i], 0, 0));

    /* readable at exit */
    int go[2];
    pipe(go);
    pid_t c = fork();
    if (c == 0) {
        read(go[0], buf, 1);
        _exit(7);
    }
    int pfd = pidfd_open(c, 0);
    printf("poll(pidfd of a running child, 0): %s\n", revents(pfd, 0));
    write(go[1], "x", 1);
    printf("poll(pidfd, -1) once it exits: %s\n", revents(pfd, -1));
    printf("  the child is still there to wait for: status %d\n", status_of(c));
    printf("poll(pidfd, 0) after it was reaped: %s\n", revents(pfd, 0));
    show("pidfd_open(the reaped child)", pidfd_open(c, 0));
    close(pfd);

    /* an orphan: the pidfd still reports its exit */
    int pids[2], go2[2];
    pipe(pids);
    pipe(go2);
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            read(go2[0], buf, 1);
            _exit(0);
        }
        write(pids[1], &g, sizeof g);
        _exit(0);
    }
    pid_t orphan;
    read(pids[0], &orphan, sizeof orphan);
    status_of(mid);
    pfd = pidfd_open(orphan, 0);
    printf("poll(pidfd of an orphan, 0): %s\n", revents(pfd, 0));
    write(go2[1], "x", 1);
    printf("poll(pidfd of an orphan, -1): %s\n", revents(pfd, -1));
    waitpid(orphan, NULL, 0);           /* (ours to reap where we are init) */
    close(pfd);

    /* signals */
    c = signal_waiter();
    pfd = pidfd_open(c, 0);
    show("pidfd_send_signal(0)", SC(SYS_pidfd_send_signal, pfd, 0, NULL, 0));
    show("pidfd_send_signal flags 0x80", SC(SYS_pidfd_send_signal, pfd, 0, NULL, 0x80));
    show("pidfd_send_signal(not a pidfd)", SC(SYS_pidfd_send_signal, go[0], 0, NULL, 0));
    show("pidfd_send_signal(999)", SC(SYS_pidfd_send_signal, 999, 0, NULL, 0));
    show("pidfd_send_signal(signal 65)", SC(SYS_pidfd_send_signal, pfd, 65, NULL, 0));
    show("pidfd_send_signal siginfo of another signal",
         send_info(pfd, SIGUSR1, SIGUSR2, SI_QUEUE, 1));
    show("pidfd_send_signal siginfo SI_USER", send_info(pfd, SIGUSR1, SIGUSR1, SI_USER, 1));
    show("pidfd_send_signal siginfo SI_QUEUE value 5",
         send_info(pfd, SIGUSR1, SIGUSR1, SI_QUEUE, 5));
    printf("  the child's handler saw SI_QUEUE and 5: status %d\n", status_of(c));
    close(pfd);
    c = signal_waiter();
    pfd = pidfd_open(c, 0);
    show("pidfd_send_signal(SIGUSR1)", SC(SYS_pidfd_send_signal, pfd, SIGUSR1, NULL, 0));
    printf("  status %d\n", status_of(c));
    show("pidfd_send_signal to the reaped child", SC(SYS_pidfd_send_signal, pfd, 0, NULL, 0));
    close(pfd);
    c = fork();
    if (c == 0)
        _exit(3);
    pfd = pidfd_open(c, 0);
    revents(pfd, -1);
    show("pidfd_send_signal(SIGTERM) to a zombie",
         SC(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
    show("pidfd_getfd from a zombie", SC(SYS_pidfd_getfd, pfd, 0, 0));
    printf("  status %d\n", status_of(c));
    close(pfd);

    /* pidfd_getfd: the child's pipe end, written from here */
    int ch[2];
    pipe(ch);
    c = fork();
    if (c == 0) {
        int p[2];
        pipe(p);
        write(ch[1], &p[1], sizeof p[1]);
        int n = read(p[0], buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        printf("  child read through its own pipe: \"%s\"\n", buf);
        _exit(0);
    }
    int theirs;
    read(ch[0], &theirs, sizeof theirs);
    pfd = pidfd_open(c, 0);
    show("pidfd_getfd(999)", SC(SYS_pidfd_getfd, pfd, 999, 0));
    show("pidfd_getfd flags 1", SC(SYS_pidfd_getfd, pfd, theirs, 1));
    show("pidfd_getfd(not a pidfd)", SC(SYS_pidfd_getfd, ch[0], theirs, 0));
    int mine = SC(SYS_pidfd_getfd, pfd, theirs, 0);
    printf("pidfd_getfd(the child's write end): %s\n", mine >= 0 ? "a descriptor" : ename(-mine));
    printf("  FD_CLOEXEC: %d\n", fcntl(mine, F_GETFD) & FD_CLOEXEC);
    write(mine, "through pidfd_getfd", 19);
    close(mine);
    status_of(c);
    show("pidfd_getfd from the reaped child", SC(SYS_pidfd_getfd, pfd, 0, 0));
    close(pfd);

    /* kcmp */
    int a[2];
    pipe(a);
    int d = dup(a[0]);
    pid_t me = getpid();
    show("kcmp(self, self, KCMP_FILE, fd, its dup)", SC(SYS_kcmp, me, me, KCMP_FILE, a[0], d));
    long r1 = SC(SYS_kcmp, me, me, KCMP_FILE, a[0], a[1]);
    long r2 = SC(SYS_kcmp, me, me, KCMP_FILE, a[1], a[0]);
    printf("kcmp(self, self, KCMP_FILE, two files): %s, reversed: %s\n",
           r1 == 1 || r1 == 2 ? "ordered" : ename(-r1), r1 + r2 == 3 ? "the other way" : "?");
    c = fork();
    if (c == 0) {
        read(go[0], buf, 1);
        _exit(0);
    }
    for (int i = 0; i < 4; i++) {
        r1 = SC(SYS_kcmp, me, c, kinds[i], 0, 0);
        r2 = SC(SYS_kcmp, c, me, kinds[i], 0, 0);
        printf("kcmp(self, a child, KCMP_%s): %s\n", kname[i],
               r1 < 0 ? ename(-r1) : r1 == 0 ? "same" : r1 + r2 == 3 ? "differ" : "?");
    }
    show("kcmp(self, a child, KCMP_FILE, fd, the same fd)", SC(SYS_kcmp, me, c, KCMP_FILE, d, d));
    r1 = SC(SYS_kcmp, me, c, KCMP_SYSVSEM, 0, 0);
    printf("kcmp(self with a thread, a child, KCMP_SYSVSEM): %s\n",
           r1 == 1 || r1 == 2 ? "differ" : r1 == 0 ? "same" : ename(-r1));
    show("kcmp(self, self, KCMP_IO)", SC(SYS_kcmp, me, me, KCMP_IO, 0, 0));
    show("kcmp type 9", SC(SYS_kcmp, me, c, 9, 0, 0));
    show("kcmp(..., KCMP_FILE, 999)", SC(SYS_kcmp, me, c, KCMP_FILE, 999, d));
    show("kcmp(self, dead)", SC(SYS_kcmp, me, dead_pid(), KCMP_VM, 0, 0));
    show("kcmp(0, self)", SC(SYS_kcmp, 0, me, KCMP_VM, 0, 0));
    write(go[1], "x", 1);
    status_of(c);
    /* an io_context is copied at fork, not shared */
    SC(SYS_ioprio_set, 1, 0, IOPRIO(2, 4));
    c = fork();
    if (c == 0) {
        read(go[0], buf, 1);
        _exit(0);
    }
    r1 = SC(SYS_kcmp, me, c, KCMP_IO, 0, 0);
    printf("kcmp(self, a child, KCMP_IO) after ioprio_set: %s\n",
           r1 == 1 || r1 == 2 ? "differ" : r1 == 0 ? "same" : ename(-r1));
    write(go[1], "x", 1);
    status_of(c);
    in_child(pidfd_user);
}

/* ==== what qemu cannot show ================================================================== */
static char data[64] = "child data";

static void process_vm_user(void)
{
    drop_to(USER);
    char mine[16];
    struct iovec l = { mine, 4 }, r = { data, 4 };
    show("  user: process_vm_readv(root's process)",
         SC(SYS_process_vm_readv, getppid(), &l, 1, &r, 1, 0));
    show("  user: process_vm_readv(self)", SC(SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 0));
}

static void process_vm_section(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 2 * page; i++)
        area[i] = 'a' + i % 26;
    int go[2], ready[2];
    pipe(go);
    pipe(ready);
    pid_t c = fork();
    char buf[128];
    if (c == 0) {
        strcpy(data, "child data");
        munmap(area + page, page);
        mprotect(area, page, PROT_READ);
        write(ready[1], "x", 1);
        read(go[0], buf, 1);
        printf("  the child's data now: \"%s\"\n", data);
        _exit(0);
    }
    strcpy(data, "parent's own");
    read(ready[0], buf, 1);
    char mine[64] = { 0 };
    struct iovec l[2] = { { mine, 5 }, { mine + 10, 20 } }, r[2] = { { data, 11 } };
    show("process_vm_readv", SC(SYS_process_vm_readv, c, l, 2, r, 1, 0));
    printf("  read: \"%.5s\" + \"%s\"\n", mine, mine + 10);
    char news[] = "PARENT";
    struct iovec w = { news, 6 };
    show("process_vm_writev", SC(SYS_process_vm_writev, c, &w, 1, r, 1, 0));
    printf("  ours is still: \"%s\"\n", data);
    l[0] = (struct iovec){ buf, 100 };
    r[0] = (struct iovec){ area + page - 10, 100 };
    show("process_vm_readv into an unmapped page", SC(SYS_process_vm_readv, c, l, 1, r, 1, 0));
    r[1] = (struct iovec){ area, 5 };
    r[0].iov_len = 20;
    show("  the remote iovec after it is not tried", SC(SYS_process_vm_readv, c, l, 1, r, 2, 0));
    r[0] = (struct iovec){ area + page, 10 };
    show("process_vm_readv of an unmapped page", SC(SYS_process_vm_readv, c, l, 1, r, 1, 0));
    l[0] = (struct iovec){ buf, 4 };
    l[1] = (struct iovec){ (void *)8, 10 };
    r[0] = (struct iovec){ area, 20 };
    show("process_vm_readv into an unmapped local buffer",
         SC(SYS_process_vm_readv, c, l, 2, r, 1, 0));
    show("process_vm_writev into a read-only page", SC(SYS_process_vm_writev, c, l, 1, r, 1, 0));
    show("process_vm_readv flags 1", SC(SYS_process_vm_readv, c, l, 1, r, 1, 1));
    show("process_vm_readv 1025 local iovecs", SC(SYS_process_vm_readv, c, l, 1025, r, 1, 0));
    pid_t dead = dead_pid();
    show("process_vm_readv(dead)", SC(SYS_process_vm_readv, dead, l, 1, r, 1, 0));
    l[0].iov_len = 0;
    show("process_vm_readv(dead) of nothing", SC(SYS_process_vm_readv, dead, l, 1, r, 1, 0));
    write(go[1], "x", 1);
    status_of(c);
    in_child(process_vm_user);
}

static void linux_section(void)
{
    printf("== pidfd_open of a thread\n");
    show("pidfd_open(a thread's id, 0)", pidfd_open(start_thread(), 0));
    printf("== process_vm\n");
    process_vm_section();
    printf("== capabilities of root\n");
    show_caps("capget", 0);
    struct cap_header h = { CAP_V1, 0 };
    struct cap_data d[2];
    show("capget version 1", SC(SYS_capget, &h, d));
    printf("  %#x %#x %#x\n", d[0].effective, d[0].permitted, d[0].inheritable);
    show("setresuid(-1, USER, -1)", SC(SYS_setresuid, -1, USER, -1));
    show_caps("capget", 0);
    show("setresuid(-1, 0, -1)", SC(SYS_setresuid, -1, 0, -1));
    show_caps("capget", 0);
    printf("== SCHED_DEADLINE\n");
    show("sched_setattr SCHED_DEADLINE 1 ms in 10 ms",
         setattr((struct attr){ .size = 48, .policy = SCHED_DEADLINE_, .runtime = 1000000,
                                .deadline = 10000000 }));
    show("sched_getscheduler", SC(SYS_sched_getscheduler, 0));
    show_attr("sched_getattr", 56);
    show_rr("sched_rr_get_interval", 0);
    show("sched_setattr SCHED_OTHER", setattr((struct attr){ .size = 56 }));
    printf("== kcmp(KCMP_EPOLL_TFD)\n");
    int p[2], ep = epoll_create1(0);
    pipe(p);
    struct epoll_event ev = { .events = EPOLLIN };
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct { uint32_t efd, tfd, toff; } slot = { ep, p[0], 0 };
    pid_t me = getpid();
    show("the watched file", SC(SYS_kcmp, me, me, KCMP_EPOLL_TFD, p[0], &slot));
    long r = SC(SYS_kcmp, me, me, KCMP_EPOLL_TFD, p[1], &slot);
    printf("another file: %s\n", r == 1 || r == 2 ? "ordered" : ename(-r));
    slot.toff = 1;
    show("a second registration", SC(SYS_kcmp, me, me, KCMP_EPOLL_TFD, p[0], &slot));
    slot = (typeof(slot)){ p[1], p[0], 0 };
    show("not an epoll", SC(SYS_kcmp, me, me, KCMP_EPOLL_TFD, p[0], &slot));
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "linux") == 0) {
        linux_section();
        return 0;
    }
    printf("== nice\n");
    in_child(nice_section);
    printf("== scheduling policies\n");
    in_child(sched_section);
    printf("== I/O priorities\n");
    in_child(io_section);
    printf("== personality\n");
    in_child(persona_section);
    printf("== capabilities\n");
    in_child(caps_section);
    printf("== pidfds and kcmp\n");
    in_child(pidfd_section);
    printf("all done\n");
    return 0;
}
