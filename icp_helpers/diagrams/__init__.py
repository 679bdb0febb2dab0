"""Diagrams a QI coach uses to understand a system and plan changes.

- :mod:`~icp_helpers.diagrams.driver`: driver diagrams (aim, primary and secondary
  drivers, change ideas) with validation and YAML/JSON files;
  :mod:`~icp_helpers.diagrams.driver_plot` draws them.
- :mod:`~icp_helpers.diagrams.fishbone`: cause-and-effect (fishbone) diagrams and
  their drawing.
- :mod:`~icp_helpers.diagrams.process_map`: process maps (steps, hand-offs, decisions,
  waits, lead time); :mod:`~icp_helpers.diagrams.process_map_plot` draws them as swimlanes.
  The notebooks import them as :mod:`icp_helpers.process_maps` and
  :mod:`icp_helpers.process_map_plot`, which re-export these names.
- :mod:`~icp_helpers.diagrams.errors`: the error a diagram file raises.

Aims live in :mod:`icp_helpers.aims`.

>>> from icp_helpers.diagrams import DriverDiagram
>>> DriverDiagram.from_dict({"aim": "Reduce falls on Bancroft ward",
...                          "primary": {"Safe mobility": {"Footwear": ["Slipper socks"]}}})
DriverDiagram(aim='Reduce falls on Bancroft ward', primary=1, secondary=1, change_ideas=1)
"""

from icp_helpers.diagrams.driver import DriverDiagram, DriverDiagramError
from icp_helpers.diagrams.errors import DiagramFileError

__all__ = ["DiagramFileError", "DriverDiagram", "DriverDiagramError"]
