"""Shared test set-up: draw charts off screen."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
