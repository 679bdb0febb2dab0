"""The warmed worker: import the heavy libraries once, then fork one fresh child per notebook.

Run as ``python -m icp_helpers.grading.worker MODULE ...``. It imports the named modules
(pandas, matplotlib, the course helpers...), warms their caches, creates an unused IPython
shell, prints ``ready`` and then reads jobs, one JSON object per line, on standard input.
For each job it forks a child that runs the notebook (see
:func:`icp_helpers.grading.execute.child_main`); children never share anything with each
other, only the untouched state of this parent. It kills a child (and anything the child
started) that outlives its wall-clock limit, and reports every ending on standard output::

    {"id": "ana", "status": "exited", "code": 0}
    {"id": "bo", "status": "killed", "signal": "SIGKILL", "timed_out": true}

The parent never runs learner code. When standard input closes it kills any remaining
children and exits.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import sys
import time
from typing import Any

DEFAULT_PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "icp_helpers",
    "icp_helpers.check",
)


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


def _ending(job_id: str, status: int, timed_out: bool) -> dict[str, Any]:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return {
            "id": job_id,
            "status": "killed",
            "signal": signal.Signals(number).name,
            "timed_out": timed_out,
        }
    return {
        "id": job_id,
        "status": "exited",
        "code": os.WEXITSTATUS(status),
        "timed_out": timed_out,
    }


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            continue


def serve(shell: Any) -> None:
    """Read jobs, fork children, enforce wall-clock limits and report endings, until EOF."""
    from icp_helpers.grading.execute import child_main

    running: dict[int, tuple[str, float]] = {}
    overdue: set[int] = set()
    stdin = sys.stdin.buffer
    buffer = b""
    open_input = True
    while open_input or running:
        wait = 0.01 if running else None
        readable, _, _ = select.select([stdin] if open_input else [], [], [], wait)
        if readable:
            chunk = os.read(stdin.fileno(), 65536)
            if not chunk:
                open_input = False
                for pid in running:
                    _kill_group(pid)
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if not line.strip():
                    continue
                job = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    child_main(shell, job)
                running[pid] = (job["id"], time.monotonic() + float(job["timeout"]))
        now = time.monotonic()
        for pid, (_, deadline) in running.items():
            if now > deadline and pid not in overdue:
                overdue.add(pid)
                _kill_group(pid)
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            if pid not in running:
                continue
            job_id, _ = running.pop(pid)
            _report(_ending(job_id, status, pid in overdue))
            _kill_group(pid)  # anything the child started in its process group
            overdue.discard(pid)


def main(argv: list[str]) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")  # one thread per child: the pool is the parallelism
    preload(list(argv) or list(DEFAULT_PRELOAD))
    from icp_helpers.grading.shell import make_shell

    shell = make_shell()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller decides when the worker stops
    _report({"ready": True, "pid": os.getpid()})
    serve(shell)


if __name__ == "__main__":
    main(sys.argv[1:])
