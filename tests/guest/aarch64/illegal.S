/* illegal: freestanding; prints a line, then executes the all-zero word, `udf #0` (permanently
   undefined in A64), so the process dies of SIGILL (status 132 in a shell). */
    .globl _start
    .text
_start:
    mov     x8, #64               /* write(1, msg, len) */
    mov     x0, #1
    adr     x1, msg
    mov     x2, #25               /* strlen(msg) */
    svc     #0
    .word 0                       /* udf #0: illegal instruction */
    mov     x8, #93               /* exit(1): only reached if the word did not trap */
    mov     x0, #1
    svc     #0

    .section .rodata
msg:
    .ascii "about to execute .word 0\n"
