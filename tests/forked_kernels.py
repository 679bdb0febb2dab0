"""IPython kernels forked from one warm process, for the stock nbgrader gradings of the trials.

Stock ``nbgrader autograde`` starts a new kernel for every notebook it grades: a new Python
that imports ipykernel, IPython, pandas and matplotlib before it runs a cell. In the trials
(tests/conftest.py, ``trial_grading``) that start-up was over a third of the CPU stock
nbgrader used (``benchmarks/bench_trial.py``: 02's stock grading 40.7 CPU-seconds with new
kernels, 25.7 with forked ones). Here one server process imports all of that once; each
kernel is a fork of it.

Nothing of nbgrader or of the kernel is replaced. nbgrader finds a kernel spec named
``python3`` (the folder :func:`write_kernel_spec` writes, put first on ``JUPYTER_PATH``)
whose command is this file's ``launch``: a small process that asks the server for a kernel
and stands for it towards jupyter_client. The server forks; the child takes the launcher's
standard streams, working folder and environment, and starts ipykernel's own
``IPKernelApp`` with the connection file jupyter_client wrote, as
``python -m ipykernel_launcher -f …`` would. The launcher passes on interrupts and
terminations and exits with the kernel's exit code; if the launcher is killed, the kernel is
killed too. ``tests/test_forked_kernels.py`` runs a notebook in a forked kernel and in a new
one and compares every output.

Usage: ``python tests/forked_kernels.py serve SOCKET MODULE...`` (the server; it prints
``ready`` once it listens) and ``python tests/forked_kernels.py launch SOCKET -f FILE`` (the
kernel spec's command). :class:`KernelServer` starts and stops a server;
``KernelServer.env()`` is what to add to nbgrader's environment.
"""

from __future__ import annotations

import gc
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: What a kernel imports as it starts (its debugger, completer, inline figures, history), found
#: by comparing ``sys.modules`` before and after a forked kernel ran 02's notebook: imported in
#: the server, once, rather than in every kernel (about 150 modules).
KERNEL_START_MODULES = [
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "matplotlib_inline.backend_inline",
    "psutil",
    "sqlite3",
    "tornado.platform.asyncio",
]


def write_kernel_spec(folder: Path, socket_path: str) -> Path:
    """Write a ``python3`` kernel spec whose kernels the server at ``socket_path`` forks
    under ``folder/kernels/python3``, and return ``folder`` (a ``JUPYTER_PATH`` entry)."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "launch", socket_path]
    kernel = {
        "argv": [*command, "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1), encoding="utf-8")
    return folder


class KernelServer:
    """A running server (``serve``) with ``modules`` imported; :meth:`close` stops it.

    It runs in this process's environment with ``MPLBACKEND`` defaulting to ``Agg``, the
    environment ``nbgrader_command_line`` gives nbgrader and so its kernels.
    """

    def __init__(self, modules: list[str]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="icp-kernels-"))  # short: a socket's path
        self.socket_path = str(self.folder / "server.sock")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve", self.socket_path, *modules],
            # debugpy, imported by the server, would warn it about Python's frozen modules
            env={"MPLBACKEND": "Agg", **os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self.process.stdout.readline() if self.process.stdout else ""
        if ready.strip() != "ready":
            self.close()
            raise RuntimeError(f"the kernel server did not start (it said {ready!r})")
        self.jupyter_path = write_kernel_spec(self.folder / "jupyter", self.socket_path)

    def env(self) -> dict[str, str]:
        """The environment variables that make a ``python3`` kernel a forked one: this
        server's kernel spec first on ``JUPYTER_PATH``."""
        path = [str(self.jupyter_path), os.environ.get("JUPYTER_PATH", "")]
        return {"JUPYTER_PATH": os.pathsep.join(filter(None, path))}

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.folder)


def serve(socket_path: str, modules: list[str]) -> None:
    """Import ``modules``, then fork a kernel for each launcher that connects."""
    from icp_helpers.grading.worker import preload

    preload([*modules, "ipykernel.kernelapp", *KERNEL_START_MODULES])
    # Frozen out of the garbage collector's reach, what the server imported is not copied into
    # each kernel by the kernel's collections.
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # each launcher's session reaps its kernel
    print("ready", flush=True)
    while True:
        connection, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _session(connection)
        connection.close()


def _session(connection: socket.socket) -> None:
    """Serve one launcher: fork its kernel, tell it the kernel's id and, later, its exit code.
    If the launcher goes away first, kill the kernel."""
    _, streams, _, _ = socket.recv_fds(connection, 1, 3)
    request = json.loads(connection.makefile("rb").readline())
    kernel = os.fork()
    if kernel == 0:
        connection.close()
        _become_kernel(streams, request)
    for stream in streams:
        os.close(stream)
    connection.sendall(f"pid {kernel}\n".encode())
    while True:
        finished, status = os.waitpid(kernel, os.WNOHANG)
        if finished:
            connection.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            os._exit(0)
        readable, _, _ = select.select([connection], [], [], 0.1)
        if readable and not connection.recv(64):
            os.kill(kernel, signal.SIGKILL)
            os.waitpid(kernel, 0)
            os._exit(0)


def _become_kernel(streams: list[int], request: dict) -> None:
    """Take the launcher's streams, folder and environment, and run ipykernel's kernel."""
    from ipykernel.kernelapp import IPKernelApp

    for number, stream in enumerate(streams):
        os.dup2(stream, number)
        os.close(stream)
    if request["env"].get("MPLBACKEND") != os.environ.get("MPLBACKEND"):
        sys.stderr.write("The kernel server imported matplotlib with another MPLBACKEND.\n")
        os._exit(1)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = request["cwd"]  # as ``python -m ipykernel_launcher`` run in that folder
    # ipykernel stops when the process it is told is its parent (JPY_PARENT_PID) no longer
    # is; this kernel's parent is the session, which kills it if the launcher goes. 1 is
    # ipykernel's value for a parent not to watch.
    argv = [*request["argv"], "--IPKernelApp.parent_handle=1"]
    sys.argv = ["ipykernel_launcher", *argv]
    code = 0
    try:
        IPKernelApp.launch_instance(argv=argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def launch(socket_path: str, argv: list[str]) -> int:
    """Ask the server for a kernel started with ``argv``; stand for it until it exits."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(socket_path)
    socket.send_fds(connection, [b"k"], [0, 1, 2])
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    connection.sendall(json.dumps(request).encode() + b"\n")
    replies = connection.makefile("rb")
    kernel = int(replies.readline().split()[1])
    for number in FORWARDED_SIGNALS:
        signal.signal(number, lambda received, _frame: os.kill(kernel, received))
    while True:
        line = replies.readline()
        if not line:  # the session died: the kernel is gone with it
            return 1
        if line.startswith(b"exit "):
            code = int(line.split()[1])
            return code if code >= 0 else 128 - code


if __name__ == "__main__":
    command, server = sys.argv[1], sys.argv[2]
    if command == "serve":
        serve(server, sys.argv[3:])
    else:
        sys.exit(launch(server, sys.argv[3:]))
