"""Microsoft's SARIF multitool (npm @microsoft/sarif-multitool, installed by install_sarif.sh) finds no error
in the SARIF `idspine check --format sarif` writes, hostile text included, and does find one in a broken log
(so the check can fail)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.peers.presence import sarif_tools

pytestmark = pytest.mark.peer("sarif")


def multitool_results(log: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    """The multitool's findings about `log`; each has a level (absent means warning, as SARIF defines)."""
    multitool, _ = sarif_tools()
    source, report = tmp_path / "out.sarif", tmp_path / "report.sarif"
    source.write_text(json.dumps(log, indent=2))
    done = subprocess.run(
        [str(multitool), "validate", str(source), "-o", str(report), "--log", "ForceOverwrite"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert report.exists(), done.stdout + done.stderr
    results: list[dict[str, Any]] = json.loads(report.read_text())["runs"][0].get("results", [])
    for result in results:
        result.setdefault("level", "warning")
    return results


def test_demo_sarif_has_no_multitool_errors_or_warnings(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("check", "--demo", "--today", "2026-11-23", "--format", "sarif")
    results = multitool_results(json.loads(r.out), tmp_path)
    assert [x for x in results if x["level"] == "error"] == []
    # stricter than asked: no warnings but SARIF2005 (a tool informationUri): idspine has no published address
    # to vouch for, and inventing one would send people to a page nobody controls
    assert [x for x in results if x["level"] == "warning" and x.get("ruleId") != "SARIF2005"] == []


def test_hostile_text_sarif_has_no_multitool_errors(tmp_path: Path) -> None:
    from tests.unit.audit.test_report_formats import hostile_finding
    from wizard.audit.sarif import sarif_log

    results = multitool_results(sarif_log([hostile_finding()], None), tmp_path)
    assert [x for x in results if x["level"] == "error"] == []


def test_the_multitool_reports_a_broken_log(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log = json.loads(run_cli("check", "--demo", "--today", "2026-11-23", "--format", "sarif").out)
    del log["runs"][0]["tool"]["driver"]["name"]  # required by the schema
    assert [x for x in multitool_results(log, tmp_path) if x["level"] == "error"]
