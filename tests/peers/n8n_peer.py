"""Start a real n8n (installed by install_n8n.sh) on a free loopback port, bootstrap an owner and API key, stop it.

Used by tests/support/loopback.py and tests/peers/test_n8n_types_peer.py. Tests marked peer("n8n") are
skipped before they get here when n8n is missing (tests/conftest.py, tests/peers/presence.py); if the fixture is
reached anyway, a missing install is a failure with the command to run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

N8N_VERSION = "1.123.81"
API_KEY_SCOPES = [
    "credential:create",
    "credential:delete",
    "credential:move",
    "securityAudit:generate",
    "workflow:create",
    "workflow:read",
    "workflow:list",
    "workflow:update",
    "workflow:delete",
]
OWNER = {"email": "owner@idspine.test", "firstName": "Test", "lastName": "Owner", "password": "IdspinePeer1x"}


class PeerMissing(RuntimeError):
    """n8n is not installed where the installer puts it."""


@dataclass
class N8nPeer:
    """A running n8n: its address, an API key for the public API, and its log file."""

    base_url: str
    api_key: str
    log_path: Path
    user_folder: Path


def install_dir() -> Path:
    return Path(os.environ.get("IDSPINE_PEERS", Path.home() / ".cache" / "idspine-peers")) / "n8n"


def n8n_binary() -> Path:
    """The installed n8n launcher, or PeerMissing with the install command."""
    directory = install_dir()
    binary = directory / "node_modules" / ".bin" / "n8n"
    marker = directory / ".installed"
    if not binary.exists() or not marker.exists() or marker.read_text().strip() != N8N_VERSION:
        raise PeerMissing(
            f"n8n {N8N_VERSION} is not installed in {directory}; run `bash tests/peers/install_n8n.sh`"
        )
    return binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def running_n8n(start_timeout: float = 180.0) -> Iterator[N8nPeer]:
    """Start n8n, wait until its REST API answers, create the owner and an API key; stop it (process group) afterwards."""
    binary = n8n_binary()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="idspine-n8n-") as tmp:
        folder = Path(tmp) / "user"
        folder.mkdir()
        log_path = Path(tmp) / "n8n.log"
        env = {
            **os.environ,
            "N8N_EXPRESSION_ENGINE": "legacy",
            "N8N_USER_FOLDER": str(folder),
            "N8N_PORT": str(port),
            "N8N_LISTEN_ADDRESS": "127.0.0.1",
            "N8N_HOST": "127.0.0.1",
            "N8N_DIAGNOSTICS_ENABLED": "false",
            "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
            "N8N_TEMPLATES_ENABLED": "false",
            "N8N_PERSONALIZATION_ENABLED": "false",
            "N8N_RUNNERS_ENABLED": "false",
            "N8N_SECURE_COOKIE": "false",
            "N8N_EDITOR_BASE_URL": f"http://127.0.0.1:{port}",
        }
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(binary), "start"],
                cwd=binary.parent.parent.parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(proc, base, log_path, start_timeout)
            api_key = _bootstrap(base)
            yield N8nPeer(base, api_key, log_path, folder)
        finally:
            _stop(proc)


def _wait_healthy(proc: subprocess.Popen[bytes], base: str, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"n8n exited with {proc.returncode} while starting:\n{_tail(log_path)}")
        try:
            # /healthz answers while n8n is still starting; /rest/settings only once the REST API is up.
            r = httpx.get(base + "/rest/settings", timeout=2)
            if r.status_code == 200 and r.headers.get("content-type", "").startswith("application/json"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"n8n did not answer /healthz within {timeout:.0f} s:\n{_tail(log_path)}")


def _bootstrap(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/rest/owner/setup", json=OWNER)
        r.raise_for_status()
        r = client.post(
            "/rest/api-keys", json={"label": "idspine-tests", "expiresAt": None, "scopes": API_KEY_SCOPES}
        )
        r.raise_for_status()
        return str(r.json()["data"]["rawApiKey"])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
