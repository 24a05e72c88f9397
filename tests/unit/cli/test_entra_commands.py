"""`idspine entra plan|apply|verify|signin|signout` and the top-level aliases behave alike: same output, same
exit codes; help names the aliases; `idspine entra` alone is a usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import save

COMMANDS = ("plan", "apply", "verify", "signin", "signout")


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "idspine.toml"
    save(demo_workspace(DEMO_TODAY), path)
    return path


def spellings(*argv: str) -> list[tuple[str, ...]]:
    return [argv, ("entra", *argv)]


def test_every_entra_command_has_both_spellings_and_help_names_the_alias(run_cli) -> None:  # type: ignore[no-untyped-def]
    top = run_cli("--help")
    assert top.code == 0 and "entra" in top.out
    for name in COMMANDS:
        assert f"alias of `idspine entra {name}`" in " ".join(top.out.split()), name
        alias = run_cli(name, "--help")
        assert alias.code == 0 and f"usage: idspine {name}" in alias.out
        assert f"alias of `idspine entra {name}`" in " ".join(alias.out.lower().split())
        full = run_cli("entra", name, "--help")
        assert full.code == 0 and f"usage: idspine entra {name}" in full.out
    listing = run_cli("entra", "--help")
    assert listing.code == 0 and all(name in listing.out for name in COMMANDS)


def test_entra_alone_is_a_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("entra")
    assert res.code == 2 and res.err.count("\n") == 1


def test_plan_is_the_same_under_both_names(run_cli, demo_file: Path) -> None:  # type: ignore[no-untyped-def]
    outs = [run_cli(*argv, "--file", str(demo_file)) for argv in spellings("plan")]
    assert [r.code for r in outs] == [0, 0] and outs[0].out == outs[1].out and "Entra" in outs[0].out
    demo = [run_cli(*argv, "--demo", "--client", "acme") for argv in spellings("plan")]
    assert demo[0].code == 0 and demo[0].out == demo[1].out
    before = [run_cli("--demo", *argv) for argv in spellings("plan")]  # --demo given before the command
    assert before[0].code == 0 and before[0].out == before[1].out == run_cli("plan", "--demo").out


def test_refusals_and_exit_codes_are_the_same_under_both_names(  # type: ignore[no-untyped-def]
    run_cli, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IDSPINE_CLIENT_ID", raising=False)
    monkeypatch.delenv("IDSPINE_TENANT", raising=False)  # with a tenant, #17 signs in without an app of yours
    cases = [
        (("plan", "--demo", "--client", "nobody"), 2, "unknown client"),
        (("apply", "--demo", "--yes"), 2, "use --file"),
        (("verify", "svc-nobody", "--demo"), 2, "no service principal named 'svc-nobody'"),
        (("verify", "svc-api-portal-acme", "--demo"), 2, "no app id yet"),
        (
            ("signin", "--cache", str(tmp_path / "c.json")),
            2,
            "IDSPINE_CLIENT_ID",
        ),
        (("signin", "--bogus"), 2, "unrecognized arguments: --bogus"),
    ]
    for argv, code, text in cases:
        for spelled in spellings(*argv):
            res = run_cli(*spelled)
            assert res.code == code and text in res.err, (spelled, res)
    for spelled in spellings("signin"):
        res = run_cli("--file", str(demo_file), *spelled)
        assert res.code == 2 and f"{' '.join(spelled)} does not read an inventory" in res.err
    for spelled in spellings("signout", "--cache", str(tmp_path / "none.json")):
        res = run_cli(*spelled)
        assert res.code == 0 and "Nobody was signed in" in res.out


def test_a_wrong_option_names_the_entra_command_whose_help_to_read(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert "`idspine entra plan --help`" in run_cli("entra", "plan", "--bogus").err
    assert "`idspine plan --help`" in run_cli("plan", "--bogus").err
