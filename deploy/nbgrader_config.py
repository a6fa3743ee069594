"""nbgrader settings shared by every user of a class hub: the course and the exchange (docs/classroom.md).

Students' fetch and submit, and the instructor's release and collect, must agree on
both. Install it where every user's Jupyter reads it:

- The Littlest JupyterHub: ``/opt/tljh/user/etc/jupyter/nbgrader_config.py``;
- Zero to JupyterHub: ``/etc/jupyter/nbgrader_config.py`` in the user image (deploy/z2jh/Dockerfile).

The exchange folder must exist on every user's server and be writable by all
(``sudo mkdir -p /srv/nbgrader/exchange && sudo chmod 777 /srv/nbgrader/exchange``
on one VM; a shared volume on Kubernetes). The instructor's course directory gets
the same two values from ``python -m mmlab.classroom course --course-id mmlab
--exchange /srv/nbgrader/exchange``.
"""

c = get_config()  # noqa: F821 (provided by the config loader)

c.CourseDirectory.course_id = "mmlab"
c.Exchange.root = "/srv/nbgrader/exchange"
