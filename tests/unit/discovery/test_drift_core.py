"""run_drift over sources, the client filter, and the remembered last result (drift_store)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

from wizard.discovery.drift import for_client, run_drift
from wizard.discovery.drift_store import describe, load_last, save_last, store_path, summary_of
from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport
from wizard.model import Client, Consultancy, Credential, Method, Workspace

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def ws() -> Workspace:
    return Workspace(
        consultancy=Consultancy(name="N", slug="n"),
        clients=[Client(slug="acme", name="Acme", tenant="acme.example"), Client(slug="beta", name="Beta")],
        credentials=[
            Credential(id="a1", service="slack", method=Method.API_KEY, client="acme"),
            Credential(id="b1", service="slack", method=Method.API_KEY, client="beta"),
        ],
    )


def finding(kind: DriftKind, system: str = "n8n", entry: str = "", key: str = "k") -> DriftFinding:
    return DriftFinding(kind, system, "n8n credential", key, "name", "detail", entry)


def source(report: DriftReport, name: str):  # type: ignore[no-untyped-def]
    def read(_ws: Workspace) -> DriftReport:
        return report

    read.system = name  # type: ignore[attr-defined]
    return read


def test_sources_add_up_and_a_raising_source_is_unreadable_not_fatal() -> None:
    one = source(DriftReport(NOW, ["n8n"], [finding(DriftKind.UNKNOWN)], notes=["n"]), "n8n")

    def broken(_ws: Workspace) -> DriftReport:
        raise RuntimeError("boom\x1b[2J")

    broken.system = "supabase:abc"  # type: ignore[attr-defined]
    report = run_drift(ws(), [one, broken], NOW)
    assert report.systems == ["n8n", "supabase:abc"]
    assert len(report.findings) == 1 and report.notes == ["n"]
    assert "boom" in report.unreadable["supabase:abc"] and "\x1b" not in report.unreadable["supabase:abc"]
    assert report.exit_code == 2
    assert run_drift(ws(), [one], NOW).exit_code == 1
    assert run_drift(ws(), [source(DriftReport(NOW, ["n8n"]), "n8n")], NOW).exit_code == 0
    assert report.counts()[DriftKind.UNKNOWN] == 1 and report.counts()[DriftKind.MISSING] == 0
    assert json.loads(json.dumps(report.as_dict()))["counts"]["unknown"] == 1


def test_client_filter_keeps_its_entries_and_its_tenant() -> None:
    report = DriftReport(
        NOW,
        ["n8n", "entra:acme.example"],
        [
            finding(DriftKind.MISSING, entry="credential:a1"),
            finding(DriftKind.MISSING, entry="credential:b1"),
            finding(DriftKind.UNKNOWN, system="entra:acme.example"),
            finding(DriftKind.UNKNOWN, system="n8n"),
        ],
    )
    mine = for_client(report, ws(), "acme")
    assert [(f.system, f.entry) for f in mine.findings] == [
        ("n8n", "credential:a1"),
        ("entra:acme.example", ""),
    ]
    assert for_client(report, ws(), "beta").findings == [report.findings[1]]


def test_last_result_round_trip_0600_keyed_by_real_path(tmp_path: Path) -> None:
    inv = tmp_path / "idspine.toml"
    inv.write_text("x")
    link = tmp_path / "link.toml"
    link.symlink_to(inv)
    folder = tmp_path / "state"
    report = DriftReport(
        NOW, ["n8n"], [finding(DriftKind.UNKNOWN, key="secret-looking-id")], {"supabase:x": "refused\nline"}
    )
    path = save_last(inv, report, folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store_path(link, folder) == path  # the same inventory under another spelling
    assert "secret-looking-id" not in path.read_text() and "idspine.toml" not in path.name
    last = load_last(link, folder)
    assert last is not None and last.counts == {"unknown": 1} and last.exit_code == 2
    assert last.unreadable == {"supabase:x": "refused\\u000aline"}  # one line, made visible
    assert load_last(tmp_path / "other.toml", folder) is None


def test_a_damaged_or_foreign_file_reads_as_never_checked(tmp_path: Path) -> None:
    inv = tmp_path / "i.toml"
    folder = tmp_path / "s"
    for text in (
        "{",
        "[]",
        '{"format": 1}',
        '{"format": 1, "at": "2026-11-27T10:00:00", "counts": {}, "systems": [], "unreadable": {}}',
        '{"format": 1, "at": "2026-11-27T10:00:00+00:00", '
        '"counts": {"unknown": -3}, "systems": [], "unreadable": {}}',
    ):
        path = store_path(inv, folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        assert load_last(inv, folder) is None, text
    os.unlink(path)
    path.symlink_to(tmp_path / "elsewhere.json")
    assert load_last(inv, folder) is None


def test_the_home_line() -> None:
    assert describe(None) == "Drift: never checked; run idspine drift"
    in_sync = summary_of(DriftReport(NOW - dt.timedelta(hours=2), ["n8n"]))
    assert describe(in_sync, NOW) == "Drift: in sync 2 h ago"
    three = summary_of(
        DriftReport(
            NOW - dt.timedelta(minutes=5),
            ["n8n"],
            [finding(DriftKind.UNKNOWN)] * 2 + [finding(DriftKind.MISSING)],
        )
    )
    assert describe(three, NOW) == "Drift: 3 differences (1 missing, 2 unknown) 5 min ago; run idspine drift"
    unread = summary_of(DriftReport(NOW - dt.timedelta(days=3), ["n8n"], unreadable={"n8n": "refused"}))
    assert describe(unread, NOW) == "Drift: could not read n8n 3 d ago; run idspine drift"
