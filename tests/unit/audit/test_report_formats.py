"""`idspine check --format sarif`: valid against the official SARIF 2.1.0 schema, stable, hostile text made plain."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest

from wizard import explainer_library
from wizard.audit import Finding, Severity
from wizard.audit.rule_text import RULE_TEXT
from wizard.audit.sarif import FINGERPRINT_KEY, artifact_uri, sarif_log

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text())
RULES_DIR = Path(__file__).parents[3] / "wizard" / "audit" / "rules"
HOSTILE = "evil\x1b[31m\x07 \u202e|<b>&]\x00\ufffe\n# heading"


def validate(log: dict) -> None:  # type: ignore[type-arg]
    """The log against the schema it was written for (draft-04, as the schema declares), formats included."""
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)


def hostile_finding(severity: Severity = Severity.ERROR, rule: str = "takeover-permission") -> Finding:
    return Finding(
        rule, severity, f"service-principal:{HOSTILE}", f"msg {HOSTILE}", f"fix {HOSTILE}", "least-privilege"
    )


def test_the_schema_is_the_official_one() -> None:
    assert (
        SCHEMA["id"]
        == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert "oasis-tcs/sarif-spec" in (Path(__file__).parent / "schemas" / "README.md").read_text()


def test_demo_sarif_validates_against_the_schema(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--demo", "--today", "2026-11-23", "--format", "sarif")
    assert r.code == 1  # the demo has findings; the exit code is the same as for text
    log = json.loads(r.out)
    validate(log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "idspine" and driver["version"]
    assert "informationUri" not in driver  # idspine has no published address to vouch for
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids)) and run["results"]
    for result in run["results"]:
        rule = driver["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert urlparse(rule["helpUri"]).scheme == "https"  # the schema's "uri" format: absolute
        assert rule["helpUri"] in explainer_library.get(rule["properties"]["explainer"]).sources
        assert f"idspine explain {rule['properties']['explainer']}" in rule["help"]["text"]
        assert (Path(__file__).parents[3] / "explainers" / f"{rule['properties']['explainer']}.md").exists()
        loc = result["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert loc["logicalLocations"][0]["fullyQualifiedName"].split(":")[0] in (
            "credential",
            "service-principal",
            "group",
            "client",
        )
    # a baseline mirrored by a rule is carried in the rule's properties
    with_baseline = [rule for rule in driver["rules"] if "baseline" in rule["properties"]]
    assert all(rule["properties"]["baseline"].startswith("Maester") for rule in with_baseline)


def test_levels_follow_severity() -> None:
    findings = [hostile_finding(s, rule=f"r-{s.value}") for s in Severity]
    levels = {r["ruleId"]: r["level"] for r in sarif_log(findings, None)["runs"][0]["results"]}
    assert levels == {"r-error": "error", "r-warning": "warning", "r-info": "note"}


def test_hostile_text_is_plain_and_the_log_still_validates() -> None:
    log = sarif_log([hostile_finding()], None)
    validate(log)
    text = json.dumps(log, ensure_ascii=False)
    decoded = json.loads(text)
    result = decoded["runs"][0]["results"][0]
    for value in (result["message"]["text"], result["locations"][0]["logicalLocations"][0]["name"]):
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]", value), value
        assert "\\u001b" in value and "\\u202e" in value and "\\u000a" in value


def test_fingerprints_are_stable_across_runs_and_distinct_per_subject() -> None:
    day1 = [
        Finding("expiring", Severity.WARNING, "credential:a", "expires in 20 day(s)", "rotate", "x"),
        Finding("expiring", Severity.WARNING, "credential:b", "expires in 20 day(s)", "rotate", "x"),
    ]
    day2 = [
        Finding("expiring", Severity.WARNING, "credential:a", "expires in 19 day(s)", "rotate", "x"),
        Finding("expiring", Severity.WARNING, "credential:b", "expires in 19 day(s)", "rotate", "x"),
    ]

    def prints(findings: list[Finding]) -> list[str]:
        return [
            r["partialFingerprints"][FINGERPRINT_KEY] for r in sarif_log(findings, None)["runs"][0]["results"]
        ]

    assert prints(day1) == prints(day2)
    assert len(set(prints(day1))) == 2
    # the same rule on the same subject twice still gives two alerts
    assert len(set(prints([day1[0], day1[0]]))) == 2


def test_inventory_uri_is_relative_to_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert artifact_uri("sub/inventory.toml", tmp_path) == ("sub/inventory.toml", "SRCROOT")
    outside, base = artifact_uri(str(tmp_path.parent / "x.toml"), tmp_path / "sub")
    assert outside.startswith("file:///") and base is None


def test_result_points_at_the_line_naming_the_object(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.audit.test_audit import TODAY, healthy
    from wizard.inventory import dumps

    ws = healthy()
    ws.credentials[0].owner = ""
    monkeypatch.chdir(tmp_path)
    Path("inv.toml").write_text(dumps(ws))
    r = run_cli("check", "inv.toml", "--today", str(TODAY), "--format", "sarif")
    assert r.code == 1, r.err
    log = json.loads(r.out)
    validate(log)
    result = next(x for x in log["runs"][0]["results"] if x["ruleId"] == "no-owner")
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "inv.toml"
    line = Path("inv.toml").read_text().splitlines()[physical["region"]["startLine"] - 1]
    assert '"graph"' in line
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "credential:graph"


def test_every_rule_id_in_the_rules_has_a_description() -> None:
    source = "\n".join(p.read_text() for p in RULES_DIR.glob("*.py"))
    found = set(re.findall(r'Finding\(\s*"([a-z0-9-]+)"', source))
    found |= set(re.findall(r'\("([a-z0-9-]+-lifetime)", MAX_', source))
    assert {"expired", "secret-lifetime", "certificate-lifetime", "takeover-permission"} <= found
    assert found <= set(RULE_TEXT), sorted(found - set(RULE_TEXT))
    for text in RULE_TEXT.values():
        assert (RULES_DIR.parents[2] / "explainers" / f"{text.explainer}.md").exists(), text.explainer


def test_a_clean_inventory_and_a_file_outside_the_working_directory_still_validate(tmp_path: Path) -> None:
    validate(sarif_log([], "inventory.toml", tmp_path))
    log = sarif_log([hostile_finding()], str(tmp_path.parent / "elsewhere.toml"), tmp_path)
    validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert "uriBaseId" not in location and location["uri"].startswith("file:///")
