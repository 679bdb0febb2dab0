"""QI tools for the Improvement Coaching Programme course.

Subpackages and modules are named after the tool a QI coach would look for:
``charts``, ``diagrams``, ``pdsa``, ``measures``, ``progress``, ``reports``,
``datasets``, and ``check`` (the helpers the notebooks' self-checks call).
"""

__version__ = "0.1.0"
