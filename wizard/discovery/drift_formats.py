"""`idspine drift` for CI: SARIF 2.1.0, JUnit XML and the $GITHUB_STEP_SUMMARY Markdown, after the audit's.

SARIF (as wizard/audit/sarif.py): one run, one rule per DriftKind (id `drift-<kind>`, help naming the
`discovery-and-drift` explainer, helpUri its first source), one result per finding at the inventory file
(the line naming the entry when there is one) with the live object as a logical location and a fingerprint
of kind, system, object and entry. A system that could not be read is a toolExecutionNotification of level
error and makes the invocation unsuccessful. JUnit (as wizard/audit/junit.py, Ant schema): one testsuite per
system, a failing testcase per finding, an <error> testcase for a system that could not be read, one passing
testcase for a system in sync. Every server text goes through `clean` (SARIF, XML) or `markdown_text`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.audit.report_text import clean, explainer_hint
from wizard.audit.sarif import SCHEMA_URI, artifact_uri
from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport
from wizard.safe_text import markdown_text

EXPLAINER = "discovery-and-drift"
FINGERPRINT_KEY = "idspineDrift/v1"
ROW_LIMIT = 200

KIND_TEXT: dict[DriftKind, tuple[str, str]] = {
    DriftKind.MISSING: (
        "Recorded in the inventory, not found in the live system",
        "The inventory records an object with a live id, but the live system no longer has it. Either it "
        "was deleted behind the inventory's back (restore it, or retire the entry) or the id is wrong.",
    ),
    DriftKind.UNKNOWN: (
        "Found in the live system, not recorded in the inventory",
        "The live system holds an object the inventory does not know. Review it with `idspine discover` "
        "and adopt it, or remove it from the live system if nobody owns it.",
    ),
    DriftKind.CHANGED: (
        "Recorded and found, but a compared property differs",
        "The object exists on both sides, but a property the inventory records (redirect URIs, permissions, "
        "federated subjects, end dates, types, client ids) differs. Decide which side is right and fix the "
        "other.",
    ),
    DriftKind.UNRECORDED_SECRET: (
        "A secret or certificate on a known app that nobody recorded",
        "A known app holds a client secret or certificate the inventory does not record. Unrecorded secrets "
        "are never rotated on time: record it (where it is kept) or remove it.",
    ),
}


def rule_id(kind: DriftKind) -> str:
    return f"drift-{kind.value}"


def _help_uri() -> str | None:
    from wizard import explainer_library

    if not explainer_library.exists(EXPLAINER):
        return None
    return next((s for s in explainer_library.get(EXPLAINER).sources if s.startswith("https://")), None)


def _rule(kind: DriftKind) -> dict[str, Any]:
    short, full = KIND_TEXT[kind]
    rule: dict[str, Any] = {
        "id": rule_id(kind),
        "name": "Drift" + "".join(p.capitalize() for p in kind.value.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": f"{full} Learn more: `{explainer_hint(EXPLAINER)}` (explainers/{EXPLAINER}.md)."},
        "properties": {"tags": ["security", "identity", "drift"], "explainer": EXPLAINER},
    }
    uri = _help_uri()
    if uri:
        rule["helpUri"] = uri
    return rule


def fingerprint(f: DriftFinding, occurrence: int = 0) -> str:
    text = "\0".join((f.kind.value, f.system, f.object_type, f.key, f.entry, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def message(f: DriftFinding) -> str:
    """One line about a finding, for every format (still raw: escape it for the output)."""
    what = f"{f.object_type} {f.name or f.key}".strip()
    ident = f" (id {f.key})" if f.key and f.name and f.key != f.name else ""
    entry = f"; inventory entry {f.entry}" if f.entry else ""
    detail = f": {f.detail}" if f.detail else ""
    return f"{f.kind.value} in {f.system}: {what}{ident}{detail}{entry}"


def _line_of(entry: str, lines: list[str]) -> int:
    _, _, name = entry.partition(":")
    if name:
        for quoted in (f'"{name}"', f"'{name}'"):
            for number, line in enumerate(lines, 1):
                if quoted in line:
                    return number
    return 1


def sarif_log(report: DriftReport, inventory: str | None, cwd: Path | None = None) -> dict[str, Any]:
    """The SARIF log of a drift report; `inventory` is the file as given (None for the demo)."""
    uri, base_id = artifact_uri(inventory, cwd)
    lines: list[str] = []
    if inventory is not None:
        try:
            lines = Path(inventory).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
    kinds = [k for k in DriftKind if any(f.kind == k for f in report.findings)]
    location: dict[str, Any] = {"uri": uri}
    if base_id:
        location["uriBaseId"] = base_id
    seen: dict[str, int] = {}
    results = []
    for f in report.findings:
        base = fingerprint(f)
        n = seen.get(base, 0)
        seen[base] = n + 1
        results.append(
            {
                "ruleId": rule_id(f.kind),
                "ruleIndex": kinds.index(f.kind),
                "level": "error" if f.kind != DriftKind.CHANGED else "warning",
                "message": {"text": clean(message(f))},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": dict(location),
                            "region": {"startLine": _line_of(f.entry, lines)},
                        },
                        "logicalLocations": [
                            {
                                "name": clean(f.name or f.key or f.object_type),
                                "fullyQualifiedName": clean(f"{f.system}/{f.object_type}/{f.key or f.name}"),
                                "kind": "resource",
                            }
                        ],
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, n)},
                "properties": {
                    "system": clean(f.system),
                    "objectType": clean(f.object_type),
                    "key": clean(f.key),
                    "entry": clean(f.entry),
                    "explainer": EXPLAINER,
                },
            }
        )
    notifications = [
        {"level": "error", "message": {"text": clean(f"{system} could not be read: {reason}")}}
        for system, reason in sorted(report.unreadable.items())
    ] + [{"level": "note", "message": {"text": clean(note)}} for note in report.notes]
    invocation: dict[str, Any] = {
        "executionSuccessful": not report.unreadable,
        "endTimeUtc": report.checked_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "idspine",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(k) for k in kinds],
            }
        },
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"systems": [clean(s) for s in report.systems]},
    }
    if base_id:
        run["originalUriBaseIds"] = {
            "SRCROOT": {"description": {"text": "The directory idspine drift ran in."}}
        }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def junit_xml(report: DriftReport) -> str:
    """The JUnit XML document (with declaration) of a drift report: one testsuite per system."""
    when = report.checked_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")  # the schema: no time zone
    systems = list(report.systems) + [s for s in report.unreadable if s not in report.systems]
    systems += [f.system for f in report.findings if f.system not in systems]
    root = ET.Element("testsuites")
    for index, system in enumerate(dict.fromkeys(systems)):
        mine = [f for f in report.findings if f.system == system]
        suite = ET.SubElement(root, "testsuite", name=clean(system), package="idspine.drift", id=str(index))
        suite.set("timestamp", when)
        suite.set("hostname", "localhost")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="description", value=f"inventory against {clean(system)}")
        errors = 0
        if system in report.unreadable:
            case = ET.SubElement(suite, "testcase", classname="drift", name="read the live system", time="0")
            reason = clean(report.unreadable[system])
            ET.SubElement(case, "error", message=reason, type="unreadable").text = reason
            errors = 1
        elif not mine:
            ET.SubElement(suite, "testcase", classname="drift", name="in sync", time="0")
        for f in mine:
            case = ET.SubElement(
                suite, "testcase", classname=rule_id(f.kind), name=clean(f.name or f.key), time="0"
            )
            text = clean(message(f)) + f" Explainer: {explainer_hint(EXPLAINER)}"
            ET.SubElement(case, "failure", message=clean(message(f)), type=f.kind.value).text = text
        ET.SubElement(suite, "system-out").text = "\n".join(clean(n) for n in report.notes)
        ET.SubElement(suite, "system-err").text = ""
        for name, value in (
            ("tests", len(mine) + errors or 1),
            ("failures", len(mine)),
            ("errors", errors),
            ("skipped", 0),
        ):
            suite.set(name, str(value))
        suite.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def summary_markdown(report: DriftReport) -> str:
    """The step summary: verdict, counts, unreadable systems, then one table row per finding."""
    lines = ["## idspine drift", ""]
    verdict = {0: "In sync.", 1: "Drift found.", 2: "Some systems could not be read."}[report.exit_code]
    lines.append(f"{verdict} Compared: {', '.join(markdown_text(s) for s in report.systems) or 'nothing'}")
    lines.append("")
    lines.append(" · ".join(f"**{n}** {k.value}" for k, n in report.counts().items()))
    lines.append("")
    for system, reason in sorted(report.unreadable.items()):
        lines.append(f"- **{markdown_text(system)}** could not be read: {markdown_text(reason)}")
    for note in report.notes:
        lines.append(f"- note: {markdown_text(note)}")
    if report.unreadable or report.notes:
        lines.append("")
    if not report.findings:
        return "\n".join(lines) + "\n"
    lines += ["| Kind | System | Object | Id | Detail | Entry |", "| --- | --- | --- | --- | --- | --- |"]
    for f in report.findings[:ROW_LIMIT]:
        cells = [f.kind.value, f.system, f"{f.object_type} {f.name}", f.key, f.detail, f.entry]
        lines.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
    if len(report.findings) > ROW_LIMIT:
        lines += [
            "",
            f"… and {len(report.findings) - ROW_LIMIT} more; the SARIF or JSON output lists them all.",
        ]
    return "\n".join(lines) + "\n"


def append_summary(path: str, report: DriftReport) -> None:
    """Append the summary to the file GitHub names in $GITHUB_STEP_SUMMARY."""
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(summary_markdown(report))
