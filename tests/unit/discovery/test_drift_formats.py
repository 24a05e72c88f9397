"""`idspine drift --format sarif|junit` and the step summary: valid SARIF 2.1.0, parseable JUnit, hostile text
made plain (the same checks as the audit's formats)."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.unit.audit.test_report_formats import HOSTILE, validate
from tests.unit.audit.test_report_formats_junit import check_against_ant_schema
from wizard import explainer_library
from wizard.discovery.drift_formats import (
    EXPLAINER,
    FINGERPRINT_KEY,
    junit_xml,
    rule_id,
    sarif_log,
    summary_markdown,
)
from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def report(unreadable: dict[str, str] | None = None) -> DriftReport:
    return DriftReport(
        NOW,
        ["n8n", "supabase:abcdefghijklmnopqrst"],
        [
            DriftFinding(
                DriftKind.UNKNOWN, "n8n", "n8n credential", "c1", f"name {HOSTILE}", f"detail {HOSTILE}"
            ),
            DriftFinding(
                DriftKind.MISSING, "n8n", "n8n credential", "c2", "Airtable", "", "credential:acme-air"
            ),
            DriftFinding(
                DriftKind.CHANGED, "supabase:abcdefghijklmnopqrst", "auth provider", "azure", "Azure", "x"
            ),
            DriftFinding(DriftKind.UNKNOWN, "n8n", "n8n credential", "c1", "dup", ""),
        ],
        unreadable or {},
        notes=[f"note {HOSTILE}"],
    )


def test_sarif_validates_with_one_rule_per_kind_and_stable_fingerprints(tmp_path: Path) -> None:
    inv = tmp_path / "idspine.toml"
    inv.write_text('[[credentials]]\nid = "acme-air"\n')
    log = sarif_log(report(), str(inv), cwd=tmp_path)
    validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        rule_id(DriftKind.MISSING),
        rule_id(DriftKind.UNKNOWN),
        rule_id(DriftKind.CHANGED),
    ]
    for rule in rules:
        assert f"idspine explain {EXPLAINER}" in rule["help"]["text"]
        assert f"explainers/{EXPLAINER}.md" in rule["help"]["text"]
        assert (Path(__file__).parents[3] / "explainers" / f"{EXPLAINER}.md").exists()
        assert rule["helpUri"] in explainer_library.get(EXPLAINER).sources
    results = run["results"]
    assert [rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results] == [True] * 4
    assert results[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2  # the entry's line
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]
    assert len(set(prints)) == 4  # the two unknown c1 findings differ by occurrence
    assert prints == [
        r["partialFingerprints"][FINGERPRINT_KEY]
        for r in sarif_log(report(), str(inv), tmp_path)["runs"][0]["results"]
    ]
    assert run["invocations"][0]["executionSuccessful"] is True
    text = json.dumps(log, ensure_ascii=False)
    for bad in ("\x1b", "\x07", "\u202e", "\x00", "\ufffe", "\n# heading"):
        assert bad not in text


def test_sarif_marks_an_unreadable_system_as_a_failed_invocation() -> None:
    log = sarif_log(report({"n8n": f"refused {HOSTILE}"}), None)
    validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    levels = [n["level"] for n in invocation["toolExecutionNotifications"]]
    assert levels == ["error", "note"]


def test_junit_one_suite_per_system_and_clean_xml() -> None:
    xml = junit_xml(report({"entra:t": "no sign-in"}))
    assert not NOT_XML_CHAR.search(xml) and "\x1b" not in xml
    root = ET.fromstring(xml)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"n8n", "supabase:abcdefghijklmnopqrst", "entra:t"}
    assert suites["n8n"].get("failures") == "3" and len(suites["n8n"].findall("testcase")) == 3
    assert suites["entra:t"].get("errors") == "1" and suites["entra:t"].find("testcase/error") is not None
    clean = junit_xml(DriftReport(NOW, ["n8n"]))
    case = ET.fromstring(clean).find("testsuite/testcase")
    assert case is not None and case.get("name") == "in sync" and case.find("failure") is None


def test_junit_matches_the_ant_schema() -> None:
    check_against_ant_schema(junit_xml(report({"entra:t": "no sign-in"})))
    check_against_ant_schema(junit_xml(DriftReport(NOW, ["n8n"])))


def test_markdown_summary_escapes_server_text() -> None:
    md = summary_markdown(report({"n8n": "refused | <b>"}))
    assert md.startswith("## idspine drift")
    assert "Some systems could not be read." in md
    for line in md.splitlines():
        if line.startswith("| unknown"):
            assert line.count(" | ") == 5  # no cell break injected
    assert "<b>" not in md and "\x1b" not in md and "\n# heading" not in md
    assert "In sync." in summary_markdown(DriftReport(NOW, ["n8n"]))


def test_cli_writes_the_step_summary_and_the_output_file(run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from wizard.discovery import drift
    from wizard.providers import drift_sources

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    inv = tmp_path / "idspine.toml"
    from wizard.inventory import save
    from wizard.model import new_workspace

    save(new_workspace("N", "n"), inv, expected_digest=None)

    def fake_sources(ws, connections, *_):  # type: ignore[no-untyped-def]
        def read(_ws):  # type: ignore[no-untyped-def]
            return report()

        read.system = "n8n"  # type: ignore[attr-defined]
        return [read]

    monkeypatch.setattr(drift_sources, "drift_sources", fake_sources)
    assert drift.run_drift  # the CLI goes through run_drift
    out = tmp_path / "drift.sarif"
    r = run_cli("drift", "--file", str(inv), "--format", "sarif", "-o", str(out))
    assert r.code == 1 and r.out == "" and ", 2 unknown," in r.err
    validate(json.loads(out.read_text()))
    assert summary.read_text().startswith("## idspine drift")
    assert run_cli("drift", "--file", str(inv), "-o", str(inv)).code == 2  # never over the inventory
