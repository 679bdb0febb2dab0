"""What a new gradebook and a first seasonality check cost, in CPU-seconds.

Each case runs in a fresh Python (as a facilitator's ``icp`` command or a notebook kernel
would), three times, and reports the median CPU time of that process and its children,
beside the same imports alone:

* **new gradebook**: nbgrader's ``Gradebook`` opening a database that has no tables, as
  nbgrader does it (it starts an ``alembic heads`` process to learn its schema version), and
  after ``stamp_new_gradebook`` (the version read in the same process);
* **seasonality**: importing the charts and running one ``seasonality`` check on the
  did-not-attend data, the first time in a process (it used to import ``scipy.stats``).

Usage: ``python benchmarks/bench_first_use.py``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

NBGRADER_ALONE = """
from nbgrader.api import Gradebook
with Gradebook(URL, course_id="icp"):
    pass
"""
STAMPED_FIRST = """
from nbgrader.api import Gradebook
from icp_helpers.grading.new_gradebook import stamp_new_gradebook
stamp_new_gradebook(URL)
with Gradebook(URL, course_id="icp"):
    pass
"""
SEASONALITY = """
from icp_helpers.charts import seasonality
from icp_helpers.datasets import load
seasonality(load("did_not_attend"), x="month", y="appointments")
"""
#: What the cases above import anyway, timed alone for comparison.
BASELINE_GRADEBOOK = "from nbgrader.api import Gradebook\n"
BASELINE_CHARTS = (
    "from icp_helpers.charts import seasonality\nfrom icp_helpers.datasets import load\n"
)


def cpu_seconds(code: str, folder: Path) -> float:
    """CPU time (user + system) of a fresh Python running ``code``, its children included."""
    url = f"sqlite:///{Path(tempfile.mkdtemp(dir=folder)) / 'gradebook.db'}"
    environment = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", f"URL = {url!r}\n{code}"], check=True, env=environment)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(code: str, folder: Path, runs: int = 3) -> float:
    return statistics.median(cpu_seconds(code, folder) for _ in range(runs))


def main() -> None:
    cases = {
        "import nbgrader's gradebook only": BASELINE_GRADEBOOK,
        "... and open a new one, nbgrader alone": NBGRADER_ALONE,
        "... and open a new one, stamped here first": STAMPED_FIRST,
        "import the charts and the data sets only": BASELINE_CHARTS,
        "... and run a first seasonality check": SEASONALITY,
    }
    with tempfile.TemporaryDirectory() as scratch:
        for label, code in cases.items():
            print(f"{label:45s} {median_of(code, Path(scratch)):5.2f} CPU-s")


if __name__ == "__main__":
    main()
