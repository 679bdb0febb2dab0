"""An IPython shell that records each cell's outputs as notebook outputs, without a kernel.

It runs cells exactly as an IPython kernel would (same ``run_cell``, same display
formatting, same tracebacks), but instead of sending messages over ZeroMQ it appends
nbformat outputs (``stream``, ``execute_result``, ``display_data``, ``error``) to the
current cell's list. The warmed worker creates one before forking, so each forked child
starts with a fresh, never-used shell.

>>> shell = make_shell()
>>> outputs = run_source(shell, "print('hi')\\n6 * 7")
>>> [o["output_type"] for o in outputs]
['stream', 'execute_result']
>>> outputs[1]["data"]["text/plain"]
'42'
>>> run_source(shell, "1 / 0")[0]["ename"]
'ZeroDivisionError'
"""

from __future__ import annotations

import io
import sys
import warnings
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config


class OutputSink:
    """The outputs of the cell being run, merged as Jupyter merges consecutive stream text."""

    def __init__(self) -> None:
        self.outputs: list[dict[str, Any]] = []

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def add(self, output: dict[str, Any]) -> None:
        self.outputs.append(output)

    def take(self) -> list[dict[str, Any]]:
        outputs, self.outputs = self.outputs, []
        return outputs


class _SinkStream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` stand-in that writes into the sink."""

    def __init__(self, sink: OutputSink, name: str) -> None:
        self._sink = sink
        self.name = name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        self._sink.stream(self.name, str(text))
        return len(text)


class _SinkDisplayHook(DisplayHook):
    """Turns a cell's last expression into an ``execute_result`` output."""

    def write_output_prompt(self) -> None:
        return None

    def write_format_data(self, format_dict: dict, md_dict: dict | None = None) -> None:
        assert isinstance(self.shell, GradingShell)
        self.shell.sink.add(
            {
                "output_type": "execute_result",
                "data": format_dict,
                "metadata": md_dict or {},
                "execution_count": self.shell.execution_count,
            }
        )

    def finish_displayhook(self) -> None:
        self._is_active = False


class _SinkDisplayPublisher(DisplayPublisher):
    """Turns ``display(...)`` (and inline figures) into ``display_data`` outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        self.shell.sink.add(
            {"output_type": "display_data", "data": data, "metadata": metadata or {}}
        )

    def clear_output(self, wait: bool = False) -> None:
        self.shell.sink.outputs.clear()


class GradingShell(InteractiveShell):
    """InteractiveShell whose displays and tracebacks become notebook outputs."""

    displayhook_class = _SinkDisplayHook
    display_pub_class = _SinkDisplayPublisher

    def __init__(self, **kwargs: Any) -> None:
        self.sink = OutputSink()
        self.warning_texts: list[str] = []
        super().__init__(**kwargs)

    def show_warning(self, message, category, filename, lineno, file=None, line=None) -> None:
        """``warnings.showwarning``: to stderr as usual, and remembered as a warning."""
        text = warnings.formatwarning(message, category, filename, lineno, line)
        self.warning_texts.append(text)
        self.sink.stream("stderr", text)

    def _showtraceback(self, etype, evalue, stb):  # noqa: D401 - IPython's hook
        self.sink.add(
            {
                "output_type": "error",
                "ename": str(etype.__name__),
                "evalue": str(evalue),
                "traceback": list(stb),
            }
        )

    def enable_gui(self, gui=None):  # a grading process has no GUI event loop
        return None

    def ask_exit(self) -> None:
        """``exit()`` in a cell: stop the run after this cell, as a kernel would shut down."""
        self.exit_now = True


def make_shell() -> GradingShell:
    """A shell configured as nbgrader configures its kernels (history kept in memory only)."""
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.autocall = 0
    if InteractiveShell.initialized():
        InteractiveShell.clear_instance()
    return GradingShell.instance(config=config)


def warm_tracebacks(shell: GradingShell) -> None:
    """Format one traceback in ``shell`` without running a cell (its history and execution
    count are untouched), so that the children forked from a warmed worker inherit what the
    first traceback costs: ``inspect.getmodule``'s map of every loaded module's file, which
    it builds the first time it meets a file of no module, such as a cell's (measured: a
    failing check's traceback 0.33 s -> 0.12 s in a child)."""
    try:
        exec(compile("1 / 0", "<warm-up>", "exec"), {})  # noqa: S102 - a fixed warm-up line
    except ZeroDivisionError:
        shell.InteractiveTB.structured_traceback(*sys.exc_info())


def run_source(shell: GradingShell, source: str) -> list[dict[str, Any]]:
    """Run one cell's source in ``shell`` and return its outputs (stdout and stderr captured)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = _SinkStream(shell.sink, "stdout")
    sys.stderr = _SinkStream(shell.sink, "stderr")
    try:
        shell.run_cell(source, store_history=True)
    finally:
        sys.stdout, sys.stderr = saved
    return shell.sink.take()


def capture_streams(shell: GradingShell) -> None:
    """Point ``sys.stdout``, ``sys.stderr`` and warnings at the shell's sink."""
    sys.stdout = _SinkStream(shell.sink, "stdout")
    sys.stderr = _SinkStream(shell.sink, "stderr")
    warnings.showwarning = shell.show_warning
