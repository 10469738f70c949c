#!/usr/bin/env bash
# Lets the HOST kernel run guest ELF files through qemu-<arch>-static (binfmt_misc, F flag), so
# a guest shell under the qemu oracle can execve busybox applets as it does under jitvm: riscv64
# (e_machine 243, 0xf3), loongarch64 (258, 0x102), aarch64 (183, 0xb7), all ELFCLASS64, and
# mipsel (8, ELFCLASS32, o32 only; in progress: jitvm does not run it yet).
# Idempotent; needs root. Without binfmt_misc the shell-script differential test says so.
set -eu
dir=/proc/sys/fs/binfmt_misc
[ -e "$dir/register" ] || mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || {
    echo "binfmt_misc unavailable: shell-script differential tests cannot use the qemu oracle"; exit 0; }
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
# P (preserve argv[0]) as Debian's qemu-user-static registers itself (/usr/share/binfmts): the
# kernel then passes qemu the program's own argv[0] after its path, and qemu started under the
# name <arch>-binfmt-P (a link Debian ships) takes it. Without P the guest sees its path as
# argv[0]: a busybox that runs its applets by re-executing /proc/self/exe with the applet's
# name as argv[0] (Debian's, FEATURE_PREFER_APPLETS and FEATURE_SH_STANDALONE) then runs
# `busybox` or `sh` instead. An entry an earlier version of this script registered without P
# is replaced.
register() {    # name, e_machine as two little-endian bytes[, ELF class byte[, magic tail, mask]]
    local interp flags=F class=${3:-'\x02'} magic mask=$mask
    interp=$(command -v qemu-$1-static)
    if [ -e "/usr/libexec/qemu-binfmt/$1-binfmt-P" ]; then
        interp=/usr/libexec/qemu-binfmt/$1-binfmt-P flags=FP
    fi
    if [ -e "$dir/qemu-$1" ]; then
        if [ "$flags" = F ] || grep -q '^flags: .*P' "$dir/qemu-$1"; then
            echo "binfmt: qemu-$1 registered"; return
        fi
        echo -1 > "$dir/qemu-$1"
    fi
    magic="\\x7f\\x45\\x4c\\x46$class\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00$2${4:-}"
    mask=${5:-$mask}
    echo ":qemu-$1:M::${magic}:${mask}:${interp}:${flags}" > "$dir/register"
    echo "binfmt: registered qemu-$1 ($interp, flags $flags)"
}
register riscv64 '\xf3\x00'
register loongarch64 '\x02\x01'
# aarch64 runs with qemu's default `max` CPU here (binfmt_misc passes no options): the shell
# oracle compares output, which the CPU model does not change; direct runs use -cpu cortex-a53.
register aarch64 '\xb7\x00'
# mipsel: 32-bit ELF; Debian's entry (/usr/share/binfmts/qemu-mipsel): EI_ABIVERSION 0 or 1 (1:
# non-PIC code, as `.option pic0` assembly links to), and the magic goes on to e_flags (byte 36)
# so that n32 programs (EF_MIPS_ABI2, 0x20) are not taken for o32 ones.
register mipsel '\x08\x00' '\x01' \
    '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' \
    '\xff\xff\xff\xff\xff\xff\xff\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20'
