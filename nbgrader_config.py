"""nbgrader configuration for the Improvement Coaching Programme course.

Run nbgrader from the repository root (the course root): source notebooks live in
``source/<assignment>/`` and the learner versions are generated into ``release/``.
"""

import os
import sys

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# nbgrader starts helpers such as `alembic` by name: find them beside this Python even
# when the virtual environment is not activated (e.g. `.venv/bin/nbgrader autograde ...`).
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])

# The course, and the embedded SQLite gradebook in the course root by default.
# Facilitators running many cohorts point db_url at PostgreSQL instead.
c.CourseDirectory.course_id = "icp"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# A cell that runs for longer than this (seconds) is stopped and its tests score zero.
c.ExecutePreprocessor.timeout = 60
c.ExecutePreprocessor.kernel_name = "python3"

# Every learner notebook starts with the course header.
c.IncludeHeaderFooter.header = "source/header.ipynb"

# What a learner sees in place of a solution is a comment, not nbgrader's usual
# `raise NotImplementedError()`: that would stop Run All at the first unanswered exercise, so a
# learner part of the way through would never reach the closing check_your_work() table. An
# unanswered exercise still scores zero (its name is not defined), and its self-check says so.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
