"""The jitvm kernel: a Linux-compatible OS written in Python.

Short nouns, one subsystem a module (as in xv6): boot, params, frames, pagetable, vm (address
spaces), elf (loader), process, trap, vfs, fdtable, and syscalls/<family>.py. The kernel reaches
CPUs only through jitvm's machine interface and never decodes an instruction or touches a register
by index: ISA facts come from the translator's `abi` module.
"""
