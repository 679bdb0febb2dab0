"""Process maps, kept importable here for the course notebooks (``from icp_helpers.process_maps
import ProcessMap``); the code lives in :mod:`icp_helpers.diagrams.process_map`.

>>> from icp_helpers.diagrams.process_map import ProcessMap as Moved
>>> ProcessMap is Moved
True
"""

from icp_helpers.diagrams.process_map import (
    KINDS,
    ProcessMap,
    ProcessMapError,
    ProcessStep,
    format_minutes,
)

__all__ = ["KINDS", "ProcessMap", "ProcessMapError", "ProcessStep", "format_minutes"]
