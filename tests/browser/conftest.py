"""A real JupyterLab and a real browser (Debian's headless Chromium, driven by Playwright).

``jupyter_lab(folder)`` starts JupyterLab on ``folder`` with private settings (every cell
rendered, so the page holds every output) and gives its address and token; ``browser`` is
one headless Chromium per test module. Screenshots go to the test's folder, and also to
``$ICP_SCREENSHOTS`` when it is set, for a person to look at.

Where Chromium or Playwright is missing the tests are skipped with the install command;
``.ci/run`` installs both, so CI runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Without the background-networking flags Chromium keeps trying to reach Google's hosts,
#: which a closed network refuses many times a second.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: open ``url_of(path)`` in the browser."""

    base: str
    token: str
    folder: Path

    def url_of(self, path: str) -> str:
        return f"{self.base}lab/tree/{path}?token={self.token}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium under Playwright, closed at the end; skips the test, with
    the install command, where either is missing. (Also used by the live-hub tests.)"""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()


def save_screenshot(page, path: Path) -> Path:
    """Save a screenshot of ``page`` at ``path``, and a copy in ``$ICP_SCREENSHOTS`` if set."""
    page.screenshot(path=str(path), full_page=False)
    keep = os.environ.get("ICP_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def jupyter_lab(tmp_path) -> Iterator[Callable[[Path], Lab]]:
    """Start JupyterLab on a folder; it is stopped when the test ends."""
    servers: list[subprocess.Popen] = []

    def start(folder: Path) -> Lab:
        settings = tmp_path / "lab-settings"
        tracker = settings / "@jupyterlab" / "notebook-extension"
        tracker.mkdir(parents=True, exist_ok=True)
        # Render every cell, not only those on screen, so the page holds every output.
        (tracker / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}), encoding="utf-8"
        )
        port, token = _free_port(), "walkthrough"
        env = {
            **os.environ,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces"),
            "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
        }
        env.pop("MPLBACKEND", None)  # a learner's kernel draws charts inline
        env.pop("NBGRADER_EXECUTION", None)
        log = open(tmp_path / "jupyter-lab.log", "w")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={folder}",
                "--ServerApp.port_retries=0",
                # The default 60 s for a kernel to answer is too short on a loaded CI machine,
                # where the server then gives the page a kernel that never runs anything.
                "--MappingKernelManager.kernel_info_timeout=600",
                "--allow-root",
            ],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        servers.append(server)
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError((tmp_path / "jupyter-lab.log").read_text(encoding="utf-8"))
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2):
                    return Lab(base, token, folder)
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("JupyterLab did not start within 90 s")

    yield start
    for server in servers:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def screenshot(tmp_path) -> Callable[[object, str], Path]:
    """Save a screenshot of a page as ``name``.png (and copy it to ``$ICP_SCREENSHOTS``)."""

    def take(page, name: str) -> Path:
        return save_screenshot(page, tmp_path / f"{name}.png")

    return take
