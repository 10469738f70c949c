"""The compile process: builds regions of hot blocks for the VM that started it, off the guest's
critical path. `CompileProcess` is the VM's end (used by jitvm/engine.py), `main` the worker's.

Protocol, one JSON object per line: the VM writes jobs {"id", "isa", "path", "batch", "keys"} to
stdin; the worker answers {"id", "seconds"} or {"id", "error"} on stdout once the region is
compiled and indexed in the persistent translation cache (jitvm/blocks.py build_region).

A region still being built when the VM exits is not thrown away: the worker notices it has lost
its parent, lowers its priority, and finishes the jobs it has already received for at most
AFTERLIFE seconds -- so the next run of the same program finds them in the cache -- then exits.
"""
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path

AFTERLIFE = 120.0       # seconds of compiling allowed once the VM is gone


class CompileProcess:
    """The worker, started on first use; `submit` returns a Future of the compile seconds."""

    def __init__(self):
        env = dict(os.environ)
        repo = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([repo] + [p for p in [env.get("PYTHONPATH")] if p])
        # its own session: ^C on the console or the VM's death does not kill a half-done
        # compile; stderr discarded: errors come back as replies, not as noise on the console
        self.proc = subprocess.Popen([sys.executable, "-m", "jitvm.compile_worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, start_new_session=True,
                                     text=True)
        self.futures, self.next_id = {}, 0
        threading.Thread(target=self._replies, daemon=True, name="jitvm-compile-replies").start()

    def submit(self, isa_name, path, batch, keys):
        fut = Future()
        self.next_id += 1
        self.futures[self.next_id] = fut
        job = {"id": self.next_id, "isa": isa_name, "path": str(path), "batch": batch,
               "keys": keys}
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except OSError as e:             # the worker died
            fut.set_exception(RuntimeError(f"the compile process is gone: {e}"))
        return fut

    def _replies(self):
        for line in self.proc.stdout:
            reply = json.loads(line)
            fut = self.futures.pop(reply["id"], None)
            if fut is None:
                continue
            if "error" in reply:
                fut.set_exception(RuntimeError(reply["error"]))
            else:
                fut.set_result(reply["seconds"])
        for fut in list(self.futures.values()):        # the worker exited
            if not fut.done():
                fut.set_exception(RuntimeError("the compile process exited"))

    def detach(self):
        """The VM is done: the worker finishes what it was given (see the module docstring)."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass


def main():
    from jitvm import blocks
    parent = os.getppid()
    orphaned_at = None
    for line in sys.stdin:
        if orphaned_at is None and os.getppid() != parent:
            orphaned_at = time.monotonic()
            os.nice(10)
        if orphaned_at is not None and time.monotonic() - orphaned_at > AFTERLIFE:
            break
        job = json.loads(line)
        try:
            reply = {"id": job["id"], "seconds": blocks.build_region(
                job["isa"], job["path"], job["batch"], job["keys"])}
        except Exception as e:          # reported to the VM, whose blocks stay interpreted
            reply = {"id": job["id"], "error": (str(e).splitlines() or [repr(e)])[0][:300]}
        try:
            print(json.dumps(reply), flush=True)
        except (BrokenPipeError, OSError):
            pass                        # the VM has exited; the cache has the region anyway


if __name__ == "__main__":
    main()
