"""The layering holds: import-linter's contracts (pyproject.toml) pass, and importing any core or flows module in
a fresh interpreter loads no Textual — nor httpx, msal or requests outside wizard.providers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The Textual app and the command line; everything else in wizard/ is core.
FACES = {"wizard.ui", "wizard.cli"}
UI_TOOLKIT = ("textual",)
NETWORK = ("httpx", "msal", "requests")  # only wizard.providers may load these
SUBPROCESS_BUDGET_S = (
    120.0  # all the fresh interpreters together (68 modules: 4 s on two idle cores, 17 s busy)
)


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def _core_children() -> set[str]:
    """Every direct child of the wizard package (module or subpackage) except the two faces and __main__."""
    children = set()
    for entry in (REPO / "wizard").iterdir():
        if entry.is_dir() and any(entry.glob("**/*.py")):
            children.add(f"wizard.{entry.name}")
        elif entry.suffix == ".py" and entry.stem not in {"__init__", "__main__"}:
            children.add(f"wizard.{entry.stem}")
    return children - FACES


def test_import_contracts_hold(run_tool: Callable) -> None:
    result = run_tool("lint-imports", "--no-cache")
    if result.code != 0:
        report = result.output
        start = report.find("Contracts\n")
        pytest.fail(report[start:] if start >= 0 else report, pytrace=False)


def test_the_contracts_name_every_core_module() -> None:
    """import-linter has no "all but" wildcard, so the core is listed in pyproject.toml; a module added to
    wizard/ must be added there too (or it would escape the contracts)."""
    contracts = _contracts()
    core = _core_children()
    headless = set(contracts["core-headless"]["source_modules"]) - {"flows"}
    core_layer = {name.strip() for name in contracts["layers"]["layers"][-1].split(":")}
    assert headless == core, (
        f"core-headless source_modules: add {sorted(core - headless)}, remove {sorted(headless - core)}"
    )
    assert core_layer == core, (
        f"the core layer: add {sorted(core - core_layer)}, remove {sorted(core_layer - core)}"
    )


def _core_modules() -> list[str]:
    """Every importable module of the core and of flows, by dotted name (the faces and __main__ left out)."""
    names = []
    for root in ("wizard", "flows"):
        for path in sorted((REPO / root).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join(parts)
            if name == "wizard.__main__" or any(
                name == face or name.startswith(face + ".") for face in FACES
            ):
                continue
            names.append(name)
    return names


MODULES = _core_modules()
PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted({name.partition(".")[0] for name in sys.modules})))
"""


def _import_alone(module: str) -> tuple[set[str], str]:
    """Top-level packages in sys.modules after importing `module` in a fresh interpreter, or the error."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        return set(), done.stderr.strip() or f"exit {done.returncode}"
    return set(json.loads(done.stdout.splitlines()[-1])), ""


@pytest.fixture(scope="module")
def loaded_by() -> dict[str, tuple[set[str], str]]:
    """One fresh interpreter per module (isolation: nothing imported before), run side by side."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 1) * 2)) as pool:
        results = dict(zip(MODULES, pool.map(_import_alone, MODULES), strict=True))
    elapsed = time.monotonic() - started
    assert elapsed < SUBPROCESS_BUDGET_S, f"{len(MODULES)} fresh imports took {elapsed:.0f} s"
    return results


def test_every_core_module_is_probed() -> None:
    assert "wizard" in MODULES and "flows" in MODULES and "wizard.model" in MODULES
    assert not [name for name in MODULES if name.startswith(("wizard.ui", "wizard.cli"))]


@pytest.mark.parametrize("module", MODULES)
def test_importing_a_core_module_loads_no_textual_or_network(
    module: str, loaded_by: dict[str, tuple[set[str], str]]
) -> None:
    loaded, error = loaded_by[module]
    assert not error, f"`import {module}` failed in a fresh interpreter:\n{error}"
    forbidden = UI_TOOLKIT if module.startswith("wizard.providers") else UI_TOOLKIT + NETWORK
    assert not loaded & set(forbidden), f"`import {module}` loads {sorted(loaded & set(forbidden))}"
