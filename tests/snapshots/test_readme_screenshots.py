"""The README's screenshots are the snapshot tests' own SVGs; this keeps the copies in screenshots/ current.

Run with IDSPINE_UPDATE_SCREENSHOTS=1 to refresh the copies after updating snapshots.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"
SHOTS = {
    "home.svg": "test_screen[home-120x40-dark].svg",
    "wizard.svg": "test_screen[wizard-120x40-dark].svg",
    "inspector.svg": "test_screen[inspector-120x40-dark].svg",
    "explainers.svg": "test_screen[explainers-120x40-light].svg",
    "catalogue.svg": "test_screen[catalogue-120x40-dark].svg",
}


@pytest.mark.parametrize(("name", "snapshot"), SHOTS.items())
def test_screenshot_matches_its_snapshot(name: str, snapshot: str) -> None:
    source, copy = SNAPSHOTS / snapshot, ROOT / "screenshots" / name
    if os.environ.get("IDSPINE_UPDATE_SCREENSHOTS"):
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, copy)
    assert copy.read_bytes() == source.read_bytes(), f"refresh with IDSPINE_UPDATE_SCREENSHOTS=1 ({name})"
    assert f"screenshots/{name}" in (ROOT / "README.md").read_text()
