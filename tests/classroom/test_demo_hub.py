"""The demo JupyterHub (``make hub``) for real: two users, their servers, a kernel each, and isolation.

The hub runs from pip packages only (jupyterhub, the Python
configurable-http-proxy, SimpleLocalProcessSpawner) with
``deploy/jupyterhub_config.py``, on free loopback ports, with every file it
writes in a temporary folder. The test creates two users through the REST API
with the generated admin token, starts their servers, checks that each sees
the student copies of the labs and runs code in a kernel, that neither
reaches the other's server, and that shutting down leaves no process running
and nothing written into the repository.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import configurable_http_proxy
import jupyterhub
import nbformat
import pytest

from mmlab.classroom import DemoHub

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
STUDENT = ROOT / "labs" / "student"
USERS = ("alice", "bob")
# Files a hub, a proxy or a Jupyter server would leave in its working folder.
HUB_FILES = (
    "jupyterhub.sqlite",
    "jupyterhub_cookie_secret",
    "jupyterhub-proxy.pid",
    "jupyterhub.log",
    ".ipynb_checkpoints",
    "gradebook.db",
    ".nbgrader.log",
)


def _execute(hub: DemoHub, user: str, token: str, code: str, timeout: float = 180.0) -> tuple[str, list]:
    """Run ``code`` in a new kernel of ``user``'s server through the kernel REST and websocket APIs."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    status, kernel = hub.request("POST", f"/user/{user}/api/kernels", {"name": "python3"}, token=token)
    assert status == 201, f"{user} could not start a kernel: {status} {kernel}"
    ws_url = hub.url.replace("http://", "ws://").rstrip("/") + f"/user/{user}/api/kernels/{kernel['id']}/channels"

    async def run() -> tuple[str, list]:
        conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
        msg_id = uuid.uuid4().hex
        conn.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": user,
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        out, errors, replied, idle = [], [], False, False
        while not (replied and idle):
            raw = await asyncio.wait_for(conn.read_message(), timeout)
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        conn.close()
        return "".join(out), errors

    try:
        return asyncio.run(run())
    finally:
        hub.request("DELETE", f"/user/{user}/api/kernels/{kernel['id']}", token=token)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect becomes an HTTPError whose code the test reads


def _login(hub: DemoHub, username: str, password: str) -> int:
    """Submit the hub's login form as a browser would; return the HTTP status (302: logged in)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(hub.url + "hub/login", timeout=60).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "_xsrf": xsrf}).encode()
    try:
        with opener.open(hub.url + "hub/login", form, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _repo_artifacts(since: float) -> list[str]:
    found = []
    for folder in (ROOT, ROOT / "labs", ROOT / "deploy"):
        candidates = folder.iterdir() if folder == ROOT else folder.rglob("*")
        found += [str(p) for p in candidates if p.name in HUB_FILES and p.stat().st_mtime >= since]
    return found


def test_demo_hub_serves_two_isolated_users_and_shuts_down_cleanly(tmp_path):
    started = time.time()
    timings = {}
    hub = DemoHub(tmp_path / "hub", root=ROOT, env={"MMLAB_PROFILE": "quick"})
    processes = []
    try:
        t0 = time.perf_counter()
        hub.start(timeout=180)
        timings["hub up"] = time.perf_counter() - t0
        assert hub.api("GET", "/") == (200, {"version": jupyterhub.__version__})
        proxy = [p for p in hub.processes() if "configurable-http-proxy" in " ".join(p.cmdline())]
        assert len(proxy) == 1, "the hub should have started one proxy"
        script = next(Path(arg) for arg in proxy[0].cmdline() if arg.endswith("configurable-http-proxy"))
        assert Path(proxy[0].cmdline()[0]).name.startswith("python"), "the proxy should be the Python implementation"
        assert configurable_http_proxy.__name__ in script.read_text(), f"{script} is not the pip package's proxy"
        # the demo login: the generated password lets anyone in, any other password is refused
        assert _login(hub, "visitor", hub.password) == 302
        assert _login(hub, "visitor", hub.password + "x") == 403

        status, created = hub.api("POST", "/users", {"usernames": list(USERS)})
        assert status == 201 and sorted(u["name"] for u in created) == sorted(USERS), (status, created)
        tokens = {}
        for user in USERS:
            status, token = hub.api(
                "POST",
                f"/users/{user}/tokens",
                {"scopes": [f"access:servers!user={user}"], "note": "hub test", "expires_in": 3600},
            )
            assert status == 201, (status, token)
            tokens[user] = token["token"]

        t0 = time.perf_counter()
        for user in USERS:
            status, _ = hub.api("POST", f"/users/{user}/server")
            assert status in (201, 202), f"spawning {user}: {status}\n{hub.log_tail()}"
        deadline = time.monotonic() + 240
        ready = set()
        while ready != set(USERS) and time.monotonic() < deadline:
            for user in set(USERS) - ready:
                _, model = hub.api("GET", f"/users/{user}")
                if model["servers"].get("", {}).get("ready"):
                    ready.add(user)
            time.sleep(0.5)
        assert ready == set(USERS), f"servers not ready after 240 s: {set(USERS) - ready}\n{hub.log_tail()}"
        timings["both servers ready"] = time.perf_counter() - t0

        expected = sorted(p.relative_to(STUDENT).as_posix() for p in STUDENT.rglob("*.ipynb"))
        one_lab = expected[0]
        for user, token in tokens.items():
            listed, stack = [], ["labs"]
            while stack:
                status, model = hub.request("GET", f"/user/{user}/api/contents/{stack.pop()}", token=token)
                assert status == 200, f"{user} cannot list their labs: {status}"
                for item in model["content"]:
                    if item["type"] == "directory":
                        stack.append(item["path"])
                    elif item["type"] == "notebook":
                        listed.append(item["path"].removeprefix("labs/"))
            assert sorted(listed) == expected
            status, model = hub.request("GET", f"/user/{user}/api/contents/labs/{one_lab}", token=token)
            copy = nbformat.read(STUDENT / one_lab, as_version=4)
            assert [c["source"] for c in model["content"]["cells"]] == [c.source for c in copy.cells]

        t0 = time.perf_counter()
        for user, token in tokens.items():
            out, errors = _execute(
                hub, user, token, "import os, mmlab\nprint(mmlab.profile(), os.path.basename(os.getcwd()), 6 * 7)"
            )
            assert not errors, f"{user}'s cell failed: {errors}"
            assert out.split() == ["quick", user, "42"], out
        timings["a cell in each user's kernel"] = time.perf_counter() - t0

        for user, other in (USERS, USERS[::-1]):
            status, _ = hub.request("GET", f"/user/{other}/api/contents/labs", token=tokens[user])
            assert status == 403, f"{user}'s token reached {other}'s files: {status}"
            status, _ = hub.request("POST", f"/user/{other}/api/kernels", {"name": "python3"}, token=tokens[user])
            assert status == 403, f"{user}'s token started a kernel on {other}'s server: {status}"
        processes = hub.processes()
        assert len(processes) >= 2 + len(USERS)  # hub, proxy, one server per user
    finally:
        t0 = time.perf_counter()
        killed = hub.stop()
        timings["shutdown"] = time.perf_counter() - t0
        print("demo hub, seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))

    assert killed == [], f"processes that did not stop with the hub: {killed}"
    assert not [p.pid for p in processes if p.is_running()]
    assert not [port for port in (hub.port, hub.hub_port, hub.proxy_api_port) if _port_open(port)]
    assert (tmp_path / "hub" / "jupyterhub.sqlite").exists()  # the state went where it was told
    assert sorted(p.name for p in (tmp_path / "hub" / "users").iterdir()) == sorted(USERS)
    assert _repo_artifacts(started) == []
