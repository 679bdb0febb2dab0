"""The course as a whole: build the release from source and check the course's gates.

- :mod:`icp_helpers.course.nbgrader_runner` runs nbgrader in a course folder and reads grades;
- :mod:`icp_helpers.course.release` regenerates ``release/`` and compares it with what is stored;
- :mod:`icp_helpers.course.gates` holds the checks every assignment must pass.
"""
