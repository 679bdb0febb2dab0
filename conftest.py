"""Test and doctest set-up for the whole repository: draw charts off screen."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
