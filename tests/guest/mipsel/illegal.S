/* illegal (mipsel): freestanding; prints a line, then executes a word of the reserved major
   opcode 59 (0xec000000: "*" in the MIPS32r2 opcode table), so the process dies of SIGILL
   (status 132 in a shell). The all-zero word of the other ISAs is `nop` (sll $0,$0,0) here.
   o32 system calls: number 4000+n in $v0, arguments in $a0-$a3, `syscall`. */
    .set    noreorder
    .globl  __start
    .globl  _start
    .text
__start:
_start:
    li      $v0, 4004             /* write(1, msg, len) */
    li      $a0, 1
    lui     $a1, %hi(msg)
    addiu   $a1, $a1, %lo(msg)
    li      $a2, 34               /* strlen(msg) */
    syscall
    .word   0xec000000            /* reserved instruction: SIGILL */
    nop
    li      $v0, 4001             /* exit(1): only reached if the word did not trap */
    li      $a0, 1
    syscall
    nop

    .section .rodata
msg:
    .ascii "about to execute .word 0xec000000\n"
