"""Several idspine processes updating one inventory never silently lose an update."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wizard.inventory import load, save

WORKER = textwrap.dedent("""
    import sys, time, random
    from wizard.inventory import InventoryError, load_with_digest, save
    from wizard.model import Client
    path, slug = sys.argv[1], sys.argv[2]
    refused = 0
    while True:
        loaded = load_with_digest(path)
        ws = loaded.workspace
        ws.clients.append(Client(slug=slug, name=slug))
        time.sleep(random.uniform(0, 0.02))  # widen the window between read and write
        try:
            save(ws, path, expected_digest=loaded.digest)
            break
        except InventoryError as exc:
            assert "changed on disk" in str(exc), exc
            refused += 1
    print(refused)
""")


@pytest.mark.slow
def test_parallel_read_modify_write_keeps_every_update(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "idspine.toml"
    save(demo_ws, path, expected_digest=None)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    slugs = [f"writer-{i}" for i in range(8)]
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), s], stdout=subprocess.PIPE, env=env)
        for s in slugs
    ]
    refusals = 0
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        refusals += int(out)
    final = {c.slug for c in load(path).clients}
    assert set(slugs) <= final  # every writer's change survived
    print(f"refused-and-retried saves: {refusals}")
