"""The chart gallery script renders one non-blank PNG per chart type."""

import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np

GALLERY = Path(__file__).resolve().parents[2] / "examples" / "chart_gallery.py"
EXPECTED = ["run", "i", "mr", "xbar", "s", "t", "p", "pp", "c", "u", "up", "g", "mdc", "pareto"]


def test_gallery_renders_every_chart(tmp_path):
    out = tmp_path / "gallery"
    done = subprocess.run(
        [sys.executable, str(GALLERY), str(out), "--dpi", "80"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.png" for name in EXPECTED)
    for name in EXPECTED:
        path = out / f"{name}.png"
        assert path.stat().st_size > 20_000, name
        image = mpimg.imread(path)
        assert image.shape[0] > 300 and image.shape[1] > 600, name
        # a drawn chart, not a blank canvas: many distinct colours, plenty of ink
        ink = (image[..., :3] < 0.5).any(axis=-1).mean()
        assert ink > 0.01, name
        assert len(np.unique(image[..., :3].reshape(-1, 3), axis=0)) > 50, name
