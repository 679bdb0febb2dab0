"""Doctest set-up for the package: draw charts off screen."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
