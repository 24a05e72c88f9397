"""Microsoft's SARIF multitool finds no error (nor warning but SARIF2005) in `idspine drift --format sarif`,
hostile server text and an unreadable system included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.peers.test_sarif_multitool import multitool_results
from tests.unit.discovery.test_drift_formats import report
from wizard.discovery.drift_formats import sarif_log

pytestmark = pytest.mark.peer("sarif")


def test_drift_sarif_has_no_multitool_errors_or_warnings(tmp_path: Path) -> None:
    inv = tmp_path / "idspine.toml"
    inv.write_text('[[credentials]]\nid = "acme-air"\n')
    for log in (sarif_log(report(), str(inv), cwd=tmp_path), sarif_log(report({"n8n": "refused"}), None)):
        results = multitool_results(log, tmp_path)
        assert [x for x in results if x["level"] == "error"] == []
        assert [x for x in results if x["level"] == "warning" and x.get("ruleId") != "SARIF2005"] == []
