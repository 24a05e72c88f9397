"""`idspine check --format junit` and the $GITHUB_STEP_SUMMARY Markdown: parse back, escape hostile text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.unit.audit.test_report_formats import hostile_finding
from wizard.audit import Finding, Severity
from wizard.audit.junit import junit_xml
from wizard.audit.rule_text import RULE_TEXT
from wizard.audit.step_summary import ROW_LIMIT, summary_markdown

# XML 1.0 Char production (https://www.w3.org/TR/xml/#charsets), negated
NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def test_junit_structure_counts_and_severities() -> None:
    findings = [
        Finding("expired", Severity.ERROR, "credential:a", "expired", "rotate", "x"),
        Finding("expiring", Severity.WARNING, "credential:b", "soon", "rotate", "x"),
        Finding("better-method", Severity.INFO, "credential:c", "could be keyless", "switch", "x"),
    ]
    root = ET.fromstring(junit_xml(findings))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(RULE_TEXT) <= set(suites)  # every rule shows, passing ones too
    assert suites["expired"].find("testcase/failure").get("type") == "error"  # type: ignore[union-attr]
    assert suites["expiring"].find("testcase/failure").get("type") == "warning"  # type: ignore[union-attr]
    info = suites["better-method"].find("testcase")
    assert (
        info is not None
        and info.find("failure") is None
        and "could be keyless" in info.findtext("system-out", "")
    )
    assert suites["no-owner"].find("testcase").get("name") == "no findings"  # type: ignore[union-attr]
    assert root.get("failures") == "2"
    assert int(root.get("tests", "0")) == sum(int(s.get("tests", "0")) for s in suites.values())
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "0")) == len(cases)
        assert int(suite.get("failures", "0")) == sum(1 for c in cases if c.find("failure") is not None)


def test_junit_hostile_text_is_valid_xml_without_control_characters() -> None:
    document = junit_xml([hostile_finding(), hostile_finding(Severity.INFO, "better-method")])
    assert not NOT_XML_CHAR.search(document)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]", document)
    root = ET.fromstring(document)  # parses: escaping held
    case = next(c for c in root.iter("testcase") if c.get("classname") == "takeover-permission")
    assert case.get("name", "").startswith("service-principal:evil\\u001b[31m")
    assert "<b>&" in case.find("failure").get("message", "")  # type: ignore[union-attr]  # escaped, then read back


def test_summary_counts_table_and_escaping() -> None:
    md = summary_markdown([hostile_finding(), hostile_finding(Severity.WARNING)])
    assert "**1** error · **1** warning · **0** info" in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 2
    for row in rows:
        assert row.count(" | ") == 4  # the hostile `|` did not open a cell
        assert "\\|" in row and "\\<b\\>" in row and "\x1b" not in row and "\n" not in row
    assert "\n# heading" not in md


def test_summary_without_findings_and_past_the_row_limit() -> None:
    assert "healthy" in summary_markdown([])
    many = [
        Finding("expired", Severity.ERROR, f"credential:c{i}", "m", "f", "x") for i in range(ROW_LIMIT + 5)
    ]
    md = summary_markdown(many)
    assert f"**{ROW_LIMIT + 5}** error" in md and "5 more" in md


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_check_appends_the_summary_to_the_step_summary_file_only(
    run_cli,  # type: ignore[no-untyped-def]
    fmt: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = run_cli("check", "--demo", "--today", "2026-11-23", "--format", fmt)
    assert r.code == 1
    written = summary.read_text()
    assert written.startswith("earlier step\n## idspine check")  # appended, not replaced
    assert "## idspine check" not in r.out and "| Severity |" not in r.out
    if fmt == "junit":
        ET.fromstring(r.out)


def test_no_summary_file_without_the_variable(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(tmp_path)
    assert run_cli("check", "--demo", "--format", "junit").code == 1
    assert list(tmp_path.iterdir()) == []


def test_unwritable_summary_is_one_line_and_keeps_the_exit_code(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing-dir" / "summary.md"))
    r = run_cli("check", "--demo", "--today", "2026-11-23", "--format", "sarif")
    assert r.code == 1 and r.out.lstrip().startswith("{")
    assert len(r.err.strip().splitlines()) == 1 and "GITHUB_STEP_SUMMARY" in r.err


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
def test_exit_codes_stay_for_the_new_formats(run_cli, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.audit.test_audit import TODAY, healthy
    from wizard.inventory import dumps

    path = tmp_path / "inv.toml"
    path.write_text(dumps(healthy()))
    assert run_cli("check", str(path), "--today", str(TODAY), "--format", fmt).code == 0
    unreadable = run_cli("check", "--file", str(tmp_path / "none.toml"), "--format", fmt)
    assert unreadable.code == 2 and unreadable.out == "" and len(unreadable.err.strip().splitlines()) == 1
