"""`idspine check --format junit`: the findings as JUnit XML, the report CI test views (GitLab, Jenkins, GitHub
test-reporter actions) render.

Shape: the Apache Ant JUnit schema (windyroad/JUnit-Schema, JUnit.xsd), which those readers accept. One
<testsuite> per audit rule, one <testcase> per finding (classname = rule id, name = the inventory object);
errors and warnings are <failure>s. The Ant schema has no per-testcase output, so an info finding is a passing
testcase and its text goes to the suite's <system-out>. A rule with no finding is one passing testcase, so the
report also shows what was checked. Every text goes through `clean` (no control or XML-forbidden character)
and ElementTree's escaping.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from wizard.audit import Finding, Severity
from wizard.audit.report_text import clean, explainer_hint
from wizard.audit.rule_text import RULE_TEXT, rule_text


def junit_xml(
    findings: list[Finding], rule_ids: list[str] | None = None, timestamp: dt.datetime | None = None
) -> str:
    """The JUnit XML document (with declaration) for these findings over these rules (default: every known)."""
    ids = list(rule_ids if rule_ids is not None else RULE_TEXT)
    for f in findings:
        if f.rule_id not in ids:
            ids.append(f.rule_id)
    when = (timestamp or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S")  # the schema: no time zone
    root = ET.Element("testsuites")  # the Ant schema gives the aggregate no attributes
    for index, rule_id in enumerate(ids):
        mine = [f for f in findings if f.rule_id == rule_id]
        suite = ET.SubElement(root, "testsuite", name=clean(rule_id), package="idspine.audit", id=str(index))
        suite.set("timestamp", when)
        suite.set("hostname", "localhost")  # the schema's value for "not disclosed"
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="description", value=clean(rule_text(rule_id).short))
        suite_failures = 0
        notes = []
        if not mine:
            ET.SubElement(suite, "testcase", classname=clean(rule_id), name="no findings", time="0")
        for f in mine:
            case = ET.SubElement(suite, "testcase", classname=clean(rule_id), name=clean(f.subject), time="0")
            detail = clean(f"{f.message} Fix: {f.fix} Explainer: {explainer_hint(f.explainer)}")
            if f.severity in (Severity.ERROR, Severity.WARNING):
                failure = ET.SubElement(case, "failure", message=clean(f.message), type=f.severity.value)
                failure.text = detail
                suite_failures += 1
            else:
                notes.append(f"info: {clean(f.subject)}: {detail}")
        ET.SubElement(suite, "system-out").text = "\n".join(notes)
        ET.SubElement(suite, "system-err").text = ""
        for name, value in (
            ("tests", max(len(mine), 1)),
            ("failures", suite_failures),
            ("errors", 0),
            ("skipped", 0),
        ):
            suite.set(name, str(value))
        suite.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
