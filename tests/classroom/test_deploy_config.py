"""The deployment files agree with each other and hold no secret (fast: configs are loaded, nothing runs).

- ``deploy/jupyterhub_config.py`` loads as JupyterHub loads it: the layer for
  every deployment alone, and with the demo layer (pip packages only, all state
  in ``MMLAB_HUB_STATE``, tokens only from the environment);
- the Zero to JupyterHub values start servers the same way, mount the exchange
  where ``deploy/nbgrader_config.py`` puts it, and give the GPU profile a GPU
  and ``MMLAB_PROFILE=full``;
- no file under ``deploy/`` carries a token, password or key.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
HUB_ENV = (
    "MMLAB_HUB_DEMO",
    "MMLAB_HUB_STATE",
    "MMLAB_HUB_ADMIN_TOKEN",
    "MMLAB_HUB_PASSWORD",
    "MMLAB_PROFILE",
    "MMLAB_LABS_DIR",
    "MMLAB_USER_PYTHON",
)


def _load(path: Path, monkeypatch: pytest.MonkeyPatch, **env: str):
    for name in HUB_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def _environment(config) -> dict:
    value = config.Spawner.environment
    return dict(value.get_value({})) if hasattr(value, "get_value") else dict(value)


def test_every_deployment_layer_copies_the_labs_then_runs_the_single_user_server(monkeypatch):
    config = _load(DEPLOY / "jupyterhub_config.py", monkeypatch)
    assert config.Spawner.cmd == ["python", "-m", "mmlab.classroom", "singleuser"]
    assert config.Spawner.default_url == "/lab/tree/labs"
    env = _environment(config)
    assert env["MMLAB_LABS_DIR"] == str(ROOT / "labs" / "student")
    assert env["OMP_NUM_THREADS"] == "1" and "MMLAB_PROFILE" not in env  # mmlab picks the profile by device
    assert "spawner_class" not in config.JupyterHub and "authenticator_class" not in config.JupyterHub

    config = _load(DEPLOY / "jupyterhub_config.py", monkeypatch, MMLAB_PROFILE="full", MMLAB_USER_PYTHON="/u/py")
    assert _environment(config)["MMLAB_PROFILE"] == "full"
    assert config.Spawner.cmd[0] == "/u/py"


def test_the_demo_layer_uses_pip_packages_and_keeps_all_state_in_one_folder(monkeypatch, tmp_path):
    config = _load(DEPLOY / "jupyterhub_config.py", monkeypatch, MMLAB_HUB_DEMO="1", MMLAB_HUB_STATE=str(tmp_path))
    assert config.JupyterHub.spawner_class == "simple"
    assert config.JupyterHub.authenticator_class == "shared-password"
    assert config.SharedPasswordAuthenticator.user_password is None  # no password given: no login
    assert "services" not in config.JupyterHub  # no admin token given: no admin service
    proxy = Path(config.ConfigurableHTTPProxy.command[0])
    assert proxy.parent == Path(sys.executable).parent and "configurable_http_proxy" in proxy.read_text()
    assert config.Spawner.cmd[0] == sys.executable
    for path in (
        config.JupyterHub.db_url.removeprefix("sqlite:///"),
        config.JupyterHub.cookie_secret_file,
        config.ConfigurableHTTPProxy.pid_file,
        config.SimpleLocalProcessSpawner.home_dir_template,
    ):
        assert Path(path).is_relative_to(tmp_path), path
    assert config.JupyterHub.bind_url.startswith("http://127.0.0.1:")

    config = _load(
        DEPLOY / "jupyterhub_config.py",
        monkeypatch,
        MMLAB_HUB_DEMO="1",
        MMLAB_HUB_STATE=str(tmp_path),
        MMLAB_HUB_ADMIN_TOKEN="t" * 64,
        MMLAB_HUB_PASSWORD="p" * 16,
    )
    assert config.JupyterHub.services == [{"name": "mmlab-admin", "api_token": "t" * 64}]
    assert config.SharedPasswordAuthenticator.user_password == "p" * 16


def test_tljh_loads_the_same_configuration():
    snippet = (DEPLOY / "tljh" / "mmlab.py").read_text()
    assert 'load_subconfig("/srv/mmlab/deploy/jupyterhub_config.py")' in snippet


def test_zero_to_jupyterhub_values_mirror_the_hub_configuration(monkeypatch):
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())["singleuser"]
    config = _load(DEPLOY / "jupyterhub_config.py", monkeypatch)
    assert values["cmd"][1:] == config.Spawner.cmd[1:]
    assert values["defaultUrl"] == config.Spawner.default_url
    portable = set(_environment(config))
    assert portable <= set(values["extraEnv"])
    profiles = {p["display_name"].split(":")[0]: p["kubespawner_override"] for p in values["profileList"]}
    assert {name: o["environment"]["MMLAB_PROFILE"] for name, o in profiles.items()} == {"CPU": "quick", "GPU": "full"}
    assert all(portable <= set(o["environment"]) for o in profiles.values())
    assert profiles["GPU"]["extra_resource_limits"] == {"nvidia.com/gpu": "1"}
    assert "nvidia.com/gpu" not in str(profiles["CPU"])

    nbgrader = _load(DEPLOY / "nbgrader_config.py", monkeypatch)
    mounts = {m["name"]: m["mountPath"] for m in values["storage"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == nbgrader.Exchange.root
    claim = yaml.safe_load((DEPLOY / "z2jh" / "exchange-pvc.yaml").read_text())
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    volumes = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in values["storage"]["extraVolumes"]}
    assert volumes["nbgrader-exchange"] == claim["metadata"]["name"]


SECRET = re.compile(
    r"(?i)(secret_?token|api_token|password|cookie_secret)\s*[:=]\s*['\"][^'\"]{6,}['\"]"  # a literal value
    r"|\b[0-9a-f]{32,}\b"  # a hex token
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)


def test_no_secret_is_committed_under_deploy():
    found = [
        f"{p.relative_to(ROOT)}: {m.group(0)[:40]}"
        for p in sorted(DEPLOY.rglob("*"))
        if p.is_file()
        for m in SECRET.finditer(p.read_text(errors="replace"))
    ]
    assert not found
