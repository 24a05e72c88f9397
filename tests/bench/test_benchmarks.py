"""The benchmarks run in their short mode in CI and print their figures; gross regressions fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600, check=True
    )
    return done.stdout


@pytest.mark.slow
def test_startup_benchmark() -> None:
    result = json.loads(run("startup.py", "--short", "--json"))
    print(json.dumps(result, indent=2))
    assert "msal" not in result["heavy_modules_at_start"] and "httpx" not in result["heavy_modules_at_start"]
    # The first screen should cost at most a few hundred milliseconds over an empty Textual app.
    assert result["idspine_home_screen_s"] < result["minimal_textual_app_s"] + 1.5


@pytest.mark.slow
def test_inventory_scale_benchmark() -> None:
    rows = json.loads(run("inventory_scale.py", "--short", "--json"))
    print(json.dumps(rows, indent=2))
    ten_k = next(r for r in rows if r["credentials"] == 10_000)
    assert ten_k["check_cli"] < 3.0 and ten_k["load"] < 2.0


@pytest.mark.slow
def test_inspector_benchmark() -> None:
    result = json.loads(run("inspector.py", "--short", "--json"))
    print(json.dumps(result, indent=2))
    ten_k = result["rows"][0]
    assert ten_k["credentials"] == 10_000
    assert ten_k["filter_keystroke_s"] < 2.0 and ten_k["first_render_s"] < 5.0
