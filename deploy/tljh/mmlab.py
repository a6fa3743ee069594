"""The Littlest JupyterHub: load the workbook's hub configuration (docs/classroom.md, "The Littlest JupyterHub").

Install: ``sudo ln -s /srv/mmlab/deploy/tljh/mmlab.py /opt/tljh/config/jupyterhub_config.d/mmlab.py``
then ``sudo tljh-config reload hub``. TLJH keeps its own authenticator and spawner
(one Linux user per student); this adds the workbook's layer: each server copies
the student labs into ``~/labs`` and opens JupyterLab there. Change ``/srv/mmlab``
if the checkout lives elsewhere.
"""

import os

os.environ.setdefault("MMLAB_USER_PYTHON", "/opt/tljh/user/bin/python")  # TLJH's user environment
load_subconfig("/srv/mmlab/deploy/jupyterhub_config.py")  # noqa: F821 (provided by the config loader)
