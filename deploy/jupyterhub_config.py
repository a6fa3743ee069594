"""JupyterHub configuration for the mmlab workbook.

Two layers, both read from environment variables (this file holds no secret:
tokens and passwords are generated when the hub starts):

1. **Every deployment** (The Littlest JupyterHub, Zero to JupyterHub, a demo):
   each user's server starts with ``python -m mmlab.classroom singleuser``,
   which copies the student copies of the labs (``labs/student/``) into
   ``~/labs`` (missing files only: a student's work is never overwritten) and
   then runs ``jupyterhub-singleuser``; JupyterLab opens on ``~/labs``. One
   thread per kernel, and ``MMLAB_PROFILE`` when the hub has it, are set in the
   users' environment.

2. **The demo** (``MMLAB_HUB_DEMO=1``, set by ``make hub`` and the hub test):
   everything from pip packages on one machine, all state in ``MMLAB_HUB_STATE``:
   the Python ``configurable-http-proxy``, ``SimpleLocalProcessSpawner`` (every
   server runs as the user who started the hub, in ``$MMLAB_HUB_STATE/users/<name>``),
   and ``SharedPasswordAuthenticator`` with a password generated at start.
   DEMO ONLY: anyone with the password can log in as any user, and the users'
   servers share one operating-system account (no isolation between users'
   files). For a class use TLJH or Zero to JupyterHub (docs/classroom.md).

Environment variables
---------------------
MMLAB_PROFILE         quick | full, passed to the users' kernels (unset: full with CUDA, quick without).
MMLAB_LABS_DIR        the student copies to hand out (default: the checkout's labs/student).
MMLAB_USER_PYTHON     the interpreter of the users' environment (default: python on the user's PATH;
                      the demo uses the hub's own interpreter).
MMLAB_HUB_DEMO        1: the demo layer below.
MMLAB_HUB_STATE       demo: the folder for the database, cookie secret, logs and user folders.
MMLAB_HUB_IP, MMLAB_HUB_PORT, MMLAB_HUB_API_PORT, MMLAB_HUB_PROXY_API_PORT
                      demo: where the proxy, the hub and the proxy's REST API listen (default 127.0.0.1:8000,
                      8081, 8001).
MMLAB_HUB_PASSWORD    demo: the shared password users log in with (empty: no password login).
MMLAB_HUB_ADMIN_TOKEN demo: API token of the `mmlab-admin` service (manages users and servers).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides get_config)

here = Path(__file__).resolve().parent  # deploy/ in the checkout
labs_dir = os.environ.get("MMLAB_LABS_DIR") or str(here.parent / "labs" / "student")

# --- 1. every deployment -------------------------------------------------------------------------
user_python = os.environ.get("MMLAB_USER_PYTHON", "python")
c.Spawner.cmd = [user_python, "-m", "mmlab.classroom", "singleuser"]
c.Spawner.default_url = "/lab/tree/labs"
# .update: keep what the deployment already sets (TLJH's PATH, for one)
c.Spawner.environment.update(
    {"MMLAB_LABS_DIR": labs_dir, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MMLAB_NUM_THREADS": "1"}
)
if os.environ.get("MMLAB_PROFILE"):  # unset: mmlab picks full with CUDA, quick without
    c.Spawner.environment.update({"MMLAB_PROFILE": os.environ["MMLAB_PROFILE"]})

# --- 2. the demo: one machine, pip packages only -----------------------------------------------
if os.environ.get("MMLAB_HUB_DEMO") == "1":
    state = Path(os.environ["MMLAB_HUB_STATE"]).resolve()
    ip = os.environ.get("MMLAB_HUB_IP", "127.0.0.1")
    bin_dir = Path(sys.executable).parent

    c.JupyterHub.bind_url = f"http://{ip}:{os.environ.get('MMLAB_HUB_PORT', '8000')}/"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('MMLAB_HUB_API_PORT', '8081')}"
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server

    # The proxy: configurable-http-proxy's Python implementation (pip), not the Node.js one.
    c.ConfigurableHTTPProxy.command = [str(bin_dir / "configurable-http-proxy")]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('MMLAB_HUB_PROXY_API_PORT', '8001')}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")

    # Servers: local processes of the hub's own OS user, one folder per user (demo only).
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "users" / "{username}")
    c.Spawner.cmd = [sys.executable, "-m", "mmlab.classroom", "singleuser"]
    c.Spawner.ip = "127.0.0.1"
    c.Spawner.start_timeout = 180  # a busy 2-core machine starts JupyterLab slowly
    c.Spawner.http_timeout = 180
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # e.g. in a container: Jupyter refuses root otherwise
        c.Spawner.args = ["--allow-root"]

    # Log in with any user name and the generated password: DEMO ONLY (see above).
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = os.environ.get("MMLAB_HUB_PASSWORD") or None
    c.Authenticator.allow_all = True

    # The instructor's tool: a service whose token (generated at start) manages users and servers.
    admin_token = os.environ.get("MMLAB_HUB_ADMIN_TOKEN")
    if admin_token:
        c.JupyterHub.services = [{"name": "mmlab-admin", "api_token": admin_token}]
        c.JupyterHub.load_roles = [
            {
                "name": "mmlab-admin",
                "description": "create users, start and stop their servers, issue their tokens, shut the hub down",
                "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "shutdown"],
                "services": ["mmlab-admin"],
            }
        ]
