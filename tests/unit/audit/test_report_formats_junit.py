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
    assert info is not None and info.find("failure") is None
    assert suites["no-owner"].find("testcase").get("name") == "no findings"  # type: ignore[union-attr]
    assert sum(int(s.get("failures", "0")) for s in suites.values()) == 2
    assert "could be keyless" in suites["better-method"].findtext("system-out", "")
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "0")) == len(cases)
        assert int(suite.get("failures", "0")) == sum(1 for c in cases if c.find("failure") is not None)


XS = "{http://www.w3.org/2001/XMLSchema}"
XSD = ET.parse(Path(__file__).parent / "schemas" / "JUnit.xsd").getroot()


def required(node: ET.Element) -> set[str]:
    return {a.get("name", "") for a in node.iter(f"{XS}attribute") if a.get("use") == "required"}


def check_against_ant_schema(document: str) -> None:
    """What JUnit.xsd demands of an aggregated report, read from the schema file: element order and counts,
    required attributes, integer and decimal values, the timestamp pattern, one outcome per testcase."""
    root = ET.fromstring(document)
    aggregate = XSD.find(f"{XS}element[@name='testsuites']")
    suite_type = XSD.find(f"{XS}complexType[@name='testsuite']")
    assert aggregate is not None and suite_type is not None
    assert root.tag == "testsuites" and not root.attrib  # the schema declares no attribute on it
    suite_required = {
        a.get("name", "") for a in suite_type.findall(f"{XS}attribute") if a.get("use") == "required"
    }
    suite_required |= required(aggregate)  # package and id, added for aggregated suites
    assert {"name", "timestamp", "hostname", "tests", "package", "id"} <= suite_required
    sequence = [e for e in suite_type.find(f"{XS}sequence") or [] if e.tag == f"{XS}element"]
    order = [e.get("name") for e in sequence]
    testcase_type = sequence[order.index("testcase")]
    choice = [e.get("name") for e in testcase_type.iter(f"{XS}element")]
    case_required = {
        a.get("name", "")
        for a in testcase_type.findall(f"{XS}complexType/{XS}attribute")
        if a.get("use") == "required"
    }
    assert case_required == {"name", "classname", "time"}
    failure_required = required(
        next(e for e in testcase_type.iter(f"{XS}element") if e.get("name") == "failure")
    )
    pattern = XSD.find(f"{XS}simpleType[@name='ISO8601_DATETIME_PATTERN']//{XS}pattern")
    assert pattern is not None
    for suite in root:
        assert suite.tag == "testsuite"
        assert suite_required <= set(suite.attrib), suite_required - set(suite.attrib)
        for name in ("tests", "failures", "errors", "id", "skipped"):
            int(suite.get(name, "0"))
        float(suite.get("time", ""))
        assert re.fullmatch(pattern.get("value", ""), suite.get("timestamp", ""))
        positions = [order.index(child.tag) for child in suite]  # ValueError: an element the schema lacks
        assert positions == sorted(positions)
        for element in sequence:
            n = sum(1 for child in suite if child.tag == element.get("name"))
            low = int(element.get("minOccurs", "1"))
            high = element.get("maxOccurs", "1")
            assert n >= low and (high == "unbounded" or n <= int(high)), (element.get("name"), n)
        for prop in suite.iter("property"):
            assert {"name", "value"} <= set(prop.attrib) and prop.get("name")
        for case in suite.findall("testcase"):
            assert case_required <= set(case.attrib), case_required - set(case.attrib)
            float(case.get("time", ""))
            assert len(case) <= 1 and all(child.tag in choice for child in case)
            for failure in case.findall("failure"):
                assert failure_required <= set(failure.attrib)


def test_junit_matches_the_ant_schema() -> None:
    findings = [
        Finding("expired", Severity.ERROR, "credential:a", "expired", "rotate", "x"),
        Finding("better-method", Severity.INFO, "credential:c", "could be keyless", "switch", "x"),
        hostile_finding(),
    ]
    check_against_ant_schema(junit_xml(findings))
    check_against_ant_schema(junit_xml([]))


def test_the_schema_check_can_fail() -> None:
    good = junit_xml([Finding("expired", Severity.ERROR, "credential:a", "m", "f", "x")])
    for broken in (
        good.replace(' hostname="localhost"', ""),
        good.replace("<system-err", "<other").replace("</system-err>", "</other>"),
        good.replace('type="error"', ""),
        good.replace("<testsuites>", '<testsuites tests="1">'),
        good.replace(' time="0" />', " />", 1),
    ):
        with pytest.raises((AssertionError, ValueError)):
            check_against_ant_schema(broken)


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
