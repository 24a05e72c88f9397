"""Every headless command run on a workspace full of planted escapes and markup: nothing arrives raw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.hostile import HOSTILE, MARKUP, hostile_workspace, raw_characters
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import dumps

TODAY = str(DEMO_TODAY)


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(hostile_workspace(demo_workspace(DEMO_TODAY))), encoding="utf-8")
    return path


def _commands(f: str) -> list[tuple[str, ...]]:
    return [
        ("check", "--file", f, "--today", TODAY),
        ("check", "--file", f, "--today", TODAY, "--limit", "0"),
        ("check", "--file", f, "--today", TODAY, "--limit", "3"),
        ("check", "--file", f, "--today", TODAY, "--format", "json"),
        ("export", "checklist", "--file", f, "--today", TODAY),
        ("export", "csv", "--file", f, "--today", TODAY),
        ("export", "az", "--file", f),
        ("export", "terraform", "--file", f),
        ("offboard", "acme", "--file", f),
        ("offboard", "acme", "--file", f, "--format", "json"),
        ("offboard", "--owner", "alex@northwinddata.onmicrosoft.com", "--file", f),
        ("plan", "--file", f),
        ("plan", "--file", f, "--client", "acme"),
        ("explain", "service-principals", "--file", f),
        ("explain", "service-principals", "--file", f, "--plain"),
        ("explain", "static-keys", "--file", f),
        ("n8n", "sso", "--file", f),
        ("n8n", "push", "--dry-run", "--file", f),
        ("blueprint", "show", "three-planes", "--client", "acme", "--file", f),
        ("verify", HOSTILE, "--file", f),
        ("advise", HOSTILE),
        ("explain", HOSTILE),
        ("supabase", "redirect", "--project-ref", HOSTILE, "--file", f),
        ("check", "--file", f, "--client", HOSTILE),
    ]


def test_no_planted_control_character_reaches_the_terminal(run_cli, planted: Path) -> None:  # type: ignore[no-untyped-def]
    for argv in _commands(str(planted)):
        r = run_cli(*argv)
        assert "Traceback" not in r.err, argv
        assert raw_characters(r.out) == [], argv
        assert raw_characters(r.err) == [], argv
        assert r.out or r.err, argv


def test_markup_in_names_is_shown_literally_by_check_and_never_crashes(
    run_cli,
    planted: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "4000")  # wide enough that the table folds no cell
    for limit in ("0", "60"):
        r = run_cli("check", "--file", str(planted), "--today", TODAY, "--limit", limit)
        assert r.code == 1 and not r.err
        assert MARKUP in r.out


def test_json_output_stays_valid_and_keeps_the_text(run_cli, planted: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--file", str(planted), "--today", TODAY, "--format", "json")
    data = json.loads(r.out)
    assert any(MARKUP in f["subject"] or MARKUP in f["message"] for f in data["findings"])
    assert any("\u202e" in f["message"] for f in data["findings"])  # escaped on the wire, intact once parsed


def test_markdown_exports_render_no_link_html_or_emphasis_from_names(run_cli, planted: Path) -> None:  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    for argv in (
        ("export", "checklist", "--file", str(planted), "--today", TODAY),
        ("offboard", "acme", "--file", str(planted)),
        ("offboard", "--owner", "alex@northwinddata.onmicrosoft.com", "--file", str(planted)),
    ):
        out = run_cli(*argv).out
        tokens = MarkdownIt("commonmark").parse(out)
        kinds = {child.type for t in tokens for child in (t.children or [])} | {t.type for t in tokens}
        assert not kinds & {"link_open", "image", "html_inline", "html_block", "em_open"}, argv
        assert "[x](javascript:alert(1))" in MarkdownIt("commonmark").render(out), argv


def test_markdown_export_renders_the_names_literally(planted: Path) -> None:
    from markdown_it import MarkdownIt

    from wizard.export import checklist

    ws = hostile_workspace(demo_workspace(DEMO_TODAY))
    tokens = MarkdownIt("commonmark").parse(checklist.render(ws, "acme", DEMO_TODAY))
    kinds = {child.type for t in tokens for child in (t.children or [])}
    assert not kinds & {"link_open", "image", "html_inline", "em_open"}
    assert "html_block" not in {t.type for t in tokens}
    html = MarkdownIt("commonmark").render(checklist.render(ws, "acme", DEMO_TODAY))
    assert "<a " not in html and "<img" not in html
    assert "[x](javascript:alert(1))" in html and "**bold**" in html  # the name, shown as typed


def test_csv_cell_with_a_bare_carriage_return_cannot_start_a_row(planted: Path) -> None:
    import csv
    import io

    from wizard.export import csv_table

    ws = hostile_workspace(demo_workspace(DEMO_TODAY))
    text = csv_table.render(ws, today=DEMO_TODAY)
    assert "\r" not in text and raw_characters(text) == []
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + len(ws.credentials) + len(ws.service_principals)
    naive = text.splitlines()  # a line-based tool sees the same number of rows
    assert len(naive) == len(rows)


def test_explainers_filled_with_planted_names_add_no_link_or_html() -> None:
    from markdown_it import MarkdownIt

    from wizard import explainer_library as lib

    ws = hostile_workspace(demo_workspace(DEMO_TODAY))
    for explainer in lib.all_explainers():
        for text in (lib.fill(explainer, ws, today=DEMO_TODAY), lib.pane_text(explainer, ws, DEMO_TODAY)):
            tokens = MarkdownIt("commonmark").parse(text)
            inline = [c for t in tokens for c in (t.children or [])]
            assert not [c for c in inline if c.type in ("html_inline", "image")], explainer.id
            assert "html_block" not in {t.type for t in tokens}, explainer.id
            hrefs = [str(c.attrs.get("href")) for c in inline if c.type == "link_open"]
            assert all(h.startswith(("explainer:", "https://")) for h in hrefs), (explainer.id, hrefs)
            assert raw_characters(text) == [], explainer.id


def test_az_script_and_terraform_carry_no_raw_control_character_and_keep_the_names(tmp_path: Path) -> None:
    import subprocess

    import hcl2

    from wizard.export import azure_cli, terraform

    ws = hostile_workspace(demo_workspace(DEMO_TODAY))
    script = azure_cli.render(ws)
    assert raw_characters(script) == []
    (tmp_path / "setup.sh").write_text(script)
    assert subprocess.run(["bash", "-n", str(tmp_path / "setup.sh")], capture_output=True).returncode == 0
    value = HOSTILE.replace("\r", "\r'\"$x`") + "\\"
    echoed = subprocess.run(["bash", "-c", f"printf %s {azure_cli.q(value)}"], capture_output=True)
    assert echoed.stdout.decode("utf-8") == value  # the same name reaches az, byte for byte
    hcl = terraform.render(ws)
    assert raw_characters(hcl) == []
    literal = hcl2.loads(f"x = {terraform.hstr(value)}\n")[
        "x"
    ]  # parses; python-hcl2 keeps escapes as written
    assert json.loads(literal.replace("$${", "${").replace("%%{", "%{")) == value  # HCL's escapes are JSON's
