"""Time ``qic`` for every chart type and ``mdc``, for 10^3, 10^5 and 10^6 points.

Run from the repository root: ``.venv/bin/python benchmarks/bench_charts.py`` (add ``--quick``
to stop at 10^5 points). Prints one row per chart with the best of a few runs in milliseconds.
Points are one per subgroup, except Xbar and S charts, which get subgroups of 5 values (so the
chart has a fifth as many points as values). Runs analysis and the default rule set are
included in every qic timing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from icp_helpers.charts import mdc, qic

SIZES = (10**3, 10**5, 10**6)
SUBGROUP = 5


def best_of(call: Callable[[], object], repeats: int) -> float:
    """Fastest of ``repeats`` runs, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def cases(size: int, rng: np.random.Generator) -> dict[str, Callable[[], object]]:
    """One call per chart type on random data of ``size`` values."""
    normal = rng.normal(100, 10, size)
    counts = rng.poisson(20, size).astype(float)
    n = rng.integers(500, 1500, size).astype(float)
    cases_ = rng.binomial(n.astype(int), 0.1).astype(float)
    gaps = rng.geometric(0.02, size).astype(float)
    groups = np.repeat(np.arange(size // SUBGROUP), SUBGROUP)
    grouped = normal[: len(groups)]
    return {
        "run": lambda: qic(normal, chart="run"),
        "i": lambda: qic(normal, chart="i"),
        "mr": lambda: qic(normal, chart="mr"),
        "xbar": lambda: qic(grouped, x=groups, chart="xbar"),
        "s": lambda: qic(grouped, x=groups, chart="s"),
        "t": lambda: qic(gaps, chart="t"),
        "p": lambda: qic(cases_, n=n, chart="p"),
        "pp": lambda: qic(cases_, n=n, chart="pp"),
        "c": lambda: qic(counts, chart="c"),
        "u": lambda: qic(counts, n=n, chart="u"),
        "up": lambda: qic(counts, n=n, chart="up"),
        "g": lambda: qic(gaps, chart="g"),
        "i (hcdg rules)": lambda: qic(normal, chart="i", rules="hcdg"),
        "mdc": lambda: mdc(normal, improvement="increase", target=100),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 10^3 and 10^5 points")
    arguments = parser.parse_args()
    sizes = SIZES[:2] if arguments.quick else SIZES
    rng = np.random.default_rng(2024)
    timings = {size: {k: best_of(f, 5 if size < 10**6 else 2) for k, f in cases(size, rng).items()}
               for size in sizes}  # fmt: skip
    names = list(timings[sizes[0]])
    header = f"{'chart':<16}" + "".join(f"{f'{s:,} points':>18}" for s in sizes)
    print(header)
    print("-" * len(header))
    for name in names:
        print(f"{name:<16}" + "".join(f"{timings[s][name]:>15.1f} ms" for s in sizes))


if __name__ == "__main__":
    main()
