"""Test and doctest set-up for the whole repository.

Charts are drawn off screen, and hypothesis has no per-example deadline: machines here are
shared and noisy, and speed is measured by the benchmarks in ``benchmarks/``, not by tests.
"""

import os

from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("course", deadline=None)
settings.load_profile("course")
