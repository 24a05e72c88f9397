"""`idspine rotate`: the plan, the run, one line and an exit code for every failure, and resuming by running again."""

from __future__ import annotations

from pathlib import Path

import pytest
from rotate_rig import CRED, SP, Rig

from wizard.cli.commands import rotate as rotate_cli
from wizard.inventory import load

TOKEN_ENV = "IDSPINE_TEST_ROTATE_GRAPH_TOKEN"


@pytest.fixture
def cli_rig(rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Rig:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv(TOKEN_ENV, rig.directory.token)
    rig.journal_dir = tmp_path / "state" / "idspine" / "rotations"
    monkeypatch.setattr(rotate_cli, "_prover", lambda args, ws, sp: rig.prove)
    monkeypatch.setattr(rotate_cli, "_retry_policy", rig.retry)  # the fake clock: no real waits
    return rig


def args(rig: Rig, *extra: str) -> list[str]:
    return [
        "rotate",
        SP,
        "--file",
        str(rig.path),
        "--graph-url",
        rig.graph_url,
        "--token-env",
        TOKEN_ENV,
        "--env-file",
        str(rig.env_file),
        "--allow-loopback-http",
        *extra,
    ]


def test_dry_run_prints_the_plan_and_changes_nothing(cli_rig: Rig, run_cli) -> None:
    before = cli_rig.path.read_bytes()
    res = run_cli(*args(cli_rig, "--dry-run"))
    assert res.code == 0, res.err
    assert cli_rig.old_key in res.out and "Sync 1" in res.out and "removePassword" in res.out
    assert cli_rig.path.read_bytes() == before and not cli_rig.journals()
    assert not cli_rig.directory.writes() and all(c[0] == "GET" for c in cli_rig.n8n.calls)


def test_rotate_runs_to_the_end_and_says_so(cli_rig: Rig, run_cli) -> None:
    res = run_cli(*args(cli_rig, "--yes"))
    assert res.code == 0, res.err
    cli_rig.assert_completed()
    assert "1 old secret(s) removed, 1 n8n credential(s) replaced, 3 workflow(s) re-pointed" in res.out
    for value in cli_rig.issued:
        assert value not in res.out + res.err


def test_a_credential_id_works_as_name(cli_rig: Rig, run_cli) -> None:
    argv = args(cli_rig, "--yes")
    argv[1] = CRED
    assert run_cli(*argv).code == 0
    cli_rig.assert_completed()


def test_a_failed_proof_is_one_line_exit_1_and_running_again_resumes(
    cli_rig: Rig, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rotate_cli, "_prover", lambda a, w, s: lambda secret: (False, "AADSTS7000215: bad"))
    res = run_cli(*args(cli_rig, "--yes"))
    assert res.code == 1
    assert len(res.err.strip().splitlines()) == 1 and "again to resume" in res.err
    assert load(cli_rig.path).credential(CRED).key_id == cli_rig.old_key  # type: ignore[union-attr]
    monkeypatch.setattr(rotate_cli, "_prover", lambda a, w, s: cli_rig.prove)
    res = run_cli(*args(cli_rig, "--yes"))
    assert res.code == 0, res.err
    assert "resuming" in res.out
    cli_rig.assert_completed()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--token-env", "IDSPINE_TEST_NO_SUCH_VAR"], "is empty or not set"),
        (["--secret-days", "0"], "--secret-days"),
        (["--n8n-api-key-ref", "env:IDSPINE_TEST_NO_SUCH_KEY"], "n8n API key"),
        (["--n8n-url", "ftp://n8n.example"], "n8n:"),
    ],
)
def test_refusals_are_one_line_and_exit_2(cli_rig: Rig, run_cli, change: list[str], message: str) -> None:
    res = run_cli(*args(cli_rig, "--yes"), *change)
    assert res.code == 2 and message in res.err and len(res.err.strip().splitlines()) == 1
    assert not cli_rig.directory.writes() and not cli_rig.journals()


def test_unknown_name_and_demo(cli_rig: Rig, run_cli) -> None:
    argv = args(cli_rig, "--yes")
    argv[1] = "nobody"
    res = run_cli(*argv)
    assert res.code == 2 and "no service principal or credential named 'nobody'" in res.err
    res = run_cli("rotate", SP, "--demo")
    assert res.code == 2 and "--file, not --demo" in res.err


def test_declining_changes_nothing(cli_rig: Rig, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    res = run_cli(*args(cli_rig))
    assert res.code == 1 and "Nothing changed." in res.out
    assert not cli_rig.directory.writes() and not cli_rig.journals()
