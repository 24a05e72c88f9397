"""Shared fixtures: a fixed date, the demo workspace, canary secrets and a CLI runner; the `peer` marker's rule.

Markers (declared in pyproject.toml):

- `peer("n8n" | "oidc" | "schemas", ...)`: the test needs a peer that tests/peers/install_<name>.sh puts under
  $IDSPINE_PEERS (default ~/.cache/idspine-peers): a real n8n, panva's oidc-provider, or the published schema
  wheels. `python -m pytest -m "not peer"` runs everything else, offline. Without the filter, a peer test
  whose peer is missing is skipped with the install command (tests/peers/presence.py says what is missing);
  with IDSPINE_REQUIRE_PEERS=1 (CI, which installs the peers first) it fails instead. A `peer` marker
  without a known peer name is a usage error, so every peer test says what it needs.
- `slow`: takes more than a few seconds.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import random
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.model import Workspace

# Fixtures shared across folders (they were folder conftests before the tests were laid out by kind).
pytest_plugins = ["tests.support.entra.fixtures", "tests.support.loopback"]


def _load_presence() -> ModuleType:
    # Loaded by path like the other helpers beside the tests (conftest modules cannot import them by name).
    spec = importlib.util.spec_from_file_location(
        "idspine_peer_presence", Path(__file__).parent / "peers" / "presence.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


peer_presence = _load_presence()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every `peer` marker names the peers it needs."""
    for item in items:
        for mark in item.iter_markers("peer"):
            unknown = [name for name in mark.args if name not in peer_presence.CHECKS]
            if not mark.args or unknown:
                raise pytest.UsageError(
                    f"{item.nodeid}: mark it peer(<name>) with names from {sorted(peer_presence.CHECKS)}"
                    + (f", not {unknown}" if unknown else "")
                )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test whose peer is missing is skipped with the install command (failed under IDSPINE_REQUIRE_PEERS=1)."""
    for mark in item.iter_markers("peer"):
        for name in mark.args:
            problem = peer_presence.missing(name)
            if problem is None:
                continue
            if os.environ.get("IDSPINE_REQUIRE_PEERS") == "1":
                pytest.fail(f"peer {name} required (IDSPINE_REQUIRE_PEERS=1): {problem}", pytrace=False)
            pytest.skip(f"peer {name} not available: {problem}")


@pytest.fixture(autouse=True, scope="session")
def _secret_files_under_pytest_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests keep `file:` secrets in their tmp_path; idspine reads file: secrets only from folders it trusts
    (wizard.secrets.resolver), so the pytest base folder is listed in IDSPINE_SECRET_DIRS for the session.
    Tests of that rule delete the variable."""
    import os

    os.environ["IDSPINE_SECRET_DIRS"] = str(tmp_path_factory.getbasetemp())


@pytest.fixture(autouse=True, scope="session")
def _cache_under_pytest_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """idspine's caches (the parse cache of wizard/inventory_cache.py) go to a folder of the session, never
    to the user's own cache folder (platformdirs honours XDG_CACHE_HOME; child processes inherit it)."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(autouse=True, scope="session")
def _no_real_azure_cli(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A signed-in Azure CLI on the machine running the tests must not hand them real tokens: sign-in without
    an app of one's own asks `az` first (wizard.providers.entra.azure_cli). An `az` that answers as a signed-out
    CLI does goes first on PATH; tests of the Azure CLI path put their own stand-in in front of it."""
    import os
    import sys

    folder = tmp_path_factory.mktemp("signed-out-az")
    exe = folder / "az"
    exe.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "print(\"ERROR: Please run 'az login' to setup account.\", file=sys.stderr)\n"
        "sys.exit(1)\n"
    )
    exe.chmod(0o755)
    os.environ["PATH"] = f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


@pytest.fixture
def today() -> dt.date:
    """The frozen date every test audits against."""
    return DEMO_TODAY


@pytest.fixture
def demo_ws(today: dt.date) -> Workspace:
    """A fresh demo workspace dated relative to the frozen date."""
    return demo_workspace(today)


def make_canaries(seed: int = 7) -> dict[str, str]:
    """Realistic-looking secret values, built at run time so no secret-shaped literal sits in the repo."""
    rng = random.Random(seed)
    alnum = string.ascii_letters + string.digits
    hexd = "0123456789abcdef"

    def pick(chars: str, n: int) -> str:
        return "".join(rng.choice(chars) for _ in range(n))

    return {
        "github_pat": "ghp" + "_" + pick(alnum, 36),
        "github_fine": "github" + "_pat_" + pick(alnum, 22) + "_" + pick(alnum, 59),
        "airtable_pat": "pat" + pick(alnum, 14) + "." + pick(hexd, 64),
        "supabase_token": "sbp" + "_" + pick(hexd, 40),
        "slack": "xoxb" + "-" + pick(string.digits, 12) + "-" + pick(alnum, 24),
        "aws": "AKIA" + pick(string.ascii_uppercase + string.digits, 16),
        "openai": "sk" + "-proj-" + pick(alnum, 48),
        "entra_secret": pick(alnum, 3) + "8Q~" + pick(alnum, 34),
        "jwt": "eyJ" + pick(alnum, 20) + ".eyJ" + pick(alnum, 40) + "." + pick(alnum, 43),
        "random_blob": pick(alnum, 20) + "Aa1" + pick(alnum, 21),
        "private_key": "-----BEGIN " + "PRIVATE KEY-----\n" + pick(alnum, 64),
    }


@pytest.fixture
def canaries() -> dict[str, str]:
    """Canary secret values of every known shape."""
    return make_canaries()


@dataclass
class CliResult:
    """Exit code and captured output of one `idspine` run."""

    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `idspine ARGS...` in-process and capture its output."""
    from wizard.cli import main

    def run(*argv: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
