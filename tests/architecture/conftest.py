"""Fixtures for the architecture checks: the repository root and the tools installed beside this Python."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass
class ToolRun:
    """Exit code and combined output of one tool run."""

    code: int
    output: str


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout the tests run from (the folder holding pyproject.toml)."""
    return REPO


@pytest.fixture(scope="session")
def run_tool() -> Callable[..., ToolRun]:
    """Run a console script of this virtualenv (`lint-imports`, `mypy`, `ruff`) from the repository root.

    The script is looked up beside sys.executable (not on PATH) so the check uses the versions the `test`
    extra installed; the checkout comes first on PYTHONPATH so the tools read this tree, not an installed copy.
    """

    def run(name: str, *args: str, timeout: float = 300) -> ToolRun:
        script = Path(sys.executable).parent / name
        if not script.exists():
            pytest.fail(f"{name} is not installed beside {sys.executable}: pip install -e '.[test]'")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        done = subprocess.run(
            [str(script), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return ToolRun(done.returncode, (done.stdout + done.stderr).strip())

    return run
