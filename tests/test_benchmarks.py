"""The benchmark scripts' doctests run with the suite.

``benchmarks/`` is not among pytest's ``testpaths`` (collecting it would import every script
and its heavy set-up), so a script's worked examples would otherwise never be checked. Only
scripts that contain an example are imported here.
"""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
WITH_EXAMPLES = sorted(path for path in BENCHMARKS.glob("*.py") if ">>>" in path.read_text())


def test_some_benchmark_script_has_examples():
    assert WITH_EXAMPLES, "no benchmark script has a doctest: this file would check nothing"


@pytest.mark.parametrize("script", WITH_EXAMPLES, ids=lambda path: path.name)
def test_a_benchmark_script_s_examples_hold(script: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # scripts import each other, run from here
    spec = importlib.util.spec_from_file_location(f"benchmark_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0, f"{script.name}: no example was run"
    assert results.failed == 0, f"{script.name}: {results.failed} example(s) failed (see above)"
