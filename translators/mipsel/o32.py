"""The o32 ABI's own numbering, as tables (arch/mips/include/uapi/asm/: unistd_o32.h, errno.h,
signal.h, fcntl.h, mman.h): where MIPS differs from the asm-generic values the kernel uses. The
kernel translates at the system call boundary (kernel/abimap.py); it never names these itself.
"""

# ---- system calls: __NR_Linux (4000) + n ------------------------------------------------------
SYSCALL_BASE = 4000
_SYSCALLS = """
0 syscall 1 exit 2 fork 3 read 4 write 5 open 6 close 7 waitpid 8 creat 9 link 10 unlink 11 execve
12 chdir 13 time 14 mknod 15 chmod 16 lchown 17 break 18 unused18 19 lseek 20 getpid 21 mount 22
umount 23 setuid 24 getuid 25 stime 26 ptrace 27 alarm 28 unused28 29 pause 30 utime 31 stty 32
gtty 33 access 34 nice 35 ftime 36 sync 37 kill 38 rename 39 mkdir 40 rmdir 41 dup 42 pipe 43 times
44 prof 45 brk 46 setgid 47 getgid 48 signal 49 geteuid 50 getegid 51 acct 52 umount2 53 lock 54
ioctl 55 fcntl 56 mpx 57 setpgid 58 ulimit 59 unused59 60 umask 61 chroot 62 ustat 63 dup2 64
getppid 65 getpgrp 66 setsid 67 sigaction 68 sgetmask 69 ssetmask 70 setreuid 71 setregid 72
sigsuspend 73 sigpending 74 sethostname 75 setrlimit 76 getrlimit 77 getrusage 78 gettimeofday 79
settimeofday 80 getgroups 81 setgroups 82 reserved82 83 symlink 84 unused84 85 readlink 86 uselib
87 swapon 88 reboot 89 readdir 90 mmap 91 munmap 92 truncate 93 ftruncate 94 fchmod 95 fchown 96
getpriority 97 setpriority 98 profil 99 statfs 100 fstatfs 101 ioperm 102 socketcall 103 syslog 104
setitimer 105 getitimer 106 stat 107 lstat 108 fstat 109 unused109 110 iopl 111 vhangup 112 idle
113 vm86 114 wait4 115 swapoff 116 sysinfo 117 ipc 118 fsync 119 sigreturn 120 clone 121
setdomainname 122 uname 123 modify_ldt 124 adjtimex 125 mprotect 126 sigprocmask 127 create_module
128 init_module 129 delete_module 130 get_kernel_syms 131 quotactl 132 getpgid 133 fchdir 134
bdflush 135 sysfs 136 personality 137 afs_syscall 138 setfsuid 139 setfsgid 140 _llseek 141
getdents 142 _newselect 143 flock 144 msync 145 readv 146 writev 147 cacheflush 148 cachectl 149
sysmips 150 unused150 151 getsid 152 fdatasync 153 _sysctl 154 mlock 155 munlock 156 mlockall 157
munlockall 158 sched_setparam 159 sched_getparam 160 sched_setscheduler 161 sched_getscheduler 162
sched_yield 163 sched_get_priority_max 164 sched_get_priority_min 165 sched_rr_get_interval 166
nanosleep 167 mremap 168 accept 169 bind 170 connect 171 getpeername 172 getsockname 173 getsockopt
174 listen 175 recv 176 recvfrom 177 recvmsg 178 send 179 sendmsg 180 sendto 181 setsockopt 182
shutdown 183 socket 184 socketpair 185 setresuid 186 getresuid 187 query_module 188 poll 189
nfsservctl 190 setresgid 191 getresgid 192 prctl 193 rt_sigreturn 194 rt_sigaction 195
rt_sigprocmask 196 rt_sigpending 197 rt_sigtimedwait 198 rt_sigqueueinfo 199 rt_sigsuspend 200
pread64 201 pwrite64 202 chown 203 getcwd 204 capget 205 capset 206 sigaltstack 207 sendfile 208
getpmsg 209 putpmsg 210 mmap2 211 truncate64 212 ftruncate64 213 stat64 214 lstat64 215 fstat64 216
pivot_root 217 mincore 218 madvise 219 getdents64 220 fcntl64 221 reserved221 222 gettid 223
readahead 224 setxattr 225 lsetxattr 226 fsetxattr 227 getxattr 228 lgetxattr 229 fgetxattr 230
listxattr 231 llistxattr 232 flistxattr 233 removexattr 234 lremovexattr 235 fremovexattr 236 tkill
237 sendfile64 238 futex 239 sched_setaffinity 240 sched_getaffinity 241 io_setup 242 io_destroy
243 io_getevents 244 io_submit 245 io_cancel 246 exit_group 247 lookup_dcookie 248 epoll_create 249
epoll_ctl 250 epoll_wait 251 remap_file_pages 252 set_tid_address 253 restart_syscall 254 fadvise64
255 statfs64 256 fstatfs64 257 timer_create 258 timer_settime 259 timer_gettime 260
timer_getoverrun 261 timer_delete 262 clock_settime 263 clock_gettime 264 clock_getres 265
clock_nanosleep 266 tgkill 267 utimes 268 mbind 269 get_mempolicy 270 set_mempolicy 271 mq_open 272
mq_unlink 273 mq_timedsend 274 mq_timedreceive 275 mq_notify 276 mq_getsetattr 277 vserver 278
waitid 280 add_key 281 request_key 282 keyctl 283 set_thread_area 284 inotify_init 285
inotify_add_watch 286 inotify_rm_watch 287 migrate_pages 288 openat 289 mkdirat 290 mknodat 291
fchownat 292 futimesat 293 fstatat64 294 unlinkat 295 renameat 296 linkat 297 symlinkat 298
readlinkat 299 fchmodat 300 faccessat 301 pselect6 302 ppoll 303 unshare 304 splice 305
sync_file_range 306 tee 307 vmsplice 308 move_pages 309 set_robust_list 310 get_robust_list 311
kexec_load 312 getcpu 313 epoll_pwait 314 ioprio_set 315 ioprio_get 316 utimensat 317 signalfd 318
timerfd 319 eventfd 320 fallocate 321 timerfd_create 322 timerfd_gettime 323 timerfd_settime 324
signalfd4 325 eventfd2 326 epoll_create1 327 dup3 328 pipe2 329 inotify_init1 330 preadv 331
pwritev 332 rt_tgsigqueueinfo 333 perf_event_open 334 accept4 335 recvmmsg 336 fanotify_init 337
fanotify_mark 338 prlimit64 339 name_to_handle_at 340 open_by_handle_at 341 clock_adjtime 342
syncfs 343 sendmmsg 344 setns 345 process_vm_readv 346 process_vm_writev 347 kcmp 348 finit_module
349 sched_setattr 350 sched_getattr 351 renameat2 352 seccomp 353 getrandom 354 memfd_create 355
bpf 356 execveat 357 userfaultfd 358 membarrier 359 mlock2 360 copy_file_range 361 preadv2 362
pwritev2 363 pkey_mprotect 364 pkey_alloc 365 pkey_free 366 statx 367 rseq 368 io_pgetevents 393
semget 394 semctl 395 shmget 396 shmctl 397 shmat 398 shmdt 399 msgget 400 msgsnd 401 msgrcv 402
msgctl 403 clock_gettime64 404 clock_settime64 405 clock_adjtime64 406 clock_getres_time64 407
clock_nanosleep_time64 408 timer_gettime64 409 timer_settime64 410 timerfd_gettime64 411
timerfd_settime64 412 utimensat_time64 413 pselect6_time64 414 ppoll_time64 416
io_pgetevents_time64 417 recvmmsg_time64 418 mq_timedsend_time64 419 mq_timedreceive_time64 420
semtimedop_time64 421 rt_sigtimedwait_time64 422 futex_time64 423 sched_rr_get_interval_time64 424
pidfd_send_signal 425 io_uring_setup 426 io_uring_enter 427 io_uring_register 428 open_tree 429
move_mount 430 fsopen 431 fsconfig 432 fsmount 433 fspick 434 pidfd_open 435 clone3 436 close_range
437 openat2 438 pidfd_getfd 439 faccessat2 440 process_madvise 441 epoll_pwait2 442 mount_setattr
443 quotactl_fd 444 landlock_create_ruleset 445 landlock_add_rule 446 landlock_restrict_self 448
process_mrelease 449 futex_waitv 450 set_mempolicy_home_node 451 cachestat 452 fchmodat2 453
map_shadow_stack 454 futex_wake 455 futex_wait 456 futex_requeue 457 statmount 458 listmount 459
lsm_get_self_attr 460 lsm_set_self_attr 461 lsm_list_modules 462 mseal 463 setxattrat 464
getxattrat 465 listxattrat 466 removexattrat 467 open_tree_attr 468 file_getattr 469 file_setattr
470 listns 471 rseq_slice_yield
"""
SYSCALLS = {SYSCALL_BASE + int(n): name for n, name in
            zip(_SYSCALLS.split()[::2], _SYSCALLS.split()[1::2])}

# ---- errno: 1..34 are asm-generic's; from 35 on MIPS keeps the numbers of its System V past ----
_ERRNO = """
ENOMSG 35 EIDRM 36 ECHRNG 37 EL2NSYNC 38 EL3HLT 39 EL3RST 40 ELNRNG 41 EUNATCH 42 ENOCSI 43 EL2HLT
44 EDEADLK 45 ENOLCK 46 EBADE 50 EBADR 51 EXFULL 52 ENOANO 53 EBADRQC 54 EBADSLT 55 EDEADLOCK 56
EBFONT 59 ENOSTR 60 ENODATA 61 ETIME 62 ENOSR 63 ENONET 64 ENOPKG 65 EREMOTE 66 ENOLINK 67 EADV 68
ESRMNT 69 ECOMM 70 EPROTO 71 EDOTDOT 73 EMULTIHOP 74 EBADMSG 77 ENAMETOOLONG 78 EOVERFLOW 79
ENOTUNIQ 80 EBADFD 81 EREMCHG 82 ELIBACC 83 ELIBBAD 84 ELIBSCN 85 ELIBMAX 86 ELIBEXEC 87 EILSEQ 88
ENOSYS 89 ELOOP 90 ERESTART 91 ESTRPIPE 92 ENOTEMPTY 93 EUSERS 94 ENOTSOCK 95 EDESTADDRREQ 96
EMSGSIZE 97 EPROTOTYPE 98 ENOPROTOOPT 99 EPROTONOSUPPORT 120 ESOCKTNOSUPPORT 121 EOPNOTSUPP 122
EPFNOSUPPORT 123 EAFNOSUPPORT 124 EADDRINUSE 125 EADDRNOTAVAIL 126 ENETDOWN 127 ENETUNREACH 128
ENETRESET 129 ECONNABORTED 130 ECONNRESET 131 ENOBUFS 132 EISCONN 133 ENOTCONN 134 EUCLEAN 135
ENOTNAM 137 ENAVAIL 138 EISNAM 139 EREMOTEIO 140 EINIT 141 EREMDEV 142 ESHUTDOWN 143 ETOOMANYREFS
144 ETIMEDOUT 145 ECONNREFUSED 146 EHOSTDOWN 147 EHOSTUNREACH 148 EALREADY 149 EINPROGRESS 150
ESTALE 151 ECANCELED 158 ENOMEDIUM 159 EMEDIUMTYPE 160 ENOKEY 161 EKEYEXPIRED 162 EKEYREVOKED 163
EKEYREJECTED 164 EOWNERDEAD 165 ENOTRECOVERABLE 166 ERFKILL 167 EHWPOISON 168 EFTYPE 169 EDQUOT
1133
"""
ERRNO = {name: int(n) for name, n in zip(_ERRNO.split()[::2], _ERRNO.split()[1::2])}

# ---- signals (asm/signal.h): 1..31 renumbered, real-time signals 32..127 (_NSIG 128) -----------
SIGNALS = dict(SIGHUP=1, SIGINT=2, SIGQUIT=3, SIGILL=4, SIGTRAP=5, SIGABRT=6, SIGEMT=7, SIGFPE=8,
               SIGKILL=9, SIGBUS=10, SIGSEGV=11, SIGSYS=12, SIGPIPE=13, SIGALRM=14, SIGTERM=15,
               SIGUSR1=16, SIGUSR2=17, SIGCHLD=18, SIGPWR=19, SIGWINCH=20, SIGURG=21, SIGIO=22,
               SIGSTOP=23, SIGTSTP=24, SIGCONT=25, SIGTTIN=26, SIGTTOU=27, SIGVTALRM=28,
               SIGPROF=29, SIGXCPU=30, SIGXFSZ=31)
NSIG = 128                   # sigset_t is 16 bytes: rt_sigprocmask's sigsetsize must be 16
SA_FLAGS = dict(SA_NOCLDSTOP=0x1, SA_SIGINFO=0x8, SA_NOCLDWAIT=0x10000, SA_ONSTACK=0x08000000,
                SA_RESTART=0x10000000, SA_NODEFER=0x40000000, SA_RESETHAND=0x80000000)
SIG_HOW = dict(SIG_BLOCK=1, SIG_UNBLOCK=2, SIG_SETMASK=3)

# ---- open(2) flags (asm/fcntl.h): guest bit -> the asm-generic bit (the rest are the same) -----
OPEN_FLAGS = {0x8: 0o2000,          # O_APPEND
              0x10: 0o10000,        # O_DSYNC
              0x80: 0o4000,         # O_NONBLOCK
              0x100: 0o100,         # O_CREAT
              0x200: 0o1000,        # O_TRUNC
              0x400: 0o200,         # O_EXCL
              0x800: 0o400,         # O_NOCTTY
              0x1000: 0o20000,      # FASYNC
              0x2000: 0o100000,     # O_LARGEFILE
              0x4000: 0o4000000,    # __O_SYNC
              0x8000: 0o40000}      # O_DIRECT

# ---- mmap(2) flags (asm/mman.h): guest bit -> the asm-generic bit ------------------------------
MAP_FLAGS = {0x400: 0x4000,         # MAP_NORESERVE
             0x800: 0x20,           # MAP_ANONYMOUS
             0x1000: 0x100,         # MAP_GROWSDOWN
             0x2000: 0x800,         # MAP_DENYWRITE
             0x4000: 0x1000,        # MAP_EXECUTABLE
             0x8000: 0x2000,        # MAP_LOCKED
             0x10000: 0x8000,       # MAP_POPULATE
             0x20000: 0x10000,      # MAP_NONBLOCK
             0x40000: 0x20000,      # MAP_STACK
             0x80000: 0x40000}      # MAP_HUGETLB

# ---- resource limits (asm/resource.h): NOFILE, AS, RSS, NPROC, MEMLOCK renumbered ---------------
RLIMIT_NAMES = ("CPU FSIZE DATA STACK CORE NOFILE AS RSS NPROC MEMLOCK LOCKS SIGPENDING "
                "MSGQUEUE NICE RTPRIO RTTIME").split()
RLIM_INFINITY = 0x7FFFFFFF   # getrlimit/setrlimit's (o32 only; prlimit64's is ~0 everywhere)

# ---- fcntl(2) commands (asm/fcntl.h): guest -> asm-generic; struct flock64 is the 64-bit ABIs'
# struct flock, so F_*LK64 are theirs; o32's own F_GETLK/F_SETLK/F_SETLKW take its 32-bit struct
# flock (kernel/uapi.py flock_struct)
FCNTL = {14: 5, 6: 6, 7: 7,             # F_GETLK, F_SETLK, F_SETLKW: o32's struct flock (FLOCK32)
         33: 5, 34: 6, 35: 7,           # F_GETLK64, F_SETLK64, F_SETLKW64
         24: 8, 23: 9}                  # F_SETOWN, F_GETOWN
FLOCK32_CMDS = (14, 6, 7)
# struct flock {short l_type, l_whence; long l_start, l_len; long l_sysid; pid_t l_pid; long pad[4]}
FLOCK32 = "<hhii4xi16x"


def _ioc(direction, kind, nr, size):
    """MIPS's _IOC: 3 direction bits (1 none, 2 read, 4 write) at 29, a 13-bit size at 16."""
    return direction << 29 | size << 16 | ord(kind) << 8 | nr


# ---- ioctl requests (asm/ioctls.h, asm/sockios.h): name -> number -----------------------------
IOCTLS = dict(
    TCGETS=0x540D, TCSETS=0x540E, TCSETSW=0x540F, TCSETSF=0x5410, TCSBRK=0x5405, TCXONC=0x5406,
    TCFLSH=0x5407, TIOCEXCL=0x740D, TIOCNXCL=0x740E, TIOCOUTQ=0x7472, TIOCSTI=0x5472,
    TIOCPKT=0x5470, TIOCNOTTY=0x5471, TIOCSETD=0x7401, TIOCGETD=0x7400, FIOCLEX=0x6601,
    FIONCLEX=0x6602, FIONBIO=0x667E, FIONREAD=0x467F, TIOCSCTTY=0x5480, TCSBRKP=0x5486,
    TIOCGSID=0x7416,
    TIOCSWINSZ=_ioc(4, "t", 103, 8), TIOCGWINSZ=_ioc(2, "t", 104, 8),
    TIOCSPGRP=_ioc(4, "t", 118, 4), TIOCGPGRP=_ioc(2, "t", 119, 4),
    TIOCGPTN=_ioc(2, "T", 0x30, 4), TIOCSPTLCK=_ioc(4, "T", 0x31, 4),
    TIOCGDEV=_ioc(2, "T", 0x32, 4), TIOCSIG=_ioc(4, "T", 0x36, 4), TIOCGPKT=_ioc(2, "T", 0x38, 4),
    TIOCGPTLCK=_ioc(2, "T", 0x39, 4), TIOCGPTPEER=_ioc(1, "T", 0x41, 0),
    FICLONE=_ioc(4, "\x94", 9, 4), FICLONERANGE=_ioc(4, "\x94", 13, 32),
    BLKBSZGET=_ioc(2, "\x12", 112, 4), BLKGETSIZE64=_ioc(2, "\x12", 114, 4))

# ---- termios (asm/termbits.h): c_cc[23] in MIPS's order; c_lflag's IEXTEN, TOSTOP, FLUSHO -------
TERMIOS_CC = ("VINTR VQUIT VERASE VKILL VMIN VTIME VEOL2 VSWTC VSTART VSTOP VSUSP VDSUSP "
              "VREPRINT VDISCARD VWERASE VLNEXT VEOF VEOL - - - - -").split()
TERMIOS_LFLAG = {0x100: 0o100000,     # IEXTEN
                 0x8000: 0o400,       # TOSTOP
                 0x2000: 0o10000}     # FLUSHO
SI_CODES = dict(SI_QUEUE=-1, SI_ASYNCIO=-2, SI_TIMER=-3, SI_MESGQ=-4, SI_SIGIO=-5, SI_TKILL=-6)

# ---- sockets (asm/socket.h, asm/sock_types.h) -------------------------------------------------
SOCK_TYPES = {1: 2, 2: 1}              # SOCK_DGRAM = 1, SOCK_STREAM = 2 (guest -> asm-generic)
SOL_SOCKET = 0xFFFF
SOCKOPTS = dict(SO_DEBUG=0x1, SO_REUSEADDR=0x4, SO_KEEPALIVE=0x8, SO_DONTROUTE=0x10,
                SO_BROADCAST=0x20, SO_LINGER=0x80, SO_OOBINLINE=0x100, SO_REUSEPORT=0x200,
                SO_TYPE=0x1008, SO_ERROR=0x1007, SO_SNDBUF=0x1001, SO_RCVBUF=0x1002,
                SO_SNDLOWAT=0x1003, SO_RCVLOWAT=0x1004, SO_SNDTIMEO_OLD=0x1005,
                SO_RCVTIMEO_OLD=0x1006, SO_ACCEPTCONN=0x1009, SO_PROTOCOL=0x1028,
                SO_DOMAIN=0x1029, SO_NO_CHECK=11, SO_PRIORITY=12, SO_BSDCOMPAT=14,
                SO_PASSCRED=17, SO_PEERCRED=18, SO_SNDBUFFORCE=31, SO_RCVBUFFORCE=33,
                SO_TIMESTAMP_OLD=29, SO_RCVTIMEO_NEW=66, SO_SNDTIMEO_NEW=67)

# ---- struct statfs64 (asm/statfs.h): its own order, 96 bytes ----------------------------------
STATFS64 = ("<IIII5Q2iII24x", ("type", "bsize", "frsize", "pad", "blocks", "bfree", "files",
                                "ffree", "bavail", "fsid0", "fsid1", "namelen", "flags"))
