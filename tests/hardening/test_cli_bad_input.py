"""Every subcommand (found from the parser) given a bad path, date or value: one line, non-zero exit, no traceback."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import build_parser
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import dumps

ROOT = Path(__file__).resolve().parents[2]


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [(path, parser)]
    return [leaf for name, sub in subs[0].choices.items() for leaf in _leaves(sub, (*path, name))]


LEAVES = _leaves(build_parser())


def _required(parser: argparse.ArgumentParser) -> list[str]:
    """Placeholder values for the required arguments, so the bad one is what the command meets first."""
    out: list[str] = []
    for a in parser._actions:
        if a.option_strings:
            if a.required:
                out += [a.option_strings[0], "x"]
        elif a.nargs not in ("?", "*") and not isinstance(a, argparse._SubParsersAction):
            out.append(sorted(a.choices)[-1] if a.choices else "x")
    return out


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


@pytest.fixture(autouse=True)
def _no_real_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("IDSPINE_CLIENT_ID", "IDSPINE_TENANT", "IDSPINE_OIDC_AUTHORITY", "IDSPINE_TODAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IDSPINE_TOKEN_CACHE", str(tmp_path / "no-cache.json"))
    monkeypatch.chdir(tmp_path)


def _one_line_failure(r, argv) -> None:  # type: ignore[no-untyped-def]
    assert r.code != 0, (argv, r.out, r.err)
    assert "Traceback" not in r.err + r.out, argv
    lines = r.err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0], (argv, r.err)


def test_every_subcommand_is_found() -> None:
    names = {" ".join(p) for p, _ in LEAVES}
    assert {
        "check",
        "export",
        "offboard",
        "plan",
        "apply",
        "verify",
        "n8n push",
        "n8n sso",
        "supabase redirect",
        "explain",
        "advise",
        "schema",
        "demo",
        "signin",
        "signout",
        "blueprint",
    } <= names


@pytest.mark.parametrize(("path", "parser"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_an_unknown_option_is_one_line(run_cli, path, parser) -> None:  # type: ignore[no-untyped-def]
    argv = (*path, *_required(parser), "--no-such-option")
    _one_line_failure(run_cli(*argv), argv)


@pytest.mark.parametrize(("path", "parser"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_a_bad_choice_or_number_is_one_line(run_cli, path, parser) -> None:  # type: ignore[no-untyped-def]
    bad = [a for a in parser._actions if a.option_strings and (a.choices or a.type is not None)]
    for action in bad:
        argv = (*path, *_required(parser), action.option_strings[0], "-1x\x1b[2J")
        r = run_cli(*argv)
        _one_line_failure(r, argv)
        assert "\x1b" not in r.err


@pytest.mark.parametrize(
    ("path", "parser"),
    [leaf for leaf in LEAVES if "--file" in _options(leaf[1])],
    ids=[" ".join(p) for p, parser in LEAVES if "--file" in _options(parser)],
)
def test_a_missing_inventory_is_one_line(run_cli, path, parser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = str(tmp_path / "nowhere" / "idspine.toml")
    for argv in (
        (*path, *_required(parser), "--file", missing),
        ("--file", missing, *path, *_required(parser)),
    ):
        r = run_cli(*argv)
        if path == ("blueprint",) or path[:1] == ("explain",):  # list/show a topic that needs no inventory
            assert "Traceback" not in r.err and len(r.err.strip().splitlines()) <= 1
            continue
        _one_line_failure(r, argv)


@pytest.mark.parametrize(
    ("path", "parser"),
    [leaf for leaf in LEAVES if "--today" in _options(leaf[1])],
    ids=[" ".join(p) for p, parser in LEAVES if "--today" in _options(parser)],
)
def test_a_bad_date_is_one_line(run_cli, path, parser, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    demo = ("--demo",) if "--demo" in _options(parser) else ()
    for day in ("2026-13-45", "tomorrow", ""):
        argv = (*path, *_required(parser), *demo, "--today", day)
        r = run_cli(*argv)
        _one_line_failure(r, argv)
        assert r.code == 2
    monkeypatch.setenv("IDSPINE_TODAY", "tomorrow")
    r = run_cli(*path, *_required(parser), *demo)
    _one_line_failure(r, path)
    assert r.code == 2 and "IDSPINE_TODAY" in r.err


def test_idspine_today_is_checked_wherever_it_is_used(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IDSPINE_TODAY", "2026-02-30")
    for argv in (("check", "--demo"), ("explain", "service-principals", "--demo"), ("demo",)):
        r = run_cli(*argv)
        _one_line_failure(r, argv)
        assert r.code == 2


def test_export_output_into_a_missing_folder_or_onto_the_inventory_is_refused(
    run_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    inventory = tmp_path / "idspine.toml"
    inventory.write_text(dumps(demo_workspace(DEMO_TODAY)))
    before = inventory.read_bytes()
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.toml").symlink_to(inventory)
    for target in (
        str(tmp_path / "missing" / "out.csv"),
        str(inventory),
        str(tmp_path / "sub" / ".." / "idspine.toml"),
        str(tmp_path / "link.toml"),
        "idspine.toml",
        "./idspine.toml",
        str(tmp_path / "sub"),
    ):
        argv = ("export", "csv", "--file", str(inventory), "-o", target)
        r = run_cli(*argv)
        _one_line_failure(r, argv)
        assert r.code == 2
    assert run_cli("export", "csv", "--demo", "-o", "idspine.toml").code == 2  # the inventory in this folder
    assert inventory.read_bytes() == before
    assert run_cli("demo", "--write", str(tmp_path / "missing" / "demo.toml")).code == 2


def test_global_file_and_demo_before_the_subcommand_are_honoured_or_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.name = "Globally Chosen Ltd"
    inventory = tmp_path / "mine.toml"
    inventory.write_text(dumps(ws))
    r = run_cli("--file", str(inventory), "export", "checklist", "--today", str(DEMO_TODAY))
    assert r.code == 0 and "Globally Chosen Ltd" in r.out
    assert (
        run_cli("-f", str(inventory), "check", "--today", str(DEMO_TODAY)).code == 1
    )  # read, not "no inventory"
    r = run_cli("--demo", "export", "checklist", "--today", str(DEMO_TODAY))
    assert r.code == 0 and "Northwind Data" in r.out
    for argv in (
        ("--file", str(inventory), "schema"),
        ("--demo", "advise", "airtable"),
        ("--theme", "dark", "check"),
        ("--demo", "--file", str(inventory), "check"),
        ("--file", str(inventory), "signout"),
        ("check", str(inventory), "--demo"),
        ("--demo", "check", str(inventory)),
        ("check", str(inventory), "--file", str(tmp_path / "other.toml")),
    ):
        r = run_cli(*argv)
        _one_line_failure(r, argv)
        assert r.code == 2


REPR = re.compile(r"<[A-Z][A-Za-z]*\.[A-Z_]+: |\((?:<|')[^)]*', |\[<|frozenset\(|\bNone\b(?= ?[;,.)])")


def test_no_python_reprs_in_user_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    day = str(DEMO_TODAY)
    for argv in (
        ("check", "--demo", "--limit", "0", "--today", day),
        ("check", "--demo", "--format", "json", "--today", day),
        ("export", "checklist", "--demo", "--today", day),
        ("offboard", "acme", "--demo"),
        ("plan", "--demo"),
        ("n8n", "push", "--demo", "--dry-run"),
        ("advise", "github", "--host", "laptop"),
        ("blueprint", "show", "three-planes", "--client", "acme", "--demo"),
    ):
        r = run_cli(*argv)
        assert not REPR.findall(r.out + r.err), (argv, REPR.findall(r.out + r.err)[:3])


def test_piping_into_head_exits_quietly(tmp_path: Path) -> None:
    (tmp_path / "idspine.toml").write_text(dumps(demo_workspace(DEMO_TODAY)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # `true` exits without reading, so every write meets a closed pipe, as after `head` has had its lines.
    for command in ("export csv", "check --limit 0 --today 2026-11-23", "explain pkce", "schema"):
        result = subprocess.run(
            f"sleep 0.2 | '{sys.executable}' -m wizard {command} | true; echo ${{PIPESTATUS[1]}}",
            shell=True,
            executable="/bin/bash",
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert result.stderr == "", command
        assert result.stdout.strip() == "141", command


def test_an_unexpected_error_is_one_line_and_never_repeats_a_secret(run_cli, monkeypatch, canaries) -> None:  # type: ignore[no-untyped-def]
    import wizard.cli.commands.schema as schema

    def boom(args: argparse.Namespace) -> int:
        raise RuntimeError(f"token was {canaries['github_pat']}\nsecond line")

    monkeypatch.setattr(schema, "run", boom)
    r = run_cli("schema")
    _one_line_failure(r, ("schema",))
    assert canaries["github_pat"] not in r.err and "RuntimeError" in r.err
    monkeypatch.setattr(
        schema, "run", lambda args: (_ for _ in ()).throw(OSError(28, "No space left on device", "x"))
    )
    r = run_cli("schema")
    _one_line_failure(r, ("schema",))
    assert "No space left on device" in r.err
