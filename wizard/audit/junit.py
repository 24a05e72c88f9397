"""`idspine check --format junit`: the findings as JUnit XML, the report CI test views (GitLab, Jenkins, GitHub
test-reporter actions) render.

One <testsuite> per audit rule, one <testcase> per finding (classname = rule id, name = the inventory object);
errors and warnings are <failure>s, info findings pass with their text in <system-out>. A rule with no finding
is one passing testcase, so the report also shows what was checked. Every text goes through `clean` (no
control or XML-forbidden character) and ElementTree's escaping.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from wizard.audit import Finding, Severity
from wizard.audit.report_text import clean, explainer_url
from wizard.audit.rule_text import RULE_TEXT, rule_text


def junit_xml(findings: list[Finding], rule_ids: list[str] | None = None) -> str:
    """The JUnit XML document (with declaration) for these findings over these rules (default: every known)."""
    ids = list(rule_ids if rule_ids is not None else RULE_TEXT)
    for f in findings:
        if f.rule_id not in ids:
            ids.append(f.rule_id)
    root = ET.Element("testsuites", name="idspine check")
    total = failed = 0
    for rule_id in ids:
        mine = [f for f in findings if f.rule_id == rule_id]
        suite = ET.SubElement(root, "testsuite", name=clean(rule_id))
        ET.SubElement(
            ET.SubElement(suite, "properties"),
            "property",
            name="description",
            value=clean(rule_text(rule_id).short),
        )
        suite_failures = 0
        if not mine:
            ET.SubElement(suite, "testcase", classname=clean(rule_id), name="no findings", time="0")
        for f in mine:
            case = ET.SubElement(suite, "testcase", classname=clean(rule_id), name=clean(f.subject), time="0")
            detail = clean(f"{f.message} Fix: {f.fix} Explainer: {explainer_url(f.explainer)}")
            if f.severity in (Severity.ERROR, Severity.WARNING):
                failure = ET.SubElement(case, "failure", message=clean(f.message), type=f.severity.value)
                failure.text = detail
                suite_failures += 1
            else:
                ET.SubElement(case, "system-out").text = f"info: {detail}"
        cases = max(len(mine), 1)
        suite.set("tests", str(cases))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        total += cases
        failed += suite_failures
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
