"""Process map drawing, kept importable here for the course notebooks (``from
icp_helpers.process_map_plot import draw_process_map``); the code lives in
:mod:`icp_helpers.diagrams.process_map_plot`.

>>> from icp_helpers.diagrams.process_map_plot import draw_process_map as moved
>>> draw_process_map is moved
True
"""

from icp_helpers.diagrams.process_map_plot import SHAPES, draw_process_map

__all__ = ["SHAPES", "draw_process_map"]
