/* System V IPC: shared memory segments, semaphore sets and message queues, across fork.
 * Keys, IPC_CREAT/IPC_EXCL, attach and detach (SHM_RDONLY, SHM_RND, SHM_REMAP, hints), shm_nattch
 * through fork and exit, IPC_RMID of an attached segment; semaphore values, errors, blocking
 * semop and its counts, a ping-pong over a shared counter, EIDRM, EINTR, SEM_UNDO at exit,
 * semtimedop's timeout; typed messages (msgtyp 0, > 0, < 0, MSG_EXCEPT, MSG_NOERROR), blocking
 * receive and send on a full queue. Children print only while the parent waits for them, and
 * stdout is line-buffered, so the output does not depend on timing. Ids, keys, addresses and
 * times are never printed (the oracle is the host's kernel, shared with other programs). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_EXCEPT
#define MSG_EXCEPT 020000
#endif

union semun { int val; struct semid_ds *buf; unsigned short *array; struct seminfo *__buf; };

static int fails;
#define CHECK(c, what) do { if (c) printf("ok %s\n", what); \
    else { printf("FAIL %s (errno %s)\n", what, en(errno)); fails++; } } while (0)

static const char *en(int e) {
    switch (e) {
    case 0: return "0";
    case EINVAL: return "EINVAL";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case EIDRM: return "EIDRM";
    case ENOMSG: return "ENOMSG";
    case E2BIG: return "E2BIG";
    case EFBIG: return "EFBIG";
    case ERANGE: return "ERANGE";
    case EINTR: return "EINTR";
    case EPERM: return "EPERM";
    default: return strerror(e);
    }
}

/* -1 and the errno's name, or "ok" */
static const char *res(long r) { return r == -1 ? en(errno) : "ok"; }

static void msleep(int ms) {
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t child(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(2); }
    return pid;
}

static const char *status(pid_t pid) {
    static char buf[64];
    int st;
    if (waitpid(pid, &st, 0) != pid) return "waitpid failed";
    if (WIFEXITED(st)) snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
    else snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(st));
    return buf;
}

static key_t key_base;      /* keys unlikely to be in use on the host: from our pid */

static int sem1(int id, int num, int op, int flg) {
    struct sembuf b = {num, op, flg};
    return semop(id, &b, 1);
}

static int semval(int id, int num) { return semctl(id, num, GETVAL); }

/* until semctl(id, num, cmd) == want (a child reached its semop); 0 if it never does */
static int await_count(int id, int num, int cmd, int want) {
    for (int i = 0; i < 4000; i++) {
        if (semctl(id, num, cmd) == want) return 1;
        msleep(5);
    }
    return 0;
}

/* until process pid sleeps (state S in /proc/<pid>/stat) */
static int await_sleep(pid_t pid) {
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 4000; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = 0;
            char *p = strrchr(buf, ')');
            if (p && p[1] == ' ' && p[2] == 'S') { msleep(20); return 1; }
        }
        msleep(5);
    }
    return 0;
}

static void keys(void) {
    printf("== keys\n");
    key_t key = key_base;
    int a = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(a >= 0, "shmget IPC_CREAT|IPC_EXCL of a new key");
    CHECK(shmget(key, 5000, 0) == a, "the same key finds the same segment");
    CHECK(shmget(key, 5000, IPC_CREAT) == a, "IPC_CREAT of an existing key finds it too");
    printf("IPC_EXCL of an existing key: %s\n",
           res(shmget(key, 5000, IPC_CREAT | IPC_EXCL | 0600)));
    printf("bigger than the segment: %s\n", res(shmget(key, 20000, 0)));
    printf("unknown key without IPC_CREAT: %s\n", res(shmget(key + 1, 100, 0)));
    printf("size 0: %s\n", res(shmget(IPC_PRIVATE, 0, 0600)));
    int p1 = shmget(IPC_PRIVATE, 100, 0600), p2 = shmget(IPC_PRIVATE, 100, 0600);
    CHECK(p1 >= 0 && p2 >= 0 && p1 != p2 && p1 != a, "IPC_PRIVATE makes a new one each time");
    int s = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    int q = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(s >= 0 && q >= 0, "semaphores and queues have key spaces of their own");
    CHECK(semget(key, 0, 0) == s, "semget nsems 0 opens an existing set");
    printf("semget more semaphores than the set has: %s\n", res(semget(key, 3, 0)));
    printf("semget nsems 0 to create: %s\n", res(semget(key + 2, 0, IPC_CREAT | 0600)));
    printf("msgget IPC_EXCL: %s\n", res(msgget(key, IPC_CREAT | IPC_EXCL | 0600)));
    CHECK(shmctl(a, IPC_RMID, NULL) == 0 && shmctl(p1, IPC_RMID, NULL) == 0 &&
          shmctl(p2, IPC_RMID, NULL) == 0 && semctl(s, 0, IPC_RMID) == 0 &&
          msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID");
    printf("the removed key: %s\n", res(shmget(key, 100, 0)));
    printf("a removed id: %s\n", res(shmctl(a, IPC_RMID, NULL)));
    struct shminfo si;
    struct seminfo mi;
    struct msginfo qi;
    union semun u = {.__buf = &mi};
    CHECK(shmctl(0, IPC_INFO, (struct shmid_ds *)&si) >= 0 && semctl(0, 0, IPC_INFO, u) >= 0 &&
          msgctl(0, IPC_INFO, (struct msqid_ds *)&qi) >= 0, "IPC_INFO");
    printf("shmmin %lu semvmx %d msgssz %d\n", si.shmmin, mi.semvmx, qi.msgssz);
}

static void shm_across_fork(void) {
    printf("== shared memory across fork\n");
    int id = shmget(IPC_PRIVATE, 10000, 0600);
    int sync = semget(IPC_PRIVATE, 2, 0600);
    char *p = shmat(id, NULL, 0);
    CHECK(id >= 0 && sync >= 0 && p != (void *)-1, "shmget, semget, shmat");
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT");
    printf("segsz %lu nattch %lu mode %o cpid is us: %s\n", (unsigned long)ds.shm_segsz,
           (unsigned long)ds.shm_nattch, ds.shm_perm.mode & 0777,
           ds.shm_cpid == getpid() ? "yes" : "no");
    strcpy(p, "written by the parent");
    pid_t pid = child();
    if (pid == 0) {
        char seen[64];
        strcpy(seen, p);
        shmctl(id, IPC_STAT, &ds);
        unsigned long nattch = ds.shm_nattch;
        strcpy(p + 5000, "written by the child");
        sem1(sync, 0, 1, 0);                    /* your turn */
        sem1(sync, 1, -1, 0);                   /* wait for mine */
        char *again = shmat(id, NULL, SHM_RDONLY);
        shmctl(id, IPC_STAT, &ds);
        printf("child: saw \"%s\", nattch %lu; then \"%s\" through a second attach; "
               "nattch %lu\n", seen, nattch, again + 100, (unsigned long)ds.shm_nattch);
        exit(0);                                /* exit detaches both */
    }
    sem1(sync, 0, -1, 0);
    printf("parent: saw \"%s\"\n", p + 5000);
    strcpy(p + 100, "the parent's second write");
    sem1(sync, 1, 1, 0);
    printf("child %s\n", status(pid));
    shmctl(id, IPC_STAT, &ds);
    printf("after the child's exit: nattch %lu, lpid is the child: %s\n",
           (unsigned long)ds.shm_nattch, ds.shm_lpid == pid ? "yes" : "no");

    /* a read-only attach: reads work, a store is SIGSEGV */
    pid = child();
    if (pid == 0) {
        shmdt(p);
        char *ro = shmat(id, NULL, SHM_RDONLY);
        if (ro == (void *)-1 || strcmp(ro, "written by the parent") != 0) exit(3);
        ro[0] = 'X';
        exit(4);
    }
    printf("SHM_RDONLY child storing: %s\n", status(pid));
    CHECK(strcmp(p, "written by the parent") == 0, "the store did not happen");
    CHECK(shmdt(p) == 0 && shmctl(id, IPC_RMID, NULL) == 0 && semctl(sync, 0, IPC_RMID) == 0,
          "shmdt, IPC_RMID");
}

static void shm_addresses(void) {
    printf("== attach addresses\n");
    int id = shmget(IPC_PRIVATE, 10000, 0600);
    char *p = shmat(id, NULL, 0);
    CHECK(p != (void *)-1 && shmdt(p) == 0, "attach anywhere, detach");
    char *q = shmat(id, p, 0);
    printf("attach at a free, aligned address: %s\n", q == p ? "there" : "elsewhere");
    printf("overlapping attach: %s\n", res((long)shmat(id, p, 0)));
    q = shmat(id, p, SHM_REMAP);
    printf("overlapping attach with SHM_REMAP: %s\n", q == p ? "there" : res((long)q));
    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    printf("nattch %lu\n", (unsigned long)ds.shm_nattch);
    printf("shmdt inside the attach: %s\n", res(shmdt(p + 1)));
    CHECK(shmdt(p) == 0, "shmdt");
    printf("shmdt again: %s\n", res(shmdt(p)));
    printf("unaligned without SHM_RND: %s\n", res((long)shmat(id, p + 100, 0)));
    q = shmat(id, p + 100, SHM_RND);
    printf("unaligned with SHM_RND: %s\n", q == p ? "rounded down" : res((long)q));
    printf("bad id: %s\n", res((long)shmat(-1, NULL, 0)));
    CHECK(shmdt(q) == 0, "shmdt");

    /* IPC_RMID while attached: SHM_DEST, the key is gone, the id lasts until the last detach */
    key_t key = key_base + 3;
    id = shmget(key, 4096, IPC_CREAT | 0600);
    p = shmat(id, NULL, 0);
    strcpy(p, "still here");
    CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID of an attached segment");
    shmctl(id, IPC_STAT, &ds);
    printf("after IPC_RMID: key %s, SHM_DEST %s, nattch %lu, data \"%s\"\n",
           ds.shm_perm.__key == IPC_PRIVATE ? "private" : "kept",
           ds.shm_perm.mode & SHM_DEST ? "set" : "clear", (unsigned long)ds.shm_nattch, p);
    printf("shmget of its key: %s\n", res(shmget(key, 0, 0)));
    q = shmat(id, NULL, 0);
    printf("attach after IPC_RMID: %s, sees \"%s\"\n", res((long)q), q != (void *)-1 ? q : "");
    CHECK(shmdt(q) == 0 && shmdt(p) == 0, "both detached");
    printf("after the last detach: %s\n", res(shmctl(id, IPC_STAT, &ds)));
}

static void sem_values(void) {
    printf("== semaphore values\n");
    int s = semget(IPC_PRIVATE, 3, 0600);
    union semun u = {.val = 5};
    CHECK(s >= 0 && semctl(s, 1, SETVAL, u) == 0, "SETVAL");
    printf("GETVAL %d, GETPID is us: %s, untouched GETPID %d\n", semval(s, 1),
           semctl(s, 1, GETPID) == getpid() ? "yes" : "no", semctl(s, 0, GETPID));
    unsigned short in[3] = {1, 2, 3}, out[3] = {0};
    u.array = in;
    CHECK(semctl(s, 0, SETALL, u) == 0, "SETALL");
    u.array = out;
    CHECK(semctl(s, 0, GETALL, u) == 0, "GETALL");
    printf("GETALL %d %d %d\n", out[0], out[1], out[2]);
    u.val = 40000;
    printf("SETVAL 40000: %s\n", res(semctl(s, 0, SETVAL, u)));
    u.val = -1;
    printf("SETVAL -1: %s\n", res(semctl(s, 0, SETVAL, u)));
    printf("GETVAL of semaphore 3: %s\n", res(semctl(s, 3, GETVAL)));
    printf("unknown command: %s\n", res(semctl(s, 0, 1234)));
    struct semid_ds ds;
    u.buf = &ds;
    CHECK(semctl(s, 0, IPC_STAT, u) == 0, "IPC_STAT");
    printf("nsems %lu mode %o\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777);

    struct sembuf two[2] = {{0, 1, 0}, {1, -5, IPC_NOWAIT}};
    printf("all or nothing: %s", res(semop(s, two, 2)));
    printf(", semaphore 0 still %d\n", semval(s, 0));
    struct sembuf same[2] = {{2, -2, 0}, {2, -1, 0}};
    printf("one semaphore twice: %s, now %d\n", res(semop(s, same, 2)), semval(s, 2));
    printf("wait for zero, it is: %s\n", res(sem1(s, 2, 0, 0)));
    printf("wait for zero, IPC_NOWAIT: %s\n", res(sem1(s, 1, 0, IPC_NOWAIT)));
    printf("decrement below zero, IPC_NOWAIT: %s\n", res(sem1(s, 2, -1, IPC_NOWAIT)));
    printf("past SEMVMX: %s\n", res(sem1(s, 0, 32767, 0)));
    printf("semaphore 5 of 3: %s\n", res(sem1(s, 5, 1, 0)));
    printf("no operations: %s\n", res(semop(s, two, 0)));
    static struct sembuf many[501];
    printf("501 operations: %s\n", res(semop(s, many, 501)));
    struct timespec ts = {0, 50000000};
    struct sembuf dec = {2, -1, 0};
    printf("semtimedop 50 ms: %s\n", res(semtimedop(s, &dec, 1, &ts)));
    ts.tv_nsec = 1000000000;
    printf("semtimedop with a bad timeout: %s\n", res(semtimedop(s, &dec, 1, &ts)));
    CHECK(semctl(s, 0, IPC_RMID) == 0, "IPC_RMID");
    printf("semop after removal: %s\n", res(sem1(s, 0, 1, 0)));
}

static void ping_pong(void) {
    printf("== ping-pong\n");
    enum { ROUNDS = 50 };
    int id = shmget(IPC_PRIVATE, sizeof(int) * 2, 0600);
    int s = semget(IPC_PRIVATE, 2, 0600);
    int *c = shmat(id, NULL, 0);
    c[0] = c[1] = 0;                            /* the counter; turns taken out of order */
    union semun u = {.val = 1};
    semctl(s, 0, SETVAL, u);                    /* semaphore 0: the parent's turn */
    pid_t pid = child();
    if (pid == 0) {
        for (int i = 0; i < ROUNDS; i++) {
            sem1(s, 1, -1, 0);
            if (c[0] != 2 * i + 1) c[1]++;
            c[0]++;
            sem1(s, 0, 1, 0);
        }
        exit(0);
    }
    for (int i = 0; i < ROUNDS; i++) {
        sem1(s, 0, -1, 0);
        if (c[0] != 2 * i) c[1]++;
        c[0]++;
        sem1(s, 1, 1, 0);
    }
    printf("child %s\n", status(pid));
    sem1(s, 0, -1, 0);
    printf("counter %d, turns out of order %d\n", c[0], c[1]);
    shmdt(c);
    shmctl(id, IPC_RMID, NULL);
    semctl(s, 0, IPC_RMID);
}

static void on_usr1(int sig) { (void)sig; }

static void sem_sleepers(void) {
    printf("== semaphore sleepers\n");
    int s = semget(IPC_PRIVATE, 2, 0600);
    union semun u = {.val = 1};
    semctl(s, 1, SETVAL, u);
    pid_t pid = child();
    if (pid == 0) {
        int r1 = sem1(s, 0, -1, 0);             /* until the parent increments */
        int r2 = sem1(s, 1, 0, 0);              /* until semaphore 1 is zero */
        int r3 = sem1(s, 0, -1, 0);             /* until the set is removed */
        int e3 = errno;
        printf("child: %s, %s, %s\n", res(r1), res(r2), (errno = e3, res(r3)));
        exit(0);
    }
    printf("GETNCNT sees the sleeper: %s\n", await_count(s, 0, GETNCNT, 1) ? "yes" : "no");
    printf("GETZCNT %d\n", semctl(s, 1, GETZCNT));
    sem1(s, 0, 1, 0);
    printf("after the increment: GETNCNT %d\n", semctl(s, 0, GETNCNT));
    printf("GETZCNT sees it waiting for zero: %s\n",
           await_count(s, 1, GETZCNT, 1) ? "yes" : "no");
    u.val = 0;
    semctl(s, 1, SETVAL, u);
    printf("after SETVAL 0: GETZCNT %d\n", semctl(s, 1, GETZCNT));
    printf("asleep again: %s\n", await_count(s, 0, GETNCNT, 1) ? "yes" : "no");
    semctl(s, 0, IPC_RMID);
    printf("child %s\n", status(pid));

    /* a signal handler ends the wait with EINTR (no SA_RESTART) */
    s = semget(IPC_PRIVATE, 1, 0600);
    pid = child();
    if (pid == 0) {
        struct sigaction sa = {0};
        sa.sa_handler = on_usr1;
        sigaction(SIGUSR1, &sa, NULL);
        int r = sem1(s, 0, -1, 0);
        printf("child: semop interrupted: %s\n", res(r));
        exit(0);
    }
    printf("asleep: %s\n", await_count(s, 0, GETNCNT, 1) ? "yes" : "no");
    kill(pid, SIGUSR1);
    printf("child %s\n", status(pid));
    printf("GETNCNT after it left: %d, value %d\n", semctl(s, 0, GETNCNT), semval(s, 0));

    /* SEM_UNDO: what a process did is undone when it exits */
    u.val = 2;
    semctl(s, 0, SETVAL, u);
    pid = child();
    if (pid == 0) {
        sem1(s, 0, -1, SEM_UNDO);
        sem1(s, 0, 5, SEM_UNDO);
        sem1(s, 0, -1, 0);                      /* not undone */
        exit(semval(s, 0));
    }
    printf("child %s\n", status(pid));
    printf("after its exit: value %d, GETPID is the child: %s\n", semval(s, 0),
           semctl(s, 0, GETPID) == pid ? "yes" : "no");
    semctl(s, 0, IPC_RMID);
}

struct msg { long mtype; char mtext[128]; };

static const char *rcv(int q, size_t size, long type, int flags) {
    static char buf[160];
    struct msg m;
    memset(&m, 0, sizeof m);
    ssize_t n = msgrcv(q, &m, size, type, flags);
    if (n < 0) return en(errno);
    snprintf(buf, sizeof buf, "%ld \"%.*s\" (%zd)", m.mtype, (int)n, m.mtext, n);
    return buf;
}

static int snd(int q, long type, const char *text, size_t n, int flags) {
    struct msg m;
    m.mtype = type;
    memcpy(m.mtext, text, n);
    return msgsnd(q, &m, n, flags);
}

static void messages(void) {
    printf("== messages\n");
    int q = msgget(IPC_PRIVATE, 0600);
    const char *texts[] = {"three", "one", "two", "uno", "five"};
    long types[] = {3, 1, 2, 1, 5};
    for (int i = 0; i < 5; i++)
        if (snd(q, types[i], texts[i], strlen(texts[i]), 0) != 0) printf("FAIL msgsnd\n");
    struct msqid_ds ds;
    CHECK(msgctl(q, IPC_STAT, &ds) == 0, "IPC_STAT");
    printf("qnum %lu cbytes %lu lspid is us: %s\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, ds.msg_lspid == getpid() ? "yes" : "no");
    printf("type 2: %s\n", rcv(q, 128, 2, 0));
    printf("type -2: %s\n", rcv(q, 128, -2, 0));
    printf("not type 1: %s\n", rcv(q, 128, 1, MSG_EXCEPT));
    printf("too small a buffer: %s\n", rcv(q, 2, 0, 0));
    printf("MSG_NOERROR: %s\n", rcv(q, 2, 0, MSG_NOERROR));
    printf("type 4, IPC_NOWAIT: %s\n", rcv(q, 128, 4, IPC_NOWAIT));
    printf("type 0: %s\n", rcv(q, 128, 0, 0));
    msgctl(q, IPC_STAT, &ds);              /* (not msg_lrpid: qemu 7.2 misplaces it) */
    printf("qnum %lu\n", (unsigned long)ds.msg_qnum);
    printf("mtype 0: %s\n", res(snd(q, 0, "x", 1, 0)));
    printf("empty message: %s, then %s\n", res(snd(q, 9, "", 0, 0)), rcv(q, 128, 9, 0));

    /* a receiver waits for its type */
    pid_t pid = child();
    if (pid == 0) {
        const char *got = rcv(q, 128, 7, 0);
        printf("child: received %s\n", got);
        exit(0);
    }
    snd(q, 5, "five", 4, 0);
    snd(q, 7, "seven", 5, 0);
    printf("child %s\n", status(pid));
    printf("left for us: %s\n", rcv(q, 128, 0, IPC_NOWAIT));

    /* a sender waits for room: msg_qbytes 100 holds two messages of 40 bytes */
    msgctl(q, IPC_STAT, &ds);
    ds.msg_qbytes = 100;
    CHECK(msgctl(q, IPC_SET, &ds) == 0, "IPC_SET msg_qbytes 100");
    char forty[40];
    memset(forty, 'x', sizeof forty);
    pid = child();
    if (pid == 0) {
        for (int i = 1; i <= 3; i++) snd(q, i, forty, sizeof forty, 0);
        exit(0);
    }
    int two = 0;
    for (int i = 0; i < 4000 && !two; i++) {
        msgctl(q, IPC_STAT, &ds);
        two = ds.msg_qnum == 2;
        if (!two) msleep(5);
    }
    printf("the queue holds two: %s\n", two ? "yes" : "no");
    printf("one more, IPC_NOWAIT: %s\n", res(snd(q, 9, forty, sizeof forty, IPC_NOWAIT)));
    for (int i = 0; i < 3; i++) {
        struct msg m;
        long n = msgrcv(q, &m, sizeof m.mtext, 0, 0);
        printf("received type %ld, %ld bytes\n", m.mtype, n);
    }
    printf("child %s\n", status(pid));

    /* removal wakes a sleeping receiver with EIDRM */
    pid = child();
    if (pid == 0) {
        printf("child: receive from a removed queue: %s\n", rcv(q, 128, 0, 0));
        exit(0);
    }
    printf("receiver asleep: %s\n", await_sleep(pid) ? "yes" : "no");
    int r = msgctl(q, IPC_RMID, NULL);
    printf("IPC_RMID: %s, child %s\n", res(r), status(pid));
    printf("send to it: %s\n", res(snd(q, 1, "x", 1, 0)));
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);           /* lines reach the pipe in the order printed */
    key_base = 0x5e000000 | (getpid() & 0xffff) << 4;
    keys();
    shm_across_fork();
    shm_addresses();
    sem_values();
    ping_pong();
    sem_sleepers();
    messages();
    printf("%s\n", fails ? "SOME FAILED" : "all ok");
    return fails != 0;
}
