"""Wall-clock and memory limits for one notebook run.

A notebook gets a wall-clock limit for the whole run (enforced from outside, by the
worker that forked it), a per-cell limit (the course's ``ExecutePreprocessor.timeout``,
enforced inside with an alarm), a memory limit on top of what the warmed process
already uses (``RLIMIT_AS``, so an allocation past it raises ``MemoryError`` instead of
taking the machine down), and caps on file size, processes and open files.

>>> limits = Limits(timeout=120, cell_timeout=60, memory_mb=1024)
>>> limits.cell_alarm_seconds()
60.0
>>> Limits(timeout=5, cell_timeout=60, memory_mb=1024).cell_alarm_seconds()
5.0
>>> Limits(timeout=0, cell_timeout=60, memory_mb=1024)
Traceback (most recent call last):
...
ValueError: timeout must be a positive number of seconds, not 0; pass for example timeout=120.
"""

from __future__ import annotations

import contextlib
import resource
import signal
from collections.abc import Iterator
from dataclasses import dataclass

_MEGABYTE = 1024 * 1024


class CellTimeoutError(BaseException):
    """A cell ran past its time limit (a BaseException, so ``except Exception`` cannot hide it)."""


@dataclass(frozen=True)
class Limits:
    """How long a notebook may run, how long one cell may run, and how much memory it may add."""

    timeout: float
    cell_timeout: float | None
    memory_mb: int

    def __post_init__(self) -> None:
        if not self.timeout or self.timeout <= 0:
            raise ValueError(
                f"timeout must be a positive number of seconds, not {self.timeout}; "
                "pass for example timeout=120."
            )
        if self.memory_mb <= 0:
            raise ValueError(
                f"memory_mb must be a positive number of megabytes, not {self.memory_mb}; "
                "pass for example memory_mb=1024."
            )

    def cell_alarm_seconds(self) -> float:
        """The per-cell alarm: the course's cell timeout, never longer than the whole run."""
        if self.cell_timeout is None or self.cell_timeout <= 0:
            return float(self.timeout)
        return float(min(self.cell_timeout, self.timeout))


def current_address_space() -> int:
    """Bytes of virtual memory this process has mapped now (Linux ``/proc``)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize()


FILE_SIZE_MB = 64  # the largest file a notebook may write
PROCESSES = 64  # processes and threads a notebook may have at once
OPEN_FILES = 256


def apply_child_limits(memory_mb: int, *, sandboxed: bool) -> int:
    """Cap this process before any learner code runs; return the address-space cap.

    Its address space is capped at what it uses now plus ``memory_mb``; files it writes at
    ``FILE_SIZE_MB``; open files at ``OPEN_FILES``; core dumps are switched off. In the
    sandbox (its own user namespace) its processes and threads are capped at
    ``PROCESSES``; outside it that count would include all of the grader's user's
    processes, so it is left alone. Limits pass on to anything it starts and cannot be
    raised again by it.
    """
    cap = current_address_space() + memory_mb * _MEGABYTE
    limits = [
        (resource.RLIMIT_AS, cap),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_FSIZE, FILE_SIZE_MB * _MEGABYTE),
        (resource.RLIMIT_NOFILE, OPEN_FILES),
    ]
    if sandboxed:
        limits.append((resource.RLIMIT_NPROC, PROCESSES))
    for limit, value in limits:
        resource.setrlimit(limit, (value, value))
    return cap


def _raise_timeout(signum: int, frame: object) -> None:
    raise CellTimeoutError("the cell ran past its time limit")


@contextlib.contextmanager
def cell_alarm(seconds: float) -> Iterator[None]:
    """Raise :class:`CellTimeoutError` in the running code if the block outlasts ``seconds``.

    >>> with cell_alarm(5):
    ...     total = sum(range(10))
    >>> total
    45
    """
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
