"""The Markdown summary `idspine check` appends to $GITHUB_STEP_SUMMARY (GitHub Actions job summary).

Counts by severity and a table of findings; every inventory text goes through `markdown_text`, so a name
cannot open a link, an image, HTML or a new table cell.
"""

from __future__ import annotations

from pathlib import Path

from wizard.audit import Finding, Severity, counts
from wizard.safe_text import markdown_text

ROW_LIMIT = 200  # GitHub caps a step summary at 1 MiB; the counts stay complete past the table's end


def summary_markdown(findings: list[Finding]) -> str:
    """The summary: heading, counts, then one table row per finding (at most ROW_LIMIT)."""
    totals = counts(findings)
    lines = ["## idspine check", ""]
    lines.append(" · ".join(f"**{n}** {s.value}" for s, n in totals.items()))
    lines.append("")
    if not findings:
        lines.append("No findings: the inventory is healthy.")
        return "\n".join(lines) + "\n"
    lines += ["| Severity | Rule | Subject | Finding | Fix |", "| --- | --- | --- | --- | --- |"]
    icon = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
    for f in findings[:ROW_LIMIT]:
        cells = [icon[f.severity], f.rule_id, f.subject, f.message, f.fix]
        lines.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
    if len(findings) > ROW_LIMIT:
        lines.append("")
        lines.append(f"… and {len(findings) - ROW_LIMIT} more; the SARIF or JSON output lists them all.")
    return "\n".join(lines) + "\n"


def append_summary(path: str, findings: list[Finding]) -> None:
    """Append the summary to the file GitHub names in $GITHUB_STEP_SUMMARY."""
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(summary_markdown(findings))
