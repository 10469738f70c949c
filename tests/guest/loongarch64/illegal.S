/* illegal: freestanding; prints a line, then executes the all-zero word, which encodes no
   LoongArch instruction, so the process dies of SIGILL (status 132 in a shell). */
    .globl _start
    .text
_start:
    li.w      $a7, 64             /* write(1, msg, len) */
    li.w      $a0, 1
    la.pcrel  $a1, msg
    li.w      $a2, 25             /* strlen(msg) */
    syscall   0
    .word 0                       /* illegal instruction */
    li.w      $a7, 93             /* exit(1): only reached if the word did not trap */
    li.w      $a0, 1
    syscall   0

    .section .rodata
msg:
    .ascii "about to execute .word 0\n"
