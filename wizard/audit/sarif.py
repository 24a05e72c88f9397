"""`idspine check --format sarif`: the findings as a SARIF 2.1.0 log for GitHub code scanning and other viewers.

Shape (SARIF 2.1.0, OASIS): one run; tool.driver names idspine with its version and the rules that reported,
each with the audit rule id, descriptions, help text naming its explainer and the mirrored baseline;
each result points at the inventory file (relative to the working directory, base id SRCROOT) and names the
inventory object in a logicalLocation. partialFingerprints hash rule id and subject so alerts stay the same
alert from one nightly run to the next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.audit import Finding, Severity
from wizard.audit.report_text import clean, explainer_hint, fingerprints, split_subject
from wizard.audit.rule_text import rule_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "idspineFinding/v1"


def artifact_uri(inventory: str | None, cwd: Path | None = None) -> tuple[str, str | None]:
    """The inventory's URI and base id: relative to the working directory when inside it, else a file URI."""
    if inventory is None:
        return "demo-inventory.toml", "SRCROOT"
    path = Path(inventory)
    base = (cwd or Path.cwd()).resolve()
    full = (base / path).resolve() if not path.is_absolute() else path.resolve()
    try:
        return full.relative_to(base).as_posix(), "SRCROOT"
    except ValueError:
        return full.as_uri(), None


def _line_of(subject_name: str, lines: list[str]) -> int:
    """The first line of the inventory that names the object (1 when none does), for a useful code-scanning view."""
    if subject_name:
        for quoted in (f'"{subject_name}"', f"'{subject_name}'"):
            for number, line in enumerate(lines, 1):
                if quoted in line:
                    return number
    return 1


def _first_source(explainer: str) -> str | None:
    """The first (https) source of an explainer, or None when it has none or does not exist."""
    from wizard import explainer_library

    if not explainer_library.exists(explainer):
        return None
    return next((s for s in explainer_library.get(explainer).sources if s.startswith("https://")), None)


def _rule(rule_id: str, explainer: str, baseline: str) -> dict[str, Any]:
    text = rule_text(rule_id)
    page = explainer or text.explainer
    # the explainers ship with idspine (no published address): help names the command, helpUri its main source
    help_text = f"{text.full} Learn more: `{explainer_hint(page)}`." if page else text.full
    rule: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": clean(text.short)},
        "fullDescription": {"text": clean(text.full)},
        "help": {"text": clean(help_text)},
        "properties": {"tags": ["security", "identity", *text.tags]},
    }
    name = "".join(part.capitalize() for part in rule_id.split("-"))
    if (
        name.lower() != rule_id.lower()
    ):  # the multitool (SARIF1001) wants a name that differs from the id, or none
        rule["name"] = name
    if page:
        rule["properties"]["explainer"] = page
        source = _first_source(page)
        if source:  # the vendor page the explainer rests on: a real, absolute help link
            rule["helpUri"] = source
    if baseline:
        rule["properties"]["baseline"] = baseline
    return rule


def sarif_log(findings: list[Finding], inventory: str | None, cwd: Path | None = None) -> dict[str, Any]:
    """The SARIF log for these findings; `inventory` is the file as given (None for the demo)."""
    uri, base_id = artifact_uri(inventory, cwd)
    lines: list[str] = []
    if inventory is not None:
        try:
            lines = Path(inventory).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
    rule_ids: list[str] = []
    for f in findings:
        if f.rule_id not in rule_ids:
            rule_ids.append(f.rule_id)
    first = {rid: next(f for f in findings if f.rule_id == rid) for rid in rule_ids}
    rules = [_rule(rid, first[rid].explainer, first[rid].baseline) for rid in rule_ids]
    location: dict[str, Any] = {"uri": uri}
    if base_id:
        location["uriBaseId"] = base_id
    results = []
    for f, fingerprint in zip(findings, fingerprints(findings), strict=True):
        kind, name = split_subject(f.subject)
        results.append(
            {
                "ruleId": f.rule_id,
                "ruleIndex": rule_ids.index(f.rule_id),
                "level": LEVELS[f.severity],
                "message": {"text": clean(f"{f.message} Fix: {f.fix}")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": dict(location),
                            "region": {"startLine": _line_of(name, lines)},
                        },
                        "logicalLocations": [
                            {"name": clean(name), "fullyQualifiedName": clean(f.subject), "kind": "resource"}
                        ],
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
                "properties": {
                    "severity": f.severity.value,
                    "subjectKind": clean(kind),
                    "explainer": f.explainer,
                    **({"baseline": f.baseline} if f.baseline else {}),
                },
            }
        )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "idspine",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if base_id:
        # No absolute root: the runner's path means nothing to a reader, and SARIF allows a base left unresolved.
        run["originalUriBaseIds"] = {
            "SRCROOT": {"description": {"text": "The directory idspine check ran in."}}
        }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
