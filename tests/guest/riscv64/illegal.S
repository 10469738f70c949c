/* illegal: freestanding; prints a line, then executes the all-zero word, which is defined to be
   an illegal instruction, so the process dies of SIGILL (status 132 in a shell). */
    .option norvc
    .globl _start
    .text
_start:
    li a7, 64                 /* write(1, msg, len) */
    li a0, 1
    la a1, msg
    li a2, 25                 /* strlen(msg) */
    ecall
    .word 0                   /* illegal instruction */
    li a7, 93                 /* exit(1): only reached if the word did not trap */
    li a0, 1
    ecall

    .section .rodata
msg:
    .ascii "about to execute .word 0\n"

