"""A rotation interrupted at every point a kill can land resumes to completion with nothing lost.

Two ways: an exception raised at each checkpoint in-process, and a real SIGKILL of a subprocess running the
rotation (no finally blocks, no flushing: only what was already on disk survives). Either way, running the
rotation again must end with exactly one new secret (proven, stored, recorded), the old secret removed only
after the proof, every workflow on the new n8n credential, no orphaned secret or n8n credential, and no
secret value in the inventory, the journal or anything said.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rotate_rig import SP, Rig
from rotate_standins import TokenStandIn

# (checkpoint, which occurrence): every point between two durable steps, including each workflow re-pointed
POINTS = [
    ("add:asking", 1),
    ("add:answered", 1),
    ("store:stored", 1),
    ("verify:proven", 1),
    ("n8n:creating", 1),
    ("n8n:created", 1),
    ("n8n:repointed", 1),
    ("n8n:repointed", 2),
    ("n8n:repointed", 3),
    ("n8n:deleted", 1),
    ("remove-old:removed", 1),
    ("record:saved", 1),
]


class Killed(BaseException):
    """Raised at a checkpoint: like a kill, nothing of the rotation's own error handling catches it."""


def killer(point: str, occurrence: int, seen: list[str]):
    def check(reached: str) -> None:
        seen.append(reached)
        if reached == point and seen.count(point) == occurrence:
            raise Killed(point)

    return check


def assert_old_kept_until_proven(rig: Rig, seen: list[str]) -> None:
    if "verify:proven" not in seen:
        assert rig.old_key in {p["keyId"] for p in rig.passwords()}, "the old secret went before the proof"


@pytest.mark.parametrize(("point", "occurrence"), POINTS, ids=[f"{p}#{n}" for p, n in POINTS])
def test_interrupted_at_each_point_resumes_to_completion(rig: Rig, point: str, occurrence: int) -> None:
    seen: list[str] = []
    with pytest.raises(Killed):
        rig.rotator(checkpoint=killer(point, occurrence, seen)).run(SP)
    assert_old_kept_until_proven(rig, seen)
    rig.rotator().run(SP)
    rig.assert_completed()
    adds = sum(1 for c in rig.directory.calls if c[1].endswith("addPassword"))
    # a kill before the journal knows the value is stored loses it: one fresh start, the orphan removed
    lost = point in ("add:answered", "store:stored")
    assert adds == (2 if lost else 1), "a second new secret was made without need"


def test_killed_twice_in_a_row_still_completes(rig: Rig) -> None:
    for point in ("add:answered", "n8n:repointed"):
        with pytest.raises(Killed):
            rig.rotator(checkpoint=killer(point, 1, [])).run(SP)
    rig.rotator().run(SP)
    rig.assert_completed()


DRIVER = textwrap.dedent(
    """
    import json, os, signal, sys
    import httpx
    from wizard.inventory import load
    from wizard.providers.entra.client import GraphClient
    from wizard.providers.entra.retry import RetryPolicy
    from wizard.providers.entra.rotate import Rotator
    from wizard.providers.http import HttpSettings, build_client
    from wizard.providers.n8n.client import N8nProvider
    from wizard.secrets.resolver import resolve
    from wizard.secrets.sinks import EnvFileSink
    from pathlib import Path

    cfg = json.loads(sys.argv[1])
    seen = []

    def checkpoint(point):
        seen.append(point)
        if point == cfg["point"] and seen.count(point) == cfg["occurrence"]:
            os.kill(os.getpid(), signal.SIGKILL)

    def prove(secret):
        r = httpx.post(cfg["token_url"], data={"client_secret": secret}, timeout=5)
        body = r.json()
        return r.status_code == 200, body.get("error_description", "token issued")

    s = HttpSettings(allow_loopback_http=True, timeout=2, connect_timeout=2, sleep=lambda s: None)
    Rotator(
        ws=load(cfg["path"]),
        path=Path(cfg["path"]),
        graph=GraphClient(cfg["graph_url"], build_client(s), cfg["graph_token"], s),
        sink=EnvFileSink(cfg["env_file"]),
        prove=prove,
        resolve=resolve,
        n8n=N8nProvider(cfg["n8n_url"], build_client(s), cfg["n8n_key"], s),
        retry=RetryPolicy(sleep=lambda s: None),
        journal_dir=Path(cfg["journal_dir"]),
        checkpoint=checkpoint,
    ).run(cfg["sp"])
    print("finished")
    """
)


@pytest.mark.slow
@pytest.mark.parametrize(("point", "occurrence"), POINTS, ids=[f"{p}#{n}" for p, n in POINTS])
def test_sigkill_at_each_point_then_rotate_again(
    rig: Rig, tmp_path: Path, point: str, occurrence: int
) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    with TokenStandIn(rig.directory, rig.issued, rig.app_oid) as tokens:
        cfg = {
            "point": point,
            "occurrence": occurrence,
            "token_url": tokens.url,
            "path": str(rig.path),
            "graph_url": rig.graph_url,
            "graph_token": rig.directory.token,
            "env_file": str(rig.env_file),
            "n8n_url": rig.n8n_url,
            "n8n_key": rig.n8n.api_key,
            "journal_dir": str(rig.journal_dir),
            "sp": SP,
        }
        env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
        proc = subprocess.run(
            [sys.executable, str(driver), json.dumps(cfg)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
        for value in rig.issued:
            assert value not in proc.stdout + proc.stderr
        rig.rotator().run(SP)
    rig.assert_completed()
