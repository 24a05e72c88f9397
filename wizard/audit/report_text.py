"""Shared pieces of the CI report formats (SARIF, JUnit, step summary): clean text, subjects, fingerprints."""

from __future__ import annotations

import hashlib
import re

from wizard.audit import Finding
from wizard.safe_text import one_line

# XML 1.0 allows neither these noncharacters nor surrogates; one_line already escapes controls and surrogates.
_NONCHARACTERS = re.compile("[\ufffe\uffff]")


def clean(text: object) -> str:
    """`text` on one line, every control, bidi, separator and XML-forbidden character shown as `\\uXXXX`."""
    return _NONCHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", one_line(text))


def split_subject(subject: str) -> tuple[str, str]:
    """("credential", "<id>") from "credential:<id>"; ("object", subject) when it has no kind."""
    kind, sep, name = subject.partition(":")
    return (kind, name) if sep and kind else ("object", subject)


def explainer_hint(explainer: str) -> str:
    """How to read an explainer: it ships with idspine, so the command, not a web address idspine cannot vouch for."""
    return f"idspine explain {explainer}"


def fingerprints(findings: list[Finding]) -> list[str]:
    """A stable fingerprint per finding: hash of rule id and subject, plus the occurrence among equal pairs.

    Messages are left out on purpose: they carry day counts that change every run.
    """
    seen: dict[tuple[str, str], int] = {}
    out = []
    for f in findings:
        key = (f.rule_id, f.subject)
        n = seen.get(key, 0)
        seen[key] = n + 1
        digest = hashlib.sha256(f"{f.rule_id}\0{f.subject}\0{n}".encode("utf-8", "surrogatepass")).hexdigest()
        out.append(digest[:32])
    return out
