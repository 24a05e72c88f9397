"""The headless commands: check, export, schema and demo."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import jsonschema

from wizard.inventory import dumps


def test_check_on_demo_fails_with_errors_listed(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--demo", "--today", "2026-11-23", "--format", "json")
    assert r.code == 1
    data = json.loads(r.out)
    assert data["counts"]["error"] >= 3
    assert {"expired", "privileged-in-workflow"} <= {f["rule"] for f in data["findings"]}


def test_check_exit_codes_follow_the_findings(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.audit.test_audit import TODAY, healthy

    path = tmp_path / "idspine.toml"
    path.write_text(dumps(healthy()))
    clean = run_cli("check", str(path), "--today", str(TODAY))
    assert clean.code == 0 and "healthy" in clean.out
    ws = healthy()
    ws.credentials[0].owner = ""
    path.write_text(dumps(ws))
    assert run_cli("check", str(path), "--today", str(TODAY)).code == 1
    assert run_cli("check", "--file", str(path), "--today", str(TODAY), "--fail-on", "error").code == 0


def test_check_says_when_an_older_schema_was_migrated_in_memory(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.audit.test_audit import TODAY, healthy
    from wizard.model import SCHEMA_VERSION

    path = tmp_path / "idspine.toml"
    current = dumps(healthy())
    path.write_text(current)
    assert "migrated" not in run_cli("check", str(path), "--today", str(TODAY)).err
    older = SCHEMA_VERSION - 1
    path.write_text(current.replace(f"schema_version = {SCHEMA_VERSION}", f"schema_version = {older}", 1))
    result = run_cli("check", str(path), "--today", str(TODAY))
    assert result.code == 0
    assert f"migrated from schema {older} in memory; saving writes schema {SCHEMA_VERSION}" in result.err
    assert path.read_text().count(f"schema_version = {older}") == 1  # reading never rewrites the file


def test_check_damaged_file_exits_two_and_leaves_it_alone(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "idspine.toml"
    path.write_text('schema_version = 1\n[consultancy\nname = "x"\n')
    before = path.read_bytes()
    r = run_cli("check", "--file", str(path))
    assert r.code == 2 and str(path) in r.err and ":2" in r.err
    assert path.read_bytes() == before


def test_check_missing_file_is_explained(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--file", str(tmp_path / "none.toml"))
    assert r.code == 2 and "no inventory" in r.err


def test_check_client_filter(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--demo", "--today", "2026-11-23", "--format", "json", "--client", "globex")
    subjects = {f["subject"] for f in json.loads(r.out)["findings"]}
    assert subjects and all("globex" in s for s in subjects)


def test_export_checklist_for_one_client(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", "checklist", "--demo", "--client", "acme", "--today", "2026-11-23")
    assert r.code == 0
    assert "Tenant-Acme-Data-Engineer" in r.out and "Globex" not in r.out
    assert "- [ ]" in r.out and "svc-n8n-graph-acme" in r.out


def test_export_unknown_client_is_refused(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", "checklist", "--demo", "--client", "initech")
    assert r.code == 2 and "acme" in r.err


def test_export_csv_to_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "inventory.csv"
    r = run_cli("export", "csv", "--demo", "--output", str(out), "--today", "2026-11-23")
    assert r.code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    by_name = {row["name"]: row for row in rows}
    assert by_name["acme-openai"]["health"] == "error"
    assert by_name["svc-github-deploy-acme"]["health"] == "ok"
    assert len(rows) == 5 + 30


def test_csv_neutralises_formulas(demo_ws) -> None:  # type: ignore[no-untyped-def]
    from wizard.export.csv_table import render

    demo_ws.credentials[0].label = '=HYPERLINK("http://x")'
    assert "'=HYPERLINK" in render(demo_ws)


def test_schema_validates_the_demo_inventory(run_cli) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(run_cli("schema").out)
    # TOML dates become ISO strings, as editors with JSON Schema support see them.
    demo = json.loads(json.dumps(tomllib.loads(run_cli("demo", "--today", "2026-11-23").out), default=str))
    jsonschema.validate(demo, schema)
    demo["credentials"][0]["method"] = "telepathy"
    try:
        jsonschema.validate(demo, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("schema accepted an unknown method")


def test_demo_write_never_overwrites(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "idspine.toml"
    assert run_cli("demo", "--write", str(path)).code == 0
    before = path.read_bytes()
    assert run_cli("demo", "--write", str(path)).code == 2
    assert path.read_bytes() == before
    assert run_cli("check", "--file", str(path)).code in (0, 1)


def test_every_command_prints_help(run_cli) -> None:  # type: ignore[no-untyped-def]
    from wizard.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert {"check", "export", "schema", "demo"} <= set(commands)
    for name in commands:
        r = run_cli(name, "--help")
        assert r.code == 0 and "usage: idspine" in r.out, name
