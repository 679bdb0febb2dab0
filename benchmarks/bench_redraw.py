"""How fast does a 100-point chart redraw? Target: under 150 ms, fast enough for a slider.

Usage::

    python benchmarks/bench_redraw.py [--points 100] [--repeats 30]

Each timing is the median (and best) of ``--repeats`` runs, rendering to pixels with the
Agg backend (what a notebook does when it shows the figure):

- ``slider step`` (the re-draw the 150 ms target is for): what
  :class:`~icp_helpers.charts.interactive.ChartExplorer` does when the slider moves:
  recompute ``qic`` with a new ``freeze``, clear the axes, redraw, render;
- ``new figure``: ``qic(...).plot()`` into a fresh figure, rendered;
- ``MDC new figure``: ``mdc(...).plot()`` with both icons, rendered;
- ``bare matplotlib``: one plain line in a fresh constrained-layout figure, rendered: the
  floor that matplotlib itself sets for any new figure on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from icp_helpers.charts import qic  # noqa: E402
from icp_helpers.charts.interactive import ChartExplorer  # noqa: E402
from icp_helpers.charts.mdc import mdc  # noqa: E402

TARGET_MS = 150.0


def timed(step: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and best wall time of ``step`` in milliseconds (after one warm-up run)."""
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(1)
    y = rng.normal(50, 5, args.points)
    x = pd.date_range("2017-01-01", periods=args.points, freq="MS")
    notes = [None] * args.points
    notes[args.points // 2] = "PDSA 1"

    explorer = ChartExplorer(y, x=x, chart="i", target=52, notes=notes)
    positions = iter(np.resize(np.arange(12, args.points - 1), 10_000))

    def slider_step() -> None:
        explorer.set_value(int(next(positions)))
        explorer.figure.canvas.draw()

    def new_figure(draw: Callable[[], plt.Axes]) -> Callable[[], None]:
        def step() -> None:
            ax = draw()
            ax.figure.canvas.draw()
            plt.close(ax.figure)

        return step

    def bare() -> plt.Axes:
        ax = plt.figure(figsize=(10, 5.5), layout="constrained").subplots()
        ax.plot(x, y)
        return ax

    cases = {
        "slider step": slider_step,
        "new figure": new_figure(lambda: qic(y, x=x, chart="i", target=52, notes=notes).plot()),
        "MDC new figure": new_figure(lambda: mdc(y, x=x, improvement="increase", target=52).plot()),
        "bare matplotlib": new_figure(bare),
    }
    print(f"Redraw of a {args.points}-point chart, median (best) of {args.repeats} runs:")
    medians = {}
    for name, step in cases.items():
        medians[name], best = timed(step, args.repeats)
        print(f"  {name:<16} {medians[name]:7.1f} ms  ({best:.1f} ms)")
    verdict = "within" if medians["slider step"] < TARGET_MS else "OVER"
    print(
        f"Slider re-draw {medians['slider step']:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
