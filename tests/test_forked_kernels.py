"""The forked kernels the trials' stock gradings run in (tests/forked_kernels.py) behave as
new ones: a notebook prints the same in both, and a forked kernel can be interrupted and
goes when its launcher is killed."""

from __future__ import annotations

import os
import shutil
import time

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from .conftest import ROOT, comparable

pytestmark = pytest.mark.slow

NOTEBOOK = ROOT / "source" / "02-measurement" / "measurement.ipynb"


@pytest.fixture
def forked(stock_kernels, monkeypatch):
    """Kernels named ``python3`` are forked ones while the test runs."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for name, value in stock_kernels().env().items():
        monkeypatch.setenv(name, value)


def _outputs(folder) -> list:
    """Run the notebook in ``folder`` in a ``python3`` kernel; every code cell's outputs."""
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": folder}}
    ).execute()
    return [_joined_streams(cell.outputs) for cell in notebook.cells if cell.cell_type == "code"]


def _joined_streams(outputs: list) -> list:
    """``outputs`` with each run of printed text in one piece: how a kernel's prints are cut
    into messages depends on when it flushes, in a new kernel as in a forked one."""
    joined: list = []
    for output in outputs:
        if output.output_type == "stream" and joined and joined[-1].get("name") == output.name:
            joined[-1] = {**joined[-1], "text": joined[-1]["text"] + output.text}
        else:
            joined.append(dict(output))
    return joined


def _printed(manager: KernelManager, code: str) -> str:
    """What ``code`` prints, run in the kernel of ``manager``."""
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    said: list = []
    client.execute_interactive(code, output_hook=said.append, timeout=60)
    client.stop_channels()
    return "".join(m["content"]["text"] for m in said if m["msg_type"] == "stream")


def _next_reply_to(request: str, get_msg, kind: str | None = None) -> dict:
    """The next message from ``get_msg`` answering ``request``, passing over earlier
    requests' replies (``wait_for_ready`` may have asked for kernel info more than once)."""
    deadline = time.monotonic() + 30
    while True:
        message = get_msg(timeout=max(deadline - time.monotonic(), 0.1))
        if message["parent_header"].get("msg_id") == request and (
            kind is None or message["msg_type"] == kind
        ):
            return message


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_notebook_prints_the_same_in_a_forked_kernel_as_in_a_new_one(
    tmp_path, stock_kernels, monkeypatch
):
    new, fork = (shutil.copytree(NOTEBOOK.parent, tmp_path / name) for name in ("new", "fork"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    printed_new = _outputs(new)
    for name, value in stock_kernels().env().items():
        monkeypatch.setenv(name, value)
    printed_forked = _outputs(fork)
    kinds = {output["output_type"] for outputs in printed_new for output in outputs}
    assert kinds == {"stream", "execute_result"}  # it printed, and showed tables and widgets
    assert comparable(printed_forked) == comparable(printed_new)


def test_a_forked_kernel_works_in_its_notebooks_folder_and_environment(
    tmp_path, forked, monkeypatch
):
    monkeypatch.setenv("ICP_LAUNCHER_ONLY", "yes")  # set after the server started
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path))
    try:
        code = "import os, sys; print(os.getcwd(), sys.path[0], os.environ['ICP_LAUNCHER_ONLY'])"
        text = _printed(manager, code)
        assert manager.kernel_spec.argv[1].endswith("forked_kernels.py")
        assert text.split() == [str(tmp_path), str(tmp_path), "yes"]
    finally:
        manager.shutdown_kernel(now=True)


def test_a_forked_kernel_can_be_interrupted(forked):
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        started = time.monotonic()
        request = client.execute("import time; time.sleep(60)")
        _next_reply_to(request, client.get_iopub_msg, "execute_input")  # the sleep has begun
        manager.interrupt_kernel()
        reply = _next_reply_to(request, client.get_shell_msg)
        client.stop_channels()
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - started < 30
    finally:
        manager.shutdown_kernel(now=True)


def test_a_forked_kernel_goes_when_its_launcher_is_killed(forked):
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    kernel = int(_printed(manager, "import os; print(os.getpid())"))
    assert kernel != manager.provisioner.process.pid  # the launcher is not the kernel
    manager.shutdown_kernel(now=True)  # kills the launcher
    deadline = time.monotonic() + 10
    while _running(kernel) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(kernel)
