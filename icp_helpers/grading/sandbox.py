"""The operating-system sandbox each grading slot runs in: bubblewrap, as Flatpak uses it.

A slot's warmed worker (see :mod:`icp_helpers.grading.worker`) starts inside
``bwrap`` (Debian package ``bubblewrap``) and every notebook it forks stays inside:

* its own user namespace, as the unprivileged user ``nobody`` (uid 65534) with no
  capabilities; its own process, network (none: loopback only), IPC and host-name
  namespaces; a new terminal session; it dies with the grader;
* a file system of read-only binds only: the system (``/usr``, ``/etc``...), the Python
  interpreter and its packages, and the ``icp_helpers`` package; the course, the cohort
  folder, the gradebook, the roster, the ledger, other submissions and every home folder
  do not exist in it;
* ``/submission``, the notebook's folder: read-only, refilled by the grader before each notebook
  with that submission's own files and pristine copies of the assignment's data files
  (so a hidden test always reads the course's data);
* ``/tmp``, a small private scratch (a size-capped tmpfs) that the worker empties, and
  every leftover process it kills, before the next notebook.

:func:`sandbox_problem` says why a sandbox cannot be had here (``None`` when it can), and
:func:`sandbox_command` builds the command line for one slot.

>>> command = sandbox_command(Path("/srv/slot-1/work"), ["python3", "-c", "pass"])
>>> command[0].endswith("bwrap"), "--unshare-all" in command, command[-3:]
(True, True, ['python3', '-c', 'pass'])
>>> command[command.index("/submission") - 2 : command.index("/submission") + 1]
['--ro-bind', '/srv/slot-1/work', '/submission']
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import icp_helpers
from icp_helpers.errors import IcpError

WITHOUT_SANDBOX_VARIABLE = "ICP_GRADE_WITHOUT_SANDBOX"
SANDBOX_UID = 65534  # "nobody" inside the sandbox's own user namespace
WORKDIR = "/submission"
SCRATCH_MB = 256
_SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/opt")
_ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONNOUSERSITE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NBGRADER_EXECUTION": "autograde",
}


class SandboxUnavailable(IcpError, ValueError):
    """Grading was asked to run in the sandbox and this machine cannot provide one."""


def use_sandbox(requested: bool | None = None) -> bool:
    """Whether to grade in the sandbox: as ``requested``, else unless the environment variable
    ``ICP_GRADE_WITHOUT_SANDBOX`` is ``1``. Raises :class:`SandboxUnavailable` (saying why
    and what to do) when the sandbox is wanted and this machine cannot provide it.

    >>> use_sandbox(False)
    False
    """
    wanted = requested if requested is not None else os.environ.get(WITHOUT_SANDBOX_VARIABLE) != "1"
    if wanted and (problem := sandbox_problem()) is not None:
        raise SandboxUnavailable(
            f"cannot grade safely here: {problem}. Learner code would run with your own "
            "access to the course, the roster and the gradebook. Grade on a Linux machine "
            "with bubblewrap, or pass --no-sandbox only for work you trust (see the "
            "facilitator guide, 'What the grader guarantees')."
        )
    return wanted


def bwrap_program() -> str | None:
    """The path of ``bwrap``, or None when bubblewrap is not installed."""
    return shutil.which("bwrap")


@functools.cache
def sandbox_problem() -> str | None:
    """Why notebooks cannot be graded in a sandbox on this machine, or None when they can."""
    if not sys.platform.startswith("linux"):
        return (
            f"this is {sys.platform}, and the grading sandbox needs Linux (bubblewrap); "
            "grade on a Linux server or a Linux virtual machine"
        )
    program = bwrap_program()
    if program is None:
        return (
            "bubblewrap (bwrap) is not installed; install it with "
            "`sudo apt-get install bubblewrap` (Debian/Ubuntu) or `sudo dnf install bubblewrap`"
        )
    try:
        trial = subprocess.run(
            sandbox_command(Path("/"), ["true"], bind_work=False),
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start a sandbox ({error})"
    if trial.returncode != 0:
        said = (trial.stderr.strip().splitlines() or ["no message"])[-1]
        return (
            f"bubblewrap could not start a sandbox ({said}); unprivileged user namespaces "
            "may be switched off (sysctl kernel.unprivileged_userns_clone=1, or "
            "user.max_user_namespaces above 0)"
        )
    python = subprocess.run(
        sandbox_command(Path("/"), [sys.executable, "-c", "import icp_helpers"], bind_work=False),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if python.returncode != 0:
        said = (python.stderr.strip().splitlines() or ["no message"])[-1]
        return (
            f"Python cannot run inside the sandbox ({said}); the sandbox gives notebooks an "
            "empty /tmp, so keep the course's Python environment outside /tmp"
        )
    return None


def _python_folders() -> list[str]:
    """Folders the interpreter and its packages live in (read-only in the sandbox)."""
    folders = {sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix}
    folders.update(site.getsitepackages())
    folders.add(os.path.dirname(os.path.realpath(sys.executable)))
    folders.add(str(Path(icp_helpers.__file__).resolve().parent))
    kept = sorted(folder for folder in folders if os.path.isdir(folder))
    # a folder inside another already bound needs no bind of its own
    return [f for f in kept if not any(f != o and f.startswith(o + os.sep) for o in kept)]


def _system_binds() -> list[str]:
    arguments: list[str] = []
    for path in _SYSTEM:
        if os.path.islink(path):
            arguments += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            arguments += ["--ro-bind", path, path]
    return arguments


def sandbox_command(work: Path, command: list[str], *, bind_work: bool = True) -> list[str]:
    """The ``bwrap`` command line that runs ``command`` in a slot whose folder is ``work``."""
    arguments = [bwrap_program() or "bwrap", "--unshare-all", "--die-with-parent"]
    arguments += ["--new-session", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
    arguments += ["--clearenv"]
    for name, value in _ENVIRONMENT.items():
        arguments += ["--setenv", name, value]
    arguments += _system_binds()
    for folder in _python_folders():
        arguments += ["--ro-bind", folder, folder]
    arguments += ["--proc", "/proc", "--dev", "/dev"]
    arguments += ["--size", str(SCRATCH_MB * 1024 * 1024), "--tmpfs", "/tmp"]
    if bind_work:
        arguments += ["--ro-bind", str(work), WORKDIR]
    arguments += ["--remount-ro", "/", "--chdir", WORKDIR if bind_work else "/"]
    return [*arguments, *command]
