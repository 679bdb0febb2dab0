"""Run a notebook's code cells one at a time, as the grader asks, and what the grader learns.

The notebook runs in a forked child (see :mod:`icp_helpers.grading.worker`). The child
never decides what runs: it reads one request at a time from its command pipe, runs that
one cell and writes one reply on its reply pipe::

    worker -> child   {"run": 3, "source": "check_number(total, ...)"}
    child -> worker   {"done": 3, "outputs": [...], "execution_count": 2, ...}

There is no record file a notebook could append to. The worker accepts exactly one reply
per request, for the cell it asked for, and treats anything else (a reply for another cell,
a second reply, text that is not a reply) as forged: the child is killed and the notebook
is flagged. :class:`RunLog` is what the grader builds from the replies the worker passed on.

>>> from icp_helpers.grading.shell import make_shell
>>> reply = run_request(make_shell(), {"run": 0, "source": "x = 6 * 7\\nx"}, 5)
>>> reply["done"], reply["outputs"][0]["data"]["text/plain"]
(0, '42')
>>> run = RunLog()
>>> run.add({"cell": 0, **reply})
>>> run.outputs[0][0]["data"]["text/plain"], run.running
('42', None)
"""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from icp_helpers.grading.limits import CellTimeoutError, Limits, cell_alarm
from icp_helpers.grading.shell import GradingShell, capture_streams

_TIMEOUT_OUTPUT = {
    "output_type": "error",
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["CellTimeoutError: the cell ran past its time limit and was stopped"],
}


@dataclass
class RunLog:
    """What the grader knows of one run: outputs per finished cell, the cell running at the end.

    Built from the worker's reports (:meth:`add`), never from anything the notebook wrote.
    """

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    execution_counts: dict[int, int] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    timed_out_cells: list[int] = field(default_factory=list)
    memory_error_cells: list[int] = field(default_factory=list)
    running: int | None = None
    finished: bool = False
    exited: bool = False
    forged: str = ""

    def add(self, report: dict[str, Any]) -> None:
        """Take one report from the worker: a cell started, a cell finished, or the end."""
        if "started" in report:
            self.running = int(report["started"])
            return
        if "cell" in report:
            index = int(report["cell"])
            self.outputs[index] = list(report.get("outputs", []))
            self.execution_counts[index] = int(report.get("execution_count") or 0)
            self.warnings[index] = [str(text) for text in report.get("warnings", [])]
            if report.get("timed_out"):
                self.timed_out_cells.append(index)
            if report.get("memory_error"):
                self.memory_error_cells.append(index)
            self.running = None
            self.exited = self.exited or bool(report.get("exit_requested"))
            return
        if report.get("finished"):
            self.finished = True
        if report.get("forged"):
            self.forged = str(report["forged"])


def _take(items: list[str]) -> list[str]:
    taken = list(items)
    items.clear()
    return taken


def _run_one(shell: GradingShell, source: str, seconds: float) -> tuple[bool, bool]:
    """Run one cell; return (timed out, raised MemoryError)."""
    try:
        with cell_alarm(seconds):
            result = shell.run_cell(source, store_history=True)
    except CellTimeoutError:
        shell.sink.add(dict(_TIMEOUT_OUTPUT))
        return True, False
    error = result.error_in_exec
    timed_out = isinstance(error, CellTimeoutError)
    if timed_out:  # IPython showed the traceback already; give it the kernel's name too
        shell.sink.outputs[-1:] = [dict(_TIMEOUT_OUTPUT)]
    return timed_out, isinstance(error, MemoryError)


def run_request(shell: GradingShell, request: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Run the one cell a request names and return the reply for it."""
    saved = sys.stdout, sys.stderr
    capture_streams(shell)
    try:
        timed_out, memory_error = _run_one(shell, str(request["source"]), seconds)
    finally:
        sys.stdout, sys.stderr = saved
    return {
        "done": int(request["run"]),
        "outputs": shell.sink.take(),
        "warnings": _take(shell.warning_texts),
        "execution_count": shell.execution_count - 1,
        "timed_out": timed_out,
        "memory_error": memory_error,
        "exit_requested": bool(shell.exit_now),
    }


def _read_line(stream: BinaryIO) -> dict[str, Any] | None:
    line = stream.readline()
    return json.loads(line) if line.strip() else None


def child_main(shell: GradingShell, job: dict[str, Any], commands: int, replies: int) -> None:
    """Everything a forked child does: limits, folder, then the cells it is asked to run.

    Never returns: the process ends with ``os._exit`` so no inherited clean-up runs.
    """
    from icp_helpers.grading.limits import apply_child_limits

    code = 0
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        limits = Limits(job["timeout"], job["cell_timeout"], job["memory_mb"])
        os.chdir(job["workdir"])
        os.environ.update(job.get("env", {}))
        sys.path.insert(0, "")
        apply_child_limits(limits.memory_mb, sandboxed=bool(job.get("sandboxed")))
        seconds = limits.cell_alarm_seconds()
        with os.fdopen(commands, "rb") as requests, os.fdopen(replies, "wb") as answers:
            while (request := _read_line(requests)) is not None:
                reply = run_request(shell, request, seconds)
                answers.write(json.dumps(reply, default=str).encode("utf-8") + b"\n")
                answers.flush()
    except BaseException:  # noqa: BLE001 - the child must always end through os._exit
        code = 70
    finally:
        os._exit(code)
