"""A grading slot's warmed worker: import the heavy libraries once, then run notebooks one by one.

Run as ``python -m icp_helpers.grading.worker [--sandboxed] MODULE ...``, normally inside
the slot's sandbox (:mod:`icp_helpers.grading.sandbox`). It imports the named modules
(pandas, matplotlib, the course helpers...), warms their caches, creates an unused IPython
shell, says ``ready`` and then reads jobs, one JSON object per line, on standard input.

For each job it forks a fresh child (which starts from this untouched state) and drives
it cell by cell (see :mod:`icp_helpers.grading.execute`): it sends one cell, waits for
that cell's one reply, passes it on, and only then sends the next. It enforces the
notebook's wall-clock limit, kills a child whose replies are out of sequence (forged),
and reports on standard output::

    {"id": "ana/nb", "started": 3}
    {"id": "ana/nb", "cell": 3, "outputs": [...], "execution_count": 2, ...}
    {"id": "ana/nb", "ending": {"status": "exited", "code": 0, "finished": true, ...}}

Before it reports a job's ending it cleans the slot for the next notebook: in the
sandbox it kills every other process in its process namespace and empties ``/tmp``;
outside one it kills the child's process group. Children cannot read this process's
memory or file descriptors (it is not dumpable). The worker never runs learner code.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "icp_helpers",
    "icp_helpers.check",
)
REPLY_LIMIT = 32 * 1024 * 1024  # bytes one cell's reply may take (outputs are capped before)
SCRATCH = Path("/tmp")


def preload(modules: list[str]) -> list[str]:
    """Import ``modules`` (skipping any that fail) and warm pandas and matplotlib caches."""
    loaded = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module the notebook will import itself, or fail on
            continue
        loaded.append(name)
    if "pandas" in sys.modules:
        import io

        import pandas as pd

        frame = pd.read_csv(io.StringIO("month,incidents\n2024-01-01,3\n"), parse_dates=["month"])
        frame._repr_html_()
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        ax.set_title("warm-up")
        fig.canvas.draw()
        plt.close(fig)
    return loaded


def _report(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _not_dumpable() -> None:
    """Stop processes of the same user (the children) from tracing this one or reading its
    memory and file descriptors through ``/proc``."""
    import ctypes

    pr_set_dumpable = 4
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)


class _Replies:
    """The child's reply pipe, read one line at a time, never more than ``REPLY_LIMIT``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.closed = False

    def next(self, deadline: float) -> tuple[str, Any]:
        """("reply", record), ("eof", None), ("timeout", None), ("stopped", None) or
        ("forged", reason)."""
        while b"\n" not in self.buffer:
            if self.closed and self.buffer.strip():
                return "forged", "it wrote a reply that was cut off"
            if self.closed:
                return "eof", None
            if len(self.buffer) > REPLY_LIMIT:
                return "forged", f"one cell's output passed {REPLY_LIMIT // 2**20} MB"
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout", None
            readable, _, _ = select.select([self.fd, 0], [], [], min(left, 1.0))
            if 0 in readable:  # the grader closed our input mid-notebook: it is stopping
                return "stopped", None
            if readable:
                chunk = os.read(self.fd, 1 << 20)
                self.buffer += chunk
                self.closed = not chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            record = json.loads(line)
        except ValueError:
            return "forged", "it wrote text of its own on the grader's channel"
        if not isinstance(record, dict):
            return "forged", "it wrote text of its own on the grader's channel"
        return "reply", record

    def trailing(self) -> str:
        """What the child left on the channel after its last reply (read once it has ended;
        a process it left behind may still be writing, so reading stops at the first text)."""
        while (
            not self.closed
            and not self.buffer.strip()
            and len(self.buffer) < REPLY_LIMIT
            and select.select([self.fd], [], [], 0)[0]
        ):
            chunk = os.read(self.fd, 1 << 20)
            self.buffer += chunk
            self.closed = not chunk
        if self.buffer.strip():
            return (
                "the notebook tampered with the grading: it wrote replies for cells the "
                "grader never asked it to run"
            )
        return ""


def _kill(pid: int, sandboxed: bool) -> None:
    """Kill the child (outside the sandbox: its whole session, which it leads)."""
    targets = [lambda: os.kill(pid, signal.SIGKILL)]
    if not sandboxed:
        targets.insert(0, lambda: os.killpg(pid, signal.SIGKILL))
    for target in targets:
        try:
            target()
        except (ProcessLookupError, PermissionError):
            continue


def _wait(pid: int, deadline: float, sandboxed: bool) -> tuple[int, bool]:
    """Wait for the child to end, killing it at the deadline; return (status, killed late)."""
    killed = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status, killed
        if time.monotonic() > deadline and not killed:
            _kill(pid, sandboxed)
            killed = True
        time.sleep(0.005)


def run_job(shell: Any, job: dict[str, Any], sandboxed: bool) -> dict[str, Any]:
    """Run one notebook in a forked child, cell by cell; report cells; return how it ended."""
    from icp_helpers.grading.execute import child_main

    commands_read, commands_write = os.pipe()
    replies_read, replies_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(commands_write)
        os.close(replies_read)
        child_main(shell, {**job, "sandboxed": sandboxed}, commands_read, replies_write)
    os.close(commands_read)
    os.close(replies_write)
    deadline = time.monotonic() + float(job["timeout"])
    replies = _Replies(replies_read)
    ending: dict[str, Any] = {"finished": False, "timed_out": False, "forged": ""}
    with os.fdopen(commands_write, "wb") as commands:
        for cell in job["cells"]:
            index = int(cell["index"])
            _report({"id": job["id"], "started": index})
            try:
                commands.write(json.dumps({"run": index, "source": cell["source"]}).encode())
                commands.write(b"\n")
                commands.flush()
            except (BrokenPipeError, OSError):
                break  # the child is gone; its ending says how
            kind, record = replies.next(deadline)
            if kind == "reply" and record.get("done") != index:
                kind, record = "forged", f"a reply claimed cell {record.get('done')!r}"
            if kind == "timeout":
                ending["timed_out"] = True
                _kill(pid, sandboxed)
                break
            if kind == "forged":
                ending["forged"] = f"the notebook tampered with the grading: {record}"
                _kill(pid, sandboxed)
                break
            if kind in ("eof", "stopped"):
                if kind == "stopped":
                    _kill(pid, sandboxed)
                break
            record.pop("done")
            _report({"id": job["id"], "cell": index, **record})
            if record.get("exit_requested"):
                break
        else:
            ending["finished"] = True
    status, killed_late = _wait(pid, deadline + 1, sandboxed)
    if not sandboxed:
        _kill(pid, sandboxed=False)  # anything it started in its own session
    if ending["finished"]:
        ending["forged"] = replies.trailing()
        ending["finished"] = not ending["forged"]
    os.close(replies_read)
    ending["timed_out"] = ending["timed_out"] or (killed_late and not ending["finished"])
    if os.WIFSIGNALED(status):
        ending.update(status="killed", signal=signal.Signals(os.WTERMSIG(status)).name)
    else:
        ending.update(status="exited", code=os.WEXITSTATUS(status))
    return ending


def clean_slot() -> None:
    """In the sandbox, leave nothing of the last notebook: no process, nothing in /tmp."""
    for _ in range(100):  # everything else in this process namespace (bubblewrap's init excepted)
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            break
        time.sleep(0.01)
    for entry in SCRATCH.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def serve(shell: Any, sandboxed: bool) -> None:
    """Read jobs and run them one at a time, until standard input closes."""
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        job = json.loads(line)
        ending = run_job(shell, job, sandboxed)
        if sandboxed:
            clean_slot()
        _report({"id": job["id"], "ending": ending})


def main(argv: list[str]) -> None:
    sandboxed = "--sandboxed" in argv
    modules = [name for name in argv if not name.startswith("--")]
    os.environ.setdefault("MPLBACKEND", "Agg")
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")  # one thread per child: the slots are the parallelism
    preload(modules or list(DEFAULT_PRELOAD))
    from icp_helpers.grading.shell import make_shell, warm_tracebacks

    shell = make_shell()
    warm_tracebacks(shell)
    # Everything imported so far is frozen out of the garbage collector's reach: a child's
    # collections then never touch (and so copy) the pages it shares with this process,
    # which costs most in the sandbox (measured: a chart's first drawing 0.30 s -> 0.12 s).
    gc.collect()
    gc.freeze()
    _not_dumpable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when the worker stops
    _report({"ready": True, "pid": os.getpid()})
    serve(shell, sandboxed)


if __name__ == "__main__":
    main(sys.argv[1:])
