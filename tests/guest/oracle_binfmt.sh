#!/usr/bin/env bash
# Lets the HOST kernel run riscv64 ELF files through qemu-riscv64-static (binfmt_misc, F flag),
# so a guest shell under the qemu oracle can execve busybox applets as it does under jitvm.
# Idempotent; needs root. Without binfmt_misc the shell-script differential test says so.
set -eu
dir=/proc/sys/fs/binfmt_misc
[ -e "$dir/register" ] || mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || {
    echo "binfmt_misc unavailable: shell-script differential tests cannot use the qemu oracle"; exit 0; }
if [ -e "$dir/qemu-riscv64" ]; then echo "binfmt: qemu-riscv64 registered"; exit 0; fi
magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
echo ":qemu-riscv64:M::${magic}:${mask}:$(command -v qemu-riscv64-static):F" > "$dir/register"
echo "binfmt: registered qemu-riscv64"
