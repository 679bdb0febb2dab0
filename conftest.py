"""Test and doctest set-up for the whole repository.

Charts are drawn off screen, and hypothesis has no per-example deadline: machines here are
shared and noisy, and speed is measured by the benchmarks in ``benchmarks/``, not by tests.
"""

import os

import numpy as np
import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("course", deadline=None)
settings.load_profile("course")


@pytest.hookimpl(optionalhook=True)  # an xdist hook: pytest -p no:xdist must still run
def pytest_xdist_auto_num_workers(config) -> int:
    """``pytest -n auto`` (``make test``) starts three test workers per CPU, not one.

    Much of a test's time is spent waiting on other processes (nbgrader, kernels, sandboxed
    grading workers, PostgreSQL), so one worker per CPU left the CPUs idle about half the time
    (measured on 2 CPUs: 14 min of CPU in a 14:46 run with 2 workers; 15 min of CPU in an
    11:48 run with 4; 10:33 with 6; 13:51 with 8).
    """
    return 3 * len(os.sched_getaffinity(0))


@pytest.fixture(autouse=True, scope="session")
def _ipython_folder_of_the_test_run(tmp_path_factory):
    """Kernels and IPython shells started by the tests keep their profile and history in the
    test run's temporary folder, not in the developer's ``~/.ipython`` (whose start-up files
    would also run in them)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
        yield


@pytest.fixture(autouse=True)
def _numpy_print_options_restored():
    """Every test and doctest leaves numpy's print options as it found them.

    Some tests run notebook cells in the test process, and the notebooks' set-up cells call
    ``plain_numbers()``; a doctest run later by the same worker would then read ``4.6`` where
    it expects ``np.float64(4.6)``, depending on xdist's order.
    """
    with np.printoptions():
        yield
