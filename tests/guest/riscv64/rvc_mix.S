/* rvc_mix: freestanding (no libc). Every RV64C instruction form except c.ebreak, interleaved
   with 32-bit instructions (which so often sit at addresses that are 2 mod 4), plus one 32-bit
   instruction that straddles a page boundary. Every result is folded into a checksum in s1,
   printed with write(2); exits 0 if it equals EXPECTED (the value qemu-riscv64 computes), else 1.
   The loop runs three times so a translator sees the code hot. */

#define EXPECTED 0x5e28e5d5d2a857ac

    .option rvc

/* Fold register r into the checksum, with 32-bit encodings only. */
.macro MIX r
    .option push
    .option norvc
    xor   s1, s1, \r
    slli  t0, s1, 13
    srli  t1, s1, 51
    or    s1, t0, t1
    addi  s1, s1, 0x35
    .option pop
.endm

    .text
    .globl _start
_start:
    c.addi16sp sp, -64
    c.li    s1, 0
    c.li    s2, 3                   /* loop counter */
loop:
    /* ---- quadrant 0 ---- */
    c.addi4spn a0, sp, 24           /* a0 = sp + 24 */
    sub     a0, a0, sp              /* -> 24: never fold an address itself */
    MIX     a0
    la      a1, data
    c.ld    a2, 0(a1)
    MIX     a2
    c.lw    a3, 12(a1)              /* 0xfedcba98, sign-extended */
    MIX     a3
    c.fld   fa0, 16(a1)             /* 1.5 */
    c.fld   fa1, 24(a1)             /* 2.5 */
    fadd.d  fa2, fa0, fa1
    fmv.x.d a4, fa2
    MIX     a4
    c.fsd   fa2, 32(a1)
    c.ld    a5, 32(a1)
    MIX     a5
    c.sw    a3, 40(a1)
    c.sd    a2, 48(a1)
    c.ld    a4, 40(a1)
    MIX     a4
    c.ld    a5, 48(a1)
    MIX     a5

    /* ---- quadrant 1 ---- */
    c.nop
    c.li    a0, -17
    MIX     a0
    c.addi  a0, 31
    MIX     a0
    li      a0, 0x7fffffff
    c.addiw a0, 1                   /* -> 0xffffffff80000000 */
    MIX     a0
    c.lui   a3, 0x1f
    MIX     a3
    c.lui   a3, 0xfffe0             /* negative: 0xfffffffffffe0000 */
    MIX     a3
    c.srli  a2, 7
    MIX     a2
    c.srai  a3, 3
    MIX     a3
    c.andi  a2, -6
    MIX     a2
    c.li    a4, 9
    c.sub   a2, a4
    MIX     a2
    c.xor   a2, a3
    MIX     a2
    c.or    a3, a4
    MIX     a3
    c.and   a2, a3
    MIX     a2
    li      a5, 0x7ffffff0
    c.addw  a5, a4                  /* 32-bit wrap */
    c.addw  a5, a5
    MIX     a5
    c.subw  a4, a5
    MIX     a4
    c.j     1f
    addi    s1, s1, 1               /* skipped */
1:  c.li    a0, 0
    c.beqz  a0, 2f
    addi    s1, s1, 2               /* skipped */
2:  c.bnez  a0, 3f                  /* not taken */
    addi    s1, s1, 3
3:  c.li    a0, 1
    c.beqz  a0, 4f                  /* not taken */
    addi    s1, s1, 5
4:  c.bnez  a0, 5f
    addi    s1, s1, 7               /* skipped */
5:  c.addi16sp sp, -32
    c.addi16sp sp, 32
    MIX     a0

    /* ---- quadrant 2 ---- */
    c.slli  a2, 13
    MIX     a2
    c.sdsp  a2, 8(sp)
    c.ldsp  a4, 8(sp)
    MIX     a4
    c.swsp  a3, 4(sp)
    c.lwsp  a5, 4(sp)
    MIX     a5
    c.fsdsp fa2, 16(sp)
    c.fldsp fa3, 16(sp)
    fmv.x.d a4, fa3
    MIX     a4
    c.mv    a0, a2
    MIX     a0
    c.add   a0, a3
    MIX     a0
    la      t2, add5
    c.jalr  t2                      /* a0 += 5 */
    MIX     a0
    la      t2, 6f
    c.jr    t2
    addi    s1, s1, 11              /* skipped */
6:  call    straddle                /* a0 = 0x123 */
    MIX     a0

    c.addi  s2, -1
    .option push
    .option norvc
    bnez    s2, loop
    .option pop

    /* ---- print "rvc_mix checksum <16 hex digits>\n" ---- */
    li      a7, 64
    li      a0, 1
    la      a1, label
    li      a2, 17                  /* strlen(label) */
    ecall
    addi    a1, sp, 32
    li      t0, 16
    mv      t1, s1
7:  andi    t2, t1, 15
    addi    t2, t2, '0'
    li      t3, '9'
    ble     t2, t3, 8f
    addi    t2, t2, 'a' - '0' - 10
8:  add     t3, a1, t0
    sb      t2, -1(t3)
    srli    t1, t1, 4
    addi    t0, t0, -1
    bnez    t0, 7b
    li      t2, '\n'
    sb      t2, 16(a1)
    li      a7, 64
    li      a0, 1
    li      a2, 17
    ecall
    li      t0, EXPECTED
    sub     a0, s1, t0
    snez    a0, a0                  /* exit(checksum != EXPECTED) */
    li      a7, 93
    ecall

add5:
    c.addi  a0, 5
    c.jr    ra

/* A 32-bit instruction whose two halves lie on different pages. */
    .section .text.straddle, "ax"
    .p2align 12
straddle:
    .rept 2047
    c.nop
    .endr
    .option push
    .option norvc
    addi    a0, zero, 0x123
    .option pop
    c.jr    ra

    .section .rodata
label:
    .ascii "rvc_mix checksum "
label_end:

    .data
    .p2align 3
data:
    .dword 0x0123456789abcdef, 0xfedcba9876543210
    .dword 0x3ff8000000000000, 0x4004000000000000   /* 1.5, 2.5 */
    .dword 0, 0, 0
