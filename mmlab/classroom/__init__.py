"""Serving the workbook to a class: nbgrader assignments from the labs, and a demo JupyterHub.

- :func:`build_course` (``make course``) writes an nbgrader course directory
  outside the repository from ``labs/``: one assignment per lab, the check
  cells as autograder tests worth the points in the exercise headings
  (:func:`lab_exercises`, :func:`annotate_lab`), and runs nbgrader's
  ``generate_assignment``, whose student versions equal ``labs/student/``.
- :class:`DemoHub` (``make hub``) runs JupyterHub from pip packages on this
  machine with ``deploy/jupyterhub_config.py``: the Python
  configurable-http-proxy, local processes for the users' servers, and a
  demo-only authenticator; :func:`copy_student_labs` gives each user the
  student copies when their server starts.

Command line (``python -m mmlab.classroom --help``)::

    python -m mmlab.classroom course [--course-dir DIR] [--exchange DIR] [--only TEXT]
    python -m mmlab.classroom hub [--port 8000] [--state-dir DIR]

docs/classroom.md walks through a term: release, collect, autograde,
feedback, grades, and the same setup on The Littlest JupyterHub and on
Zero to JupyterHub. nbgrader and JupyterHub come with ``mmlab[classroom]``.
"""

from mmlab.classroom._course import (
    DEFAULT_COURSE_ID,
    Assignment,
    CourseBuild,
    build_course,
    default_course_dir,
    run_nbgrader,
)
from mmlab.classroom._hub import DemoHub, copy_student_labs, hub_config_path
from mmlab.classroom._labs import Exercise, LabFormatError, annotate_lab, assignment_name, lab_exercises

__all__ = [
    "DEFAULT_COURSE_ID",
    "Assignment",
    "CourseBuild",
    "DemoHub",
    "Exercise",
    "LabFormatError",
    "annotate_lab",
    "assignment_name",
    "build_course",
    "copy_student_labs",
    "default_course_dir",
    "hub_config_path",
    "lab_exercises",
    "run_nbgrader",
]
