"""A region's code as LLVM IR: the switch over its blocks, the exit after each instruction, the
chaining between blocks -- emitted here with llvmlite -- around calls to the instructions' ops
(jitvm/ops.py), which LLVM inlines with the decoded fields as constants.

    int64 region(int64 idx, int64 *r, uint8 *mem, int64 *ctl, int64 n)

runs the block whose entry id is `idx` (jitvm/blocks.py `entry`) and returns n plus the
instructions retired (by it and the regions it hands over to). Shape of the function (`emit`):

    entry:  jt = (int64 *) ctl[CTL_JT]
    loop:   idx, n, chained = phi(...); switch idx -> one label per block, else return n
    b_<pc>: npc = op(r, mem, ctl, <pc, ilen, rd, rs1, rs2, rs3, rm, imm>)
            if ctl[0] != 0: goto exit
            ... for every instruction, then r[PC] = npc; n += len
            if n < CHAIN_LIMIT:
                if npc == <successor pc> and jt[<one of its rows>].entry == <its id>:
                    idx = <its id>; chained += 1; goto loop         (for each static successor)
                row = jt[<the one of npc's two rows that holds npc>]
                if row.pc == npc and row.entry is a block of this region:
                    idx = row.entry; chained += 1; goto loop        (indirect jumps, returns)
                if row.pc == npc:                       (a block of another region)
                    return row.region(row.entry, r, mem, ctl, n)    (a tail call, after return:)
            return n
    exit:   r[PC] = npc; return n + i + (the exit retired the instruction)   (phis: npc, i)
    return: ctl[CTL_STAT_CHAINED] += chained; the registers back to r

n counts on across regions, so a chain of them returns to the run loop after CHAIN_LIMIT
instructions, and the stack does not grow (musttail: the next region replaces this one's frame).

The three pointers are `noalias` (separate buffers), so after inlining LLVM keeps guest
registers in host registers across guest stores and drops the exit check after instructions
that cannot set it. Building a region (`build`) is linking, optimizing at -O3 and emitting
object code: LLVM's time only.
"""
import re

import llvmlite.ir as ir

from jitvm import ops

I64 = ir.IntType(64)
P64 = I64.as_pointer()
P8 = ir.IntType(8).as_pointer()
OP_TYPE = ir.FunctionType(I64, [P64, P8, P64] + [I64] * len(ops.ARGS))
REGION_TYPE = ir.FunctionType(I64, [I64, P64, P8, P64, I64])


def _c(v):
    return ir.Constant(I64, int(v))


def emit(isa, name, plan, *, region_id, local_regs, nregs, pc_reg, chain_limit, ctl_jt,
         ctl_chained, jt_bits, jt_mix, jt_slots, retiring_exits):
    """LLVM IR text of region `name`. plan: [(entry id, insns, successors)] with insns as from
    blocks.scan and successors [(pc, entry id)] of the same region, likeliest first; region_id:
    the entry ids' bits above the low 16; jt_slots(pc): the two jump-table rows a pc may take
    (three words each: pc, region address, entry id), computed from jt_bits and jt_mix as
    blocks.jt_slots does; retiring_exits: the exit codes
    whose instruction counts as retired (a system call does, a fault does not).
    local_regs: the ops work on a local copy of the `nregs` registers (see `build`);
    ctl_chained: the ctl word counting blocks entered by chaining (for --stats)."""
    mod = ir.Module(name=name)
    fn = ir.Function(mod, REGION_TYPE, name)
    idx, r, mem, ctl, n_in = fn.args
    for arg, argname in zip(fn.args, ("idx", "r", "mem", "ctl", "n_in")):
        arg.name = argname
    for arg in (r, mem, ctl):
        arg.add_attribute("noalias")
    declared = {}

    def op(fname):
        if fname not in declared:
            declared[fname] = ir.Function(mod, OP_TYPE, ops.symbol(isa.NAME, fname))
        return declared[fname]

    start = fn.append_basic_block("entry")
    b = ir.IRBuilder(start)
    jt = b.inttoptr(b.load(b.gep(ctl, [_c(ctl_jt)])), P64, name="jt")
    regs = r
    if local_regs:      # one load and store per register (a memcpy would leave LLVM copying
                        # the registers a region does not touch in and out on every call)
        regs = b.bitcast(b.alloca(ir.ArrayType(I64, nregs), name="local_regs"), P64, name="regs")
        on_entry = [b.load(b.gep(r, [_c(k)]), name=f"r{k}") for k in range(nregs)]
        for k, v in enumerate(on_entry):
            b.store(v, b.gep(regs, [_c(k)]))
    pc_ptr = b.gep(regs, [_c(pc_reg)], name="pc_ptr")
    loop = fn.append_basic_block("loop")
    b.branch(loop)
    b = ir.IRBuilder(loop)
    cur, n, chained = b.phi(I64, "idx"), b.phi(I64, "n"), b.phi(I64, "chained")
    for phi, value in ((cur, idx), (n, n_in), (chained, _c(0))):
        phi.add_incoming(value, start)
    # every way out: the registers back, how many instructions retired, and on to the block of
    # another region (`next_fn` != 0) or back to the caller
    ret = fn.append_basic_block("return")
    rb = ir.IRBuilder(ret)
    retired, chains = rb.phi(I64, "retired"), rb.phi(I64, "chains")
    next_fn, next_idx = rb.phi(I64, "next_fn"), rb.phi(I64, "next_idx")
    counter = rb.gep(ctl, [_c(ctl_chained)])
    rb.store(rb.add(rb.load(counter), chains), counter)
    if local_regs:      # stored back only if changed: for a register the region never
                        # writes, LLVM folds the test away, and the load on entry with it
        for k in range(nregs):
            v = rb.load(rb.gep(regs, [_c(k)]))
            with rb.if_then(rb.icmp_signed("!=", v, on_entry[k])):
                rb.store(v, rb.gep(r, [_c(k)]))
    hand_over = fn.append_basic_block("hand_over")
    back_to_caller = fn.append_basic_block("back_to_caller")
    rb.cbranch(rb.icmp_signed("!=", next_fn, _c(0)), hand_over, back_to_caller)
    ir.IRBuilder(back_to_caller).ret(retired)
    hb = ir.IRBuilder(hand_over)
    hb.ret(hb.call(hb.inttoptr(next_fn, REGION_TYPE.as_pointer()),
                   [next_idx, r, mem, ctl, retired], tail="musttail"))

    def leave(b, count, to_fn=_c(0), to_idx=_c(0), chain=0):
        """From b's block to `return`, with `count` instructions retired in all."""
        retired.add_incoming(count, b.block)
        chains.add_incoming(b.add(chained, _c(chain)) if chain else chained, b.block)
        next_fn.add_incoming(to_fn, b.block)
        next_idx.add_incoming(to_idx, b.block)
        b.branch(ret)

    done = fn.append_basic_block("done")
    switch = b.switch(cur, done)
    leave(ir.IRBuilder(done), n)
    # an instruction took an exit: the pc it left, and whether the exit retired it
    exit_block = fn.append_basic_block("exit")
    b = ir.IRBuilder(exit_block)
    leave_npc, leave_i = b.phi(I64, "exit_npc"), b.phi(I64, "exit_i")
    b.store(leave_npc, pc_ptr)
    took = b.zext(_any_equal(b, b.load(ctl, name="exit_code"), retiring_exits), I64)
    leave(b, b.add(n, b.add(leave_i, took)))

    for e, insns, successors in plan:
        block = fn.append_basic_block(f"b_{insns[0][0]:x}")
        switch.add_case(_c(e), block)
        b = ir.IRBuilder(block)
        for i, (pc, _, fields) in enumerate(insns):
            npc = b.call(op(isa.semantic(fields[0])[1]), [regs, mem, ctl] +
                         [_c(x) for x in (pc, *fields[1:])], name=f"npc_{pc:x}")
            after = fn.append_basic_block(f"a_{pc:x}")
            exits = b.icmp_signed("!=", b.load(ctl), _c(0))
            b.cbranch(exits, exit_block, after).set_weights([1, 1000])
            leave_npc.add_incoming(npc, b.block)
            leave_i.add_incoming(_c(i), b.block)
            b = ir.IRBuilder(after)
        b.store(npc, pc_ptr)
        n2 = b.add(n, _c(len(insns)), name=f"n_{insns[0][0]:x}")
        label = f"b_{insns[0][0]:x}"
        go_on = fn.append_basic_block(f"{label}.chain")
        back = fn.append_basic_block(f"{label}.back")
        b.cbranch(b.icmp_signed("<", n2, _c(chain_limit)), go_on, back)
        b = ir.IRBuilder(go_on)

        def chain_to(b, se):                # from b's block: on to the block with entry id se
            chained.add_incoming(b.add(chained, _c(1)), b.block)
            cur.add_incoming(se, b.block)
            n.add_incoming(n2, b.block)

        for spc, se in successors:          # named statically: a compare, then its rows' ids
            check = fn.append_basic_block(f"{label}.to_{spc:x}")
            nxt = fn.append_basic_block(f"{label}.not_{spc:x}")
            b.cbranch(b.icmp_signed("==", npc, _c(spc)), check, nxt)
            b = ir.IRBuilder(check)
            for way, slot in enumerate(jt_slots(spc)):
                mapped = b.load(b.gep(jt, [_c(3 * slot + 2)]))
                chain_to(b, _c(se))
                other = fn.append_basic_block(f"{label}.to_{spc:x}.{way}")
                b.cbranch(b.icmp_signed("==", mapped, _c(se)), loop, other)
                b = ir.IRBuilder(other)
            b.branch(nxt)
            b = ir.IRBuilder(nxt)
        # any other pc (an indirect jump, a return): its jump-table row, if that names a block
        # of this region (the rows as blocks.jt_slots computes them)
        first = b.mul(b.and_(b.lshr(npc, _c(1)), _c((1 << jt_bits) - 1)), _c(3))
        found = fn.append_basic_block(f"{label}.found")
        try_second = fn.append_basic_block(f"{label}.second")
        row = b.gep(jt, [first])
        b.cbranch(b.icmp_signed("==", b.load(row), npc), found, try_second)
        entered = b.block
        b = ir.IRBuilder(try_second)
        row2 = b.gep(jt, [b.mul(b.lshr(b.mul(npc, _c(jt_mix)), _c(64 - jt_bits)), _c(3))])
        b.cbranch(b.icmp_signed("==", b.load(row2), npc), found, back)
        b = ir.IRBuilder(found)
        which = b.phi(P64)
        which.add_incoming(row, entered)
        which.add_incoming(row2, try_second)
        mapped = b.load(b.gep(which, [_c(2)]), name=f"{label}.mapped")
        chain_to(b, mapped)
        elsewhere = fn.append_basic_block(f"{label}.elsewhere")
        b.cbranch(b.icmp_signed("==", b.ashr(mapped, _c(16)), _c(region_id)), loop, elsewhere)
        b = ir.IRBuilder(elsewhere)         # a block of another region: on to it
        leave(b, n2, b.load(b.gep(which, [_c(1)])), mapped, chain=1)
        leave(ir.IRBuilder(back), n2)
    return _with_disassembly(str(mod), plan, isa)


def _with_disassembly(text, plan, isa):
    """The IR text with each instruction's disassembly above its op call, for readers."""
    asm = {f"{pc:x}": f"  ; {pc:#x}: {isa.disasm(inst, pc)}"
           for _, insns, _ in plan for pc, inst, _ in insns}
    out = []
    for line in text.splitlines():
        call = re.match(r'\s*%"npc_([0-9a-f]+)" = call', line)
        if call:
            out.append(asm[call.group(1)])
        out.append(line)
    return "\n".join(out) + "\n"


def _any_equal(b, value, constants):
    hits = [b.icmp_signed("==", value, _c(k)) for k in constants]
    for h in hits[1:]:
        hits[0] = b.or_(hits[0], h)
    return hits[0]


def build(isa, name, ir_text):
    """(object code, registers kept local) of region `name` from its IR: the ops it calls linked
    in (and made internal, so LLVM inlines and then drops them), optimized like Numba's own code
    (-O3). Registers are local when LLVM promoted the local register file to SSA values (no
    alloca is left): guest registers then live in host registers, loaded once on entry and
    stored once on the way out, even across a region's loops -- which LLVM will not do for the
    caller's array, whose stores it may not move out of a loop."""
    import llvmlite.binding as llvm

    from jitvm.compiled import target_machine
    tm = target_machine()
    mod = llvm.parse_assembly(ir_text)
    prefix = ops.symbol(isa.NAME, "")
    for fname in [f.name[len(prefix):] for f in mod.functions if f.name.startswith(prefix)]:
        mod.link_in(llvm.parse_bitcode(ops.bitcode(isa, fname)))
    # Everything but the region itself becomes internal and is named for the region: the JIT
    # linker resolves even local symbols by name across the objects it loaded, so a helper the
    # region keeps (the out-of-line page-table walk) must not be found by Numba's code, which
    # calls its own function of that name, nor by another region's code.
    defined = [v for v in (*mod.functions, *mod.global_variables)
               if not v.is_declaration and v.name != name]
    for k, v in enumerate(defined):
        v.linkage = "internal"
        if v.name.startswith(prefix):       # an op and its body: into every instruction
            v.add_function_attribute("alwaysinline")
        v.name = f"{name}.{k}"
    mod.triple, mod.data_layout = tm.triple, str(tm.target_data)
    mod.verify()
    pb = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=3))
    pb.getModulePassManager().run(mod, pb)
    promoted = not any(i.opcode == "alloca" and i.name.startswith("local_regs")
                       for bb in mod.get_function(name).blocks for i in bb.instructions)
    return tm.emit_object(mod), promoted
