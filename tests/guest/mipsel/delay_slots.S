/* delay_slots (mipsel): freestanding, self-checking; what makes MIPS control flow and unaligned
   access different from the other ISAs. Prints "ok <what>" or "FAIL <what>" per check and exits
   with 0 when all hold, else 1.
     - the delay slot after a branch or jump runs whether or not the branch is taken; a slot that
       writes the register the branch compares does not change the decision; the link register
       of bal/jal/jalr is the address after the slot (branch + 8); a loop counts in its slot;
     - branch-likely (beql/bnel/bgezl/bltzl/blezl/bgtzl/bgezall): the slot runs only when the
       branch is taken, and is annulled (not run) when it falls through;
     - lwl/lwr pairs load a word from every misaligned offset (little-endian: lwr at the lowest
       address, lwl at address + 3), each half alone merges into the old register value; swl/swr
       store one; an lwr in a delay slot.
   `.set noreorder` throughout: every slot holds what is written there. o32 system calls:
   $v0 = 4000 + n, arguments $a0-$a3, `syscall`; they may clobber $v0, $v1, $a3, $t0-$t9 (musl's
   clobber list), so state that must survive one lives in $s registers. */
    .set    noreorder
    .option pic0                      /* absolute addresses: no $gp, no GOT */
    .text
    .globl  __start
    .globl  _start

/* CHECK reg, want(32-bit constant), name: report(reg, want, name) */
#define CHECK(reg, want, name) \
    move $a0, reg; li $a1, want; lui $a2, %hi(name); jal report; addiu $a2, $a2, %lo(name)

__start:
_start:
    move    $s7, $zero                /* failures */

    /* 1. a taken branch runs its slot, then skips what follows */
    li      $t0, 0
    b       1f
    addiu   $t0, $t0, 5               /* slot: runs */
    addiu   $t0, $t0, 100             /* skipped */
1:  CHECK($t0, 5, n_taken)

    /* 2. a branch not taken runs its slot too, then goes on */
    li      $t0, 0
    li      $t1, 1
    beq     $t1, $zero, 1f
    addiu   $t0, $t0, 7               /* slot: runs */
    addiu   $t0, $t0, 10
1:  CHECK($t0, 17, n_untaken)

    /* 3. the slot overwrites the compared register: the decision was made with the old value */
    li      $t1, 1
    li      $t2, 0
    beq     $t1, $zero, 1f            /* 1 != 0: not taken */
    move    $t1, $zero                /* slot */
    li      $t2, 1                    /* fell through */
1:  sll     $t2, $t2, 4
    or      $t2, $t2, $t1
    CHECK($t2, 0x10, n_slot_writes_cond)

    /* 4. bal links to the instruction after its slot */
    bal     2f
    nop
2:  move    $t0, $ra
    la      $t1, 2b
    subu    $t0, $t0, $t1
    CHECK($t0, 0, n_bal_link)

    /* 5. jal with the argument set in its slot; the callee returns with a result set in jr's */
    jal     add_one
    li      $a0, 41                   /* slot: the argument */
    CHECK($v0, 42, n_jal_slot)

    /* 6. jalr through $t9 (the PIC convention), argument in the slot */
    la      $t9, add_one
    jalr    $t9
    li      $a0, 99
    CHECK($v0, 100, n_jalr_slot)

    /* 7. a loop whose counter and sum advance in the branch's slot: 1 + 2 + ... + 10 */
    li      $t0, 0                    /* sum */
    li      $t1, 1                    /* i */
    li      $t2, 11
3:  addu    $t0, $t0, $t1
    bne     $t1, $t2, 3b
    addiu   $t1, $t1, 1               /* slot: i++, also on the last (not taken) pass */
    addiu   $t0, $t0, -11             /* the last pass added 11 */
    sll     $t1, $t1, 8
    or      $t0, $t0, $t1
    CHECK($t0, 0xc37, n_loop_in_slot)

    /* 8. branch-likely, taken: the slot runs */
    li      $t0, 0
    li      $t1, 1
    bnel    $t1, $zero, 1f
    addiu   $t0, $t0, 3               /* slot: runs (taken) */
    addiu   $t0, $t0, 100
1:  CHECK($t0, 3, n_bnel_taken)

    /* 9. branch-likely, not taken: the slot is annulled */
    li      $t0, 0
    beql    $t1, $zero, 1f
    addiu   $t0, $t0, 3               /* slot: annulled */
    addiu   $t0, $t0, 20
1:  CHECK($t0, 20, n_beql_untaken)

    /* 10. the other branch-likely forms, each taken once and not taken once; bits record which
       slots ran (a taken one skips the addiu after it) */
    li      $t0, 0
    li      $t3, -5
    bltzl   $t3, 1f
    ori     $t0, $t0, 0x1             /* taken: runs */
    ori     $t0, $t0, 0x100
1:  bgezl   $t3, 1f
    ori     $t0, $t0, 0x2             /* not taken: annulled */
    ori     $t0, $t0, 0x200
1:  blezl   $zero, 1f
    ori     $t0, $t0, 0x4             /* taken */
    ori     $t0, $t0, 0x400
1:  bgtzl   $zero, 1f
    ori     $t0, $t0, 0x8             /* not taken: annulled */
    ori     $t0, $t0, 0x800
1:  CHECK($t0, 0xa05, n_likely_forms)

    /* 11. bgezall links even when it falls through, and annuls its slot then */
    li      $ra, 0
    li      $t0, 0
    bgezall $t3, 1f                   /* -5 >= 0? no */
    ori     $t0, $t0, 1               /* annulled */
4:  la      $t1, 4b
    subu    $t1, $ra, $t1             /* $ra = the bgezall + 8 */
    or      $t0, $t0, $t1
1:  CHECK($t0, 0, n_bgezall_link)

    /* 12. lwl/lwr: a word from each misaligned offset of bytes 00 01 02 ... */
    la      $s0, bytes
    lwr     $t0, 1($s0)
    lwl     $t0, 4($s0)
    CHECK($t0, 0x04030201, n_lwlr_1)
    lwr     $t0, 2($s0)
    lwl     $t0, 5($s0)
    CHECK($t0, 0x05040302, n_lwlr_2)
    lwr     $t0, 3($s0)
    lwl     $t0, 6($s0)
    CHECK($t0, 0x06050403, n_lwlr_3)
    lwr     $t0, 4($s0)               /* aligned: lwr alone loads the whole word */
    CHECK($t0, 0x07060504, n_lwr_aligned)

    /* 13. each half alone merges into the register's old bytes */
    li      $t0, 0xaaaaaaaa
    lwr     $t0, 1($s0)
    CHECK($t0, 0xaa030201, n_lwr_merge)
    li      $t0, 0xaaaaaaaa
    lwl     $t0, 1($s0)
    CHECK($t0, 0x0100aaaa, n_lwl_merge)
    li      $t0, 0xaaaaaaaa
    lwl     $t0, 3($s0)               /* lwl at offset 3 loads the whole word */
    CHECK($t0, 0x03020100, n_lwl_whole)

    /* 14. swr/swl store a word at offset 1 of a buffer of 0xee */
    la      $s1, buf
    li      $t0, 0x44332211
    swr     $t0, 1($s1)
    swl     $t0, 4($s1)
    lw      $t1, 0($s1)
    CHECK($t1, 0x332211ee, n_swlr_lo)
    lw      $t1, 4($s1)
    CHECK($t1, 0xeeeeee44, n_swlr_hi)
    li      $t0, 0x99887766
    swl     $t0, 9($s1)               /* alone: the top two bytes at 8..9 */
    lw      $t1, 8($s1)
    CHECK($t1, 0xeeee9988, n_swl_alone)

    /* 15. an lwr in a taken branch's slot and an lwl in an annulled one */
    li      $t0, 0
    b       1f
    lwr     $t0, 2($s0)               /* runs */
    li      $t0, 1
1:  li      $t1, 0x55555555
    beql    $zero, $s0, 1f            /* not taken */
    lwl     $t1, 2($s0)               /* annulled */
1:  xor     $t0, $t0, $t1
    CHECK($t0, 0x55555657, n_lwr_in_slot)

    /* exit_group(failures != 0) */
    sltu    $a0, $zero, $s7
    li      $v0, 4246
    syscall
    nop

/* add_one(a0) = a0 + 1, the add in jr's slot */
add_one:
    jr      $ra
    addiu   $v0, $a0, 1

/* report(got a0, want a1, name a2): write "ok NAME\n" or "FAIL NAME\n"; a failure sets $s7 */
report:
    move    $s6, $ra
    move    $s5, $a2
    beq     $a0, $a1, 1f
    lui     $s4, %hi(ok_s)            /* slot: both paths; the FAIL path replaces it */
    lui     $s4, %hi(fail_s)
    addiu   $s4, $s4, %lo(fail_s)
    ori     $s7, $s7, 1
    b       2f
    li      $s3, 5                    /* slot: strlen("FAIL ") */
1:  addiu   $s4, $s4, %lo(ok_s)
    li      $s3, 3                    /* strlen("ok ") */
2:  li      $v0, 4004
    li      $a0, 1
    move    $a1, $s4
    move    $a2, $s3
    syscall
    move    $a2, $zero                /* strlen(name), counting in the loop's slot */
3:  addu    $t0, $s5, $a2
    lbu     $t0, 0($t0)
    bnez    $t0, 3b
    addiu   $a2, $a2, 1
    addiu   $a2, $a2, -1              /* the NUL was counted */
    move    $a1, $s5
    li      $v0, 4004
    li      $a0, 1
    syscall
    li      $v0, 4004
    li      $a0, 1
    la      $a1, nl
    li      $a2, 1
    syscall
    jr      $s6
    nop

    .data
    .align  2
bytes:  .byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
buf:    .fill 16, 1, 0xee

    .section .rodata
ok_s:   .ascii "ok "
fail_s: .ascii "FAIL "
nl:     .ascii "\n"
n_taken:            .asciz "taken branch runs its delay slot"
n_untaken:          .asciz "untaken branch runs its delay slot"
n_slot_writes_cond: .asciz "slot writing the compared register"
n_bal_link:         .asciz "bal links past its slot"
n_jal_slot:         .asciz "jal argument set in the slot, result in jr's"
n_jalr_slot:        .asciz "jalr $t9 argument set in the slot"
n_loop_in_slot:     .asciz "loop counter in the slot"
n_bnel_taken:       .asciz "bnel taken runs its slot"
n_beql_untaken:     .asciz "beql not taken annuls its slot"
n_likely_forms:     .asciz "bltzl bgezl blezl bgtzl"
n_bgezall_link:     .asciz "bgezall links when not taken"
n_lwlr_1:           .asciz "lwr/lwl at offset 1"
n_lwlr_2:           .asciz "lwr/lwl at offset 2"
n_lwlr_3:           .asciz "lwr/lwl at offset 3"
n_lwr_aligned:      .asciz "lwr aligned"
n_lwr_merge:        .asciz "lwr merges"
n_lwl_merge:        .asciz "lwl merges"
n_lwl_whole:        .asciz "lwl at offset 3"
n_swlr_lo:          .asciz "swr/swl at offset 1, low word"
n_swlr_hi:          .asciz "swr/swl at offset 1, high word"
n_swl_alone:        .asciz "swl alone"
n_lwr_in_slot:      .asciz "lwr in a slot, lwl in an annulled slot"
