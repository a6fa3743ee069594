"""A demo JupyterHub from pip packages (``make hub``), and the copy step each user's server runs.

:class:`DemoHub` starts ``jupyterhub -f deploy/jupyterhub_config.py`` with
``MMLAB_HUB_DEMO=1``: free loopback ports, a generated API token for the
``mmlab-admin`` service and a generated shared password, and every file the
hub writes (database, cookie secret, proxy pid, log, the users' folders)
under one state folder outside the repository. :meth:`DemoHub.stop` shuts
the hub down through its REST API (which stops the users' servers and the
proxy) and then makes sure that no process it started is left.

:func:`copy_student_labs` is the copy step: ``python -m mmlab.classroom
singleuser`` (the spawner's command in ``deploy/jupyterhub_config.py``) runs
it as the user, in the user's home, before it becomes
``jupyterhub-singleuser``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["DemoHub", "copy_student_labs", "hub_config_path"]


def hub_config_path(root: str | Path | None = None) -> Path:
    """``deploy/jupyterhub_config.py`` of the checkout.

    Parameters
    ----------
    root : path, optional
        The repository root; default :func:`mmlab.course.repo_root`.

    Returns
    -------
    Path
    """
    from mmlab.course import repo_root

    return Path(repo_root() if root is None else root) / "deploy" / "jupyterhub_config.py"


def copy_student_labs(dest: str | Path | None = None, source: str | Path | None = None) -> list[Path]:
    """Copy the student copies of the labs into a user's folder; never overwrite a file that is there.

    Parameters
    ----------
    dest : path, optional
        Default ``$MMLAB_LABS_DEST``, else ``~/labs``.
    source : path, optional
        Default ``$MMLAB_LABS_DIR``, else the checkout's ``labs/student``.

    Returns
    -------
    list of Path
        The files copied (empty when the user already has them all).

    Raises
    ------
    FileNotFoundError
        If ``source`` is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     src = Path(tmp, "student", "1_x"); src.mkdir(parents=True)
    ...     _ = Path(src, "01_a.ipynb").write_text("{}")
    ...     first = copy_student_labs(Path(tmp, "home", "labs"), Path(tmp, "student"))
    ...     again = copy_student_labs(Path(tmp, "home", "labs"), Path(tmp, "student"))
    >>> [p.name for p in first], again
    (['01_a.ipynb'], [])
    """
    if source is None:
        if os.environ.get("MMLAB_LABS_DIR"):
            source = os.environ["MMLAB_LABS_DIR"]
        else:
            from mmlab.course import repo_root

            source = repo_root() / "labs" / "student"
    source = Path(source)
    dest = Path(dest or os.environ.get("MMLAB_LABS_DEST") or Path.home() / "labs").expanduser()
    if not source.is_dir():
        raise FileNotFoundError(
            f"the student copies {source} are not a folder; set MMLAB_LABS_DIR to the "
            "labs/student folder of a checkout (make student writes it)."
        )
    copied = []
    for path in sorted(source.rglob("*")):
        if path.is_dir() or ".ipynb_checkpoints" in path.parts:
            continue
        target = dest / path.relative_to(source)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target)
    return copied


def _free_ports(n: int, ip: str = "127.0.0.1") -> list[int]:
    """``n`` distinct ports that are free on ``ip`` right now (the OS picks them)."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((ip, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class DemoHub:
    """A JupyterHub for a demo class on this machine, from pip packages (``make hub``).

    Parameters
    ----------
    state_dir : path
        Folder for everything the hub writes (created if missing); must lie outside the repository.
    ip : str
        Address the proxy listens on (default loopback: only this machine reaches the hub).
    port : int, optional
        The proxy's port (the hub's URL); default a free port.
    root : path, optional
        The repository root; default :func:`mmlab.course.repo_root`.
    password : str, optional
        The shared password users log in with; default generated (``secrets.token_urlsafe``).
    env : dict, optional
        Extra environment for the hub and, through it, the users' servers (e.g. ``MMLAB_PROFILE``).

    Attributes
    ----------
    url : str
        ``http://<ip>:<port>/``, where users log in.
    admin_token : str
        API token of the ``mmlab-admin`` service, generated at construction.
    password : str
        The shared demo password.
    log_path : Path
        The hub's log (``<state_dir>/jupyterhub.log``).

    Raises
    ------
    ValueError
        If ``state_dir`` lies inside the repository.
    """

    def __init__(
        self,
        state_dir: str | Path,
        *,
        ip: str = "127.0.0.1",
        port: int | None = None,
        root: str | Path | None = None,
        password: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        from mmlab.course import repo_root

        self.root = Path(repo_root() if root is None else root).resolve()
        self.state_dir = Path(state_dir).expanduser().resolve()
        if self.state_dir == self.root or self.root in self.state_dir.parents:
            raise ValueError(
                f"state_dir={self.state_dir} lies inside the repository; the hub writes its database "
                "and the users' folders there. Use a folder outside it (e.g. a temporary one)."
            )
        hub_port, proxy_api_port, free = _free_ports(3)
        self.ip = ip
        self.port = int(port) if port is not None else free
        self.hub_port, self.proxy_api_port = hub_port, proxy_api_port
        self.admin_token = secrets.token_hex(32)
        self.password = password if password is not None else secrets.token_urlsafe(12)
        self.extra_env = dict(env or {})
        self.log_path = self.state_dir / "jupyterhub.log"
        self.process: subprocess.Popen | None = None
        self._descendants: dict[int, Any] = {}

    @property
    def url(self) -> str:
        """Where users log in: ``http://<ip>:<port>/`` (``127.0.0.1`` when the hub listens on every address)."""
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "") else self.ip
        return f"http://{host}:{self.port}/"

    def environment(self) -> dict[str, str]:
        """The hub's environment: this one plus the demo's settings (tokens included)."""
        env = {**os.environ, **self.extra_env}
        env.update(
            {
                "MMLAB_HUB_DEMO": "1",
                "MMLAB_HUB_STATE": str(self.state_dir),
                "MMLAB_HUB_IP": self.ip,
                "MMLAB_HUB_PORT": str(self.port),
                "MMLAB_HUB_API_PORT": str(self.hub_port),
                "MMLAB_HUB_PROXY_API_PORT": str(self.proxy_api_port),
                "MMLAB_HUB_ADMIN_TOKEN": self.admin_token,
                "MMLAB_HUB_PASSWORD": self.password,
                "MMLAB_LABS_DIR": env.get("MMLAB_LABS_DIR") or str(self.root / "labs" / "student"),
                # the hub's own Jupyter and IPython files go to the state folder, not to ~
                "JUPYTER_RUNTIME_DIR": str(self.state_dir / "runtime"),
                "JUPYTER_DATA_DIR": str(self.state_dir / "data"),
            }
        )
        return env

    def start(self, timeout: float = 120.0) -> DemoHub:
        """Start the hub and wait until its API answers.

        Parameters
        ----------
        timeout : float
            Seconds to wait for the hub.

        Returns
        -------
        DemoHub
            ``self``.

        Raises
        ------
        RuntimeError
            If the hub exits or does not answer within ``timeout`` (its log is in the message).
        """
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.state_dir.chmod(0o700)  # the cookie secret and the database live here
        config = hub_config_path(self.root)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=self.state_dir,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _ = self.api("GET", "/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterHub did not answer at {self.url} within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        """The last ``n`` lines of the hub's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 60.0
    ) -> tuple[int, Any]:
        """An HTTP request through the proxy (``path`` from the hub's root, e.g. ``/user/alice/api/status``).

        Parameters
        ----------
        method : str
            ``GET``, ``POST``, ``DELETE`` ...
        path : str
            The path after the hub's URL.
        body : object, optional
            Sent as JSON.
        token : str, optional
            An API token (default: the admin service's).
        timeout : float
            Seconds to wait for the answer.

        Returns
        -------
        (status, payload)
            The HTTP status and the JSON answer (``None`` when the body is empty or not JSON).
        """
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method)
        req.add_header("Authorization", f"token {token or self.admin_token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return status, payload

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        """A request to the hub's REST API (``path`` after ``/hub/api``); see :meth:`request`."""
        return self.request(method, "/hub/api" + path, body, token)

    def processes(self) -> list[Any]:
        """The hub's process and every process below it (proxy, users' servers, kernels), as psutil processes."""
        import psutil

        if self.process is None or self.process.poll() is not None:
            return []
        try:
            hub = psutil.Process(self.process.pid)
            found = [hub, *hub.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        for proc in found:
            self._descendants.setdefault(proc.pid, proc)
        return found

    def stop(self, timeout: float = 60.0) -> list[int]:
        """Shut the hub down (users' servers and proxy included); return the pids that had to be killed.

        The hub is asked through its REST API first (``POST /hub/api/shutdown``);
        a hub that does not exit within ``timeout`` gets SIGTERM, then SIGKILL,
        and so does any process it started that is still running afterwards.
        An empty list means everything stopped cleanly.

        Parameters
        ----------
        timeout : float
            Seconds to wait for a clean shutdown.

        Returns
        -------
        list of int
        """
        import psutil

        if self.process is None:
            return []
        self.processes()  # remember every process started so far
        killed = []
        if self.process.poll() is None:
            try:
                self.api("POST", "/shutdown", {"servers": True, "proxy": True})
            except OSError:
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                killed.append(self.process.pid)
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        leftovers = [p for p in self._descendants.values() if p.pid != self.process.pid and p.is_running()]
        _, alive = psutil.wait_procs(leftovers, timeout=10)
        for proc in alive:
            killed.append(proc.pid)
            proc.kill()
        psutil.wait_procs(alive, timeout=5)
        self.process = None
        return killed

    def __enter__(self) -> DemoHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
