"""Simulated trainees fetching and submitting at once on the hub `icp cohort hub` writes.

Starts the written hub on loopback with throwaway Unix accounts (the same set-up as the live
hub tests: tests/facilitator/live_hub.py), then, a few trainees at a time, through
JupyterHub's REST API and each trainee's own server:

1. starts every trainee's server (``POST /hub/api/users/NAME/server``, then waits until the
   hub says it is ready);
2. fetches 00 from nbgrader's exchange (the Assignments tab's own API,
   ``POST /user/NAME/assignments/fetch``), writes an answered notebook (the source's solution
   cells plus a marker unique to that trainee) through the server's contents API, and submits
   (``POST /user/NAME/assignments/submit``);
3. the facilitator collects with ``icp collect`` (as the grading account).

It then checks that every trainee's submission was collected, with their own marker and no
one else's, and prints the time to start a server (median, max), to fetch and submit, the
memory each trainee's server holds (RSS of their processes) and the totals. Every account,
process and file it made is removed at the end. Loopback only; every wait is bounded.

Needs root. Usage: ``sudo .venv/bin/python benchmarks/hub_load.py [--trainees 30]
[--concurrency 4]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import requests

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "00-getting-started"
COURSE_ID = "icp-cohort-10"
SPAWN_SECONDS = 600  # a server slower than this to start counts as failed
REQUEST_SECONDS = 300


def live_hub_helper():
    """The live hub tests' set-up (tests/facilitator/live_hub.py), shared, not copied."""
    sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.facilitator.live_hub")


def api_token(hub, name: str) -> str:
    """A new API token for ``name``, made by the hub's own ``jupyterhub token`` command."""
    made = subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyterhub"),
            "token",
            "-f",
            str(hub.base / "hub" / "jupyterhub_config.py"),
            name,
        ],
        cwd=hub.base / "hub" / "state",
        capture_output=True,
        text=True,
        timeout=REQUEST_SECONDS,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )
    if made.returncode != 0:
        raise RuntimeError(f"jupyterhub token failed:\n{made.stderr[-2000:]}")
    return made.stdout.strip().splitlines()[-1]


def answered(notebook: nbformat.NotebookNode, marker: str) -> nbformat.NotebookNode:
    """``notebook`` (as fetched) with every answer cell filled from the source's solution."""
    solutions = {}
    for path in (ROOT / "source" / ASSIGNMENT).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            grading = cell.metadata.get("nbgrader", {})
            if grading.get("solution"):
                solutions[grading["grade_id"]] = cell.source
    marked = False
    for cell in notebook.cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("solution") and grading.get("grade_id") in solutions:
            cell.source = solutions[grading["grade_id"]]
            if cell.cell_type == "code" and not marked:
                cell.source += f"\n# {marker}\n"
                marked = True
    if not marked:
        raise RuntimeError(f"{ASSIGNMENT} has no code answer cell to carry the marker")
    return notebook


class Trainee:
    """One simulated trainee: their token, their server's address, what they timed."""

    def __init__(self, url: str, name: str, token: str):
        self.name = name
        self.hub = f"{url}/hub/api/users/{name}"
        self.server = f"{url}/user/{name}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"
        self.marker = f"icp-load-marker {name} {uuid.uuid4().hex}"
        self.spawn_seconds = 0.0
        self.work_seconds = 0.0
        self.notebooks = 0

    def spawn(self) -> None:
        started = time.monotonic()
        made = self.session.post(f"{self.hub}/server", timeout=REQUEST_SECONDS)
        if made.status_code not in (201, 202):
            raise RuntimeError(f"{self.name}: spawn refused ({made.status_code}) {made.text}")
        while time.monotonic() - started < SPAWN_SECONDS:
            model = self.session.get(self.hub, timeout=REQUEST_SECONDS).json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                self.spawn_seconds = time.monotonic() - started
                return
            if not model.get("pending") and not server:
                raise RuntimeError(f"{self.name}: the server stopped while starting")
            time.sleep(1)
        raise RuntimeError(f"{self.name}: the server did not start in {SPAWN_SECONDS} s")

    def fetch_answer_submit(self) -> None:
        started = time.monotonic()
        form = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
        fetched = self.session.post(
            f"{self.server}/assignments/fetch", data=form, timeout=REQUEST_SECONDS
        )
        fetched.raise_for_status()
        contents = f"{self.server}/api/contents/{ASSIGNMENT}"
        listing = self.session.get(contents, timeout=REQUEST_SECONDS)
        listing.raise_for_status()
        for entry in listing.json()["content"]:
            if entry["type"] != "notebook":
                continue
            model = self.session.get(
                f"{self.server}/api/contents/{entry['path']}", timeout=REQUEST_SECONDS
            ).json()
            notebook = answered(nbformat.from_dict(model["content"]), self.marker)
            saved = self.session.put(
                f"{self.server}/api/contents/{entry['path']}",
                json={"type": "notebook", "format": "json", "content": notebook},
                timeout=REQUEST_SECONDS,
            )
            saved.raise_for_status()
            self.notebooks += 1
        if not self.notebooks:
            raise RuntimeError(f"{self.name}: fetched {ASSIGNMENT} holds no notebook")
        submitted = self.session.post(
            f"{self.server}/assignments/submit", data=form, timeout=REQUEST_SECONDS
        )
        submitted.raise_for_status()
        if submitted.json().get("success") is False:
            raise RuntimeError(f"{self.name}: submit failed: {submitted.json().get('value')}")
        self.work_seconds = time.monotonic() - started


def resident_mib(account: str) -> float:
    """Memory held by every process of ``account`` (resident set size), in MiB."""
    listed = subprocess.run(
        [shutil.which("pgrep") or "pgrep", "-u", account], capture_output=True, text=True
    )
    total = 0
    for pid in listed.stdout.split():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def collected_markers(cohort_folder: Path, trainees: list[Trainee]) -> list[str]:
    """What is wrong with the collected submissions (empty when nothing is)."""
    problems = []
    markers = {t.name: t.marker for t in trainees}
    for trainee in trainees:
        notebooks = sorted(
            (cohort_folder / "submitted" / trainee.name / ASSIGNMENT).glob("*.ipynb")
        )
        if len(notebooks) != trainee.notebooks:
            problems.append(f"{trainee.name}: {len(notebooks)} notebook(s) collected")
            continue
        text = "".join(path.read_text(encoding="utf-8") for path in notebooks)
        if trainee.marker not in text:
            problems.append(f"{trainee.name}: their own marker is missing")
        others = [n for n, m in markers.items() if n != trainee.name and m in text]
        if others:
            problems.append(f"{trainee.name}: holds the work of {', '.join(others)}")
    return problems


def run(trainees: int, concurrency: int) -> int:
    helper = live_hub_helper()
    names = [f"icpl{n:02d}{uuid.uuid4().hex[:4]}" for n in range(trainees)]
    began = time.monotonic()
    with helper.running_hub(ROOT, names, ASSIGNMENT, start_seconds=300) as hub:
        ready = time.monotonic()
        print(f"hub up in {ready - began:.0f} s ({trainees} trainee accounts made)", flush=True)
        admin = requests.Session()
        admin.headers["Authorization"] = f"token {api_token(hub, hub.facilitator[0])}"
        people = []
        for name in names:  # each trainee acts with a token of their own
            made = admin.post(
                f"{hub.url}/hub/api/users/{name}/tokens",
                json={"note": "load benchmark", "expires_in": 3600},
                timeout=REQUEST_SECONDS,
            )
            made.raise_for_status()
            people.append(Trainee(hub.url, name, made.json()["token"]))

        with ThreadPoolExecutor(concurrency) as pool:
            spawn_started = time.monotonic()
            list(pool.map(Trainee.spawn, people))
            spawned = time.monotonic()
            print(f"{trainees} servers started in {spawned - spawn_started:.0f} s", flush=True)
            memory = [resident_mib(t.name) for t in people]
            list(pool.map(Trainee.fetch_answer_submit, people))
            worked = time.monotonic()
        print(f"{trainees} fetched, answered and submitted in {worked - spawned:.0f} s", flush=True)

        collect = hub.icp("collect", "10", ASSIGNMENT)
        collected = time.monotonic()
        if collect.returncode != 0:
            raise RuntimeError(f"icp collect failed:\n{collect.stdout}{collect.stderr}")
        problems = collected_markers(hub.cohort_folder, people)

        spawn = [t.spawn_seconds for t in people]
        work = [t.work_seconds for t in people]
        print()
        print(f"trainees                      {trainees} (at most {concurrency} at once)")
        print(
            f"time to start a server        median {statistics.median(spawn):.1f} s, "
            f"max {max(spawn):.1f} s"
        )
        print(
            f"time to fetch, answer, submit median {statistics.median(work):.1f} s, "
            f"max {max(work):.1f} s"
        )
        print(
            f"memory per trainee's server   median {statistics.median(memory):.0f} MiB, "
            f"max {max(memory):.0f} MiB, all {sum(memory) / 1024:.2f} GiB"
        )
        print(f"icp collect                   {collected - worked:.1f} s")
        print(f"total (hub start to collect)  {collected - began:.0f} s")
        print(f"submissions collected         {trainees - len(problems)} of {trainees} intact")
        for problem in problems:
            print(f"  PROBLEM {problem}")
        print(json.dumps({"spawn": spawn, "work": work, "memory_mib": memory}), file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=4, help="trainees acting at once")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print(
            "hub_load.py needs root: it makes throwaway Unix accounts and the hub starts each "
            "trainee's server as their own account; run it with sudo.",
            file=sys.stderr,
        )
        return 2
    helper = live_hub_helper()
    try:
        helper.check_machine()
    except helper.HubUnavailable as missing:
        print(f"hub_load.py {missing}", file=sys.stderr)
        return 2
    try:
        return run(max(1, args.trainees), max(1, args.concurrency))
    except helper.HubUnavailable as missing:
        print(f"hub_load.py {missing}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
