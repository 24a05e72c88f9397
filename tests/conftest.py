"""Shared fixtures: a fixed date, the demo workspace, canary secrets and a CLI runner."""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.model import Workspace


@pytest.fixture(autouse=True, scope="session")
def _secret_files_under_pytest_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests keep `file:` secrets in their tmp_path; idspine reads file: secrets only from folders it trusts
    (wizard.secrets.resolver), so the pytest base folder is listed in IDSPINE_SECRET_DIRS for the session.
    Tests of that rule delete the variable."""
    import os

    os.environ["IDSPINE_SECRET_DIRS"] = str(tmp_path_factory.getbasetemp())


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
