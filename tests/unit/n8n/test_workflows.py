"""Reading n8n's workflows (paged, contract-checked stand-in), the n8n drift, and `discover n8n` review/adopt."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from tests.support.drift_standins import install_n8n, route_probe, workflow
from wizard.discovery.findings import DriftKind
from wizard.discovery.n8n_drift import NodeCredential, WorkflowInfo, adopt, compare_n8n, discovery_plan
from wizard.inventory import load, save
from wizard.model import Consultancy, Credential, Integrations, Method, Status, Workspace
from wizard.providers import ProviderError
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.n8n.client import N8nProvider
from wizard.providers.n8n.workflows import parse_workflow, read_workflows

SETTINGS = HttpSettings(allow_loopback_http=True, sleep=lambda s: None, max_retries=0)
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
KEY_ENV = "IDSPINE_TEST_N8N_DRIFT_KEY"


def provider(stand) -> N8nProvider:  # type: ignore[no-untyped-def]
    return N8nProvider(stand.url, build_client(SETTINGS), stand.api_key, SETTINGS)


def workspace(url: str = "", creds: list[Credential] | None = None) -> Workspace:
    return Workspace(
        consultancy=Consultancy(
            name="Northwind",
            slug="northwind",
            integrations=Integrations(n8n_url=url or None, n8n_api_key_ref=f"env:{KEY_ENV}" if url else None),
        ),
        credentials=creds or [],
    )


def airtable(
    cid: str = "acme-airtable", n8n_id: str = "c-air", used_by: list[str] | None = None
) -> Credential:
    return Credential(
        id=cid,
        service="airtable",
        method=Method.PAT,
        n8n_type="airtableTokenApi",
        n8n_id=n8n_id,
        used_by=used_by or ["github-actions:acme/site"],
    )


# ---------------------------------------------------------------------------- reading


def test_reads_every_page_and_each_answer_matches_the_contract(loopback) -> None:  # type: ignore[no-untyped-def]
    stand = install_n8n(loopback)
    stand.workflows = [
        workflow(f"wf{i:03}", f"Flow {i}", [("airtableTokenApi", "c-air", "Airtable")]) for i in range(230)
    ]
    stand.workflows[229]["nodes"].append(
        {
            "id": "x",
            "name": "Slack",
            "type": "n8n-nodes-base.slack",
            "credentials": {"slackApi": {"id": "c-sl", "name": "Slack"}},
        }
    )
    found = read_workflows(provider(stand))
    assert len(found) == 230 and found[0].id == "wf000" and found[-1].id == "wf229"
    assert stand.page_size_seen == [100, 100, 100]  # three pages, the documented default size
    assert stand.violations == []
    assert found[-1].credentials == (
        NodeCredential("c-air", "Airtable", "airtableTokenApi"),
        NodeCredential("c-sl", "Slack", "slackApi"),
    )
    listed = [s.path for s in loopback.seen if s.method == "GET"]
    assert "cursor=100" in listed[1] and "cursor=200" in listed[2] and "excludePinnedData=true" in listed[0]


@pytest.mark.parametrize(
    "garbage",
    [b"<html>login</html>", b'{"data": [', b'{"data": {}}', b'{"data": [{"name": "no id"}]}', b"[]"],
)
def test_a_garbled_list_is_an_error_never_a_partial_result(loopback, garbage: bytes) -> None:  # type: ignore[no-untyped-def]
    stand = install_n8n(loopback)
    stand.garbage = garbage
    with pytest.raises(ProviderError) as exc:
        read_workflows(provider(stand))
    assert exc.value.kind == "bad-response"


def test_pages_too_large_are_asked_again_smaller(loopback) -> None:  # type: ignore[no-untyped-def]
    stand = install_n8n(loopback)
    stand.workflows = [workflow(f"w{i:02}", "x" * 3000, [("slackApi", f"c{i}", "S")]) for i in range(40)]
    small = HttpSettings(
        allow_loopback_http=True, sleep=lambda s: None, max_retries=0, max_response_bytes=40_000
    )
    found = read_workflows(N8nProvider(stand.url, build_client(small), stand.api_key, small))
    assert [w.id for w in found] == [f"w{i:02}" for i in range(40)]
    assert stand.page_size_seen[:2] == [100, 25] and stand.violations == []


def test_a_repeating_cursor_stops_with_an_error(loopback) -> None:  # type: ignore[no-untyped-def]
    stand = install_n8n(loopback)
    stand.workflows = [workflow(f"w{i}", "x", []) for i in range(3)]
    stand.repeat_cursor = True
    with pytest.raises(ProviderError, match="cursor"):
        read_workflows(provider(stand), page_size=1)


def test_a_refused_key_is_refused(loopback) -> None:  # type: ignore[no-untyped-def]
    stand = install_n8n(loopback)
    bad = N8nProvider(stand.url, build_client(SETTINGS), "wrong", SETTINGS)
    with pytest.raises(ProviderError) as exc:
        read_workflows(bad)
    assert exc.value.kind == "refused"


def test_parse_skips_name_only_references_and_keeps_each_credential_once() -> None:
    raw = workflow("w1", "Sync", [("airtableTokenApi", "c1", "A"), ("airtableTokenApi", "c1", "A")])
    raw["nodes"].append({"name": "by name", "credentials": {"slackApi": {"id": None, "name": "Slack"}}})
    raw["nodes"].append({"name": "no creds"})
    info = parse_workflow(raw)
    assert info.credentials == (NodeCredential("c1", "A", "airtableTokenApi"),)
    with pytest.raises(ProviderError):
        parse_workflow({"id": "w", "nodes": [{"credentials": ["not", "an", "object"]}]})


# ---------------------------------------------------------------------------- comparing


def wf(name: str, *creds: tuple[str, str, str]) -> WorkflowInfo:
    """A workflow whose nodes use these (type, id, name) credentials."""
    return WorkflowInfo(name.lower(), name, True, tuple(NodeCredential(c[1], c[2], c[0]) for c in creds))


def test_compare_unknown_missing_changed_and_unconfirmed() -> None:
    ws = workspace(
        creds=[
            airtable(),
            airtable("gone", "c-gone"),
            airtable("unsure", "c-unsure"),
            airtable("idle", "c-idle"),
            airtable("retired", "c-old").model_copy(update={"status": Status.RETIRED}),
            Credential(
                id="typed", service="slack", method=Method.API_KEY, n8n_type="slackApi", n8n_id="c-type"
            ),
        ]
    )
    flows = [
        wf("Invoice sync", ("airtableTokenApi", "c-air", "Airtable"), ("githubApi", "c-new", "GitHub bot")),
        wf("Alerts", ("slackOAuth2Api", "c-type", "Slack"), ("airtableTokenApi", "c-old", "Old")),
    ]
    answers = {"c-gone": False, "c-unsure": None, "c-idle": True}
    report = compare_n8n(ws, flows, lambda cid: answers[cid], NOW)
    got = {(f.kind, f.key) for f in report.findings}
    assert got == {
        (DriftKind.UNKNOWN, "c-new"),
        (DriftKind.MISSING, "c-gone"),
        (DriftKind.CHANGED, "c-type"),
        (DriftKind.CHANGED, "c-old"),  # retired in the inventory, still used
    }
    assert discovery_plan(ws, flows).unknown[0].id == "c-new" and len(discovery_plan(ws, flows).unknown) == 1
    unknown = next(f for f in report.findings if f.kind == DriftKind.UNKNOWN)
    assert unknown.name == "GitHub bot" and "Invoice sync" in unknown.detail and unknown.entry == ""
    assert next(f for f in report.findings if f.kind == DriftKind.MISSING).entry == "credential:gone"
    assert len(report.notes) == 1 and "c-unsure" in report.notes[0]  # could not confirm: said, not drift
    assert report.exit_code == 1 and report.systems == ["n8n"]


def test_an_unused_recorded_credential_that_exists_is_in_sync() -> None:
    ws = workspace(creds=[airtable()])
    report = compare_n8n(ws, [], lambda cid: True, NOW)
    assert report.findings == [] and report.exit_code == 0


# ---------------------------------------------------------------------------- discover n8n


def test_plan_and_adopt_fill_used_by_and_record_unknown_ones(canaries) -> None:  # type: ignore[no-untyped-def]
    ws = workspace(creds=[airtable()])
    flows = [
        wf("Invoice sync", ("airtableTokenApi", "c-air", "Airtable")),
        wf("Order intake", ("airtableTokenApi", "c-air", "Airtable"), ("slackApi", "c-sl", "Ops Slack")),
        wf(f"leak {canaries['github_pat']}", ("slackApi", "c-sl", "Ops Slack")),
    ]
    plan = discovery_plan(ws, flows)
    assert plan.used_by == {"acme-airtable": ["n8n:Invoice sync", "n8n:Order intake"]}
    assert [u.id for u in plan.unknown] == ["c-sl"]
    result = adopt(ws, plan, NOW)
    cred = ws.credential("acme-airtable")
    assert cred is not None
    assert cred.used_by == ["github-actions:acme/site", "n8n:Invoice sync", "n8n:Order intake"]
    assert result.adopted == ["n8n-ops-slack"] and result.updated == ["acme-airtable"]
    new = ws.credential("n8n-ops-slack")
    assert new is not None and new.service == "slack" and new.n8n_id == "c-sl" and new.n8n_type == "slackApi"
    assert new.discovered is not None and new.discovered.source == "n8n" and new.discovered.key == "c-sl"
    assert new.secret_ref is None
    assert new.used_by == ["n8n:Order intake"]  # the secret-shaped workflow name is not recorded
    assert any("unsafe" in s for s in result.skipped)
    assert canaries["github_pat"] not in json.dumps(ws.model_dump(mode="json"))
    # adopted: drift now has nothing unknown
    assert compare_n8n(ws, flows, lambda cid: True, NOW).findings == []


def _inventory(tmp_path: Path, url: str, creds: list[Credential]) -> Path:
    path = tmp_path / "idspine.toml"
    save(workspace(url, creds), path, expected_digest=None)
    return path


def test_cli_discover_review_adopt_then_drift(loopback, run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    stand = install_n8n(loopback)
    monkeypatch.setenv(KEY_ENV, stand.api_key)
    stand.workflows = [
        workflow("w1", "Invoice sync", [("airtableTokenApi", "c-air", "Airtable")]),
        workflow("w2", "Alerts \x1b[31mred", [("slackApi", "c-sl", "Ops Slack\x07")]),
    ]
    route_probe(stand, ["c-air", "c-sl"])
    path = _inventory(tmp_path, stand.url, [airtable()])
    before = path.read_bytes()
    r = run_cli("discover", "n8n", "--file", str(path), "--allow-loopback-http")
    assert r.code == 0, r.err
    assert "unknown  c-sl" in r.out and "\x1b" not in r.out and "\x07" not in r.out
    assert path.read_bytes() == before  # the review writes nothing
    d = run_cli("drift", "--file", str(path), "--allow-loopback-http")
    assert d.code == 1 and "unknown in n8n: n8n credential" in d.out and "\x1b" not in d.out
    a = run_cli("discover", "n8n", "--file", str(path), "--adopt", "--allow-loopback-http")
    assert a.code == 0, a.err
    ws = load(path)
    assert ws.credential("n8n-ops-slack") is not None
    assert ws.credential("acme-airtable").used_by[-1] == "n8n:Invoice sync"  # type: ignore[union-attr]
    d = run_cli("drift", "--file", str(path), "--allow-loopback-http", "--format", "json")
    assert d.code == 0, d.out + d.err
    assert json.loads(d.out)["exit_code"] == 0
    # a credential added behind the inventory's back
    stand.workflows.append(workflow("w3", "New", [("githubApi", "c-gh", "GitHub")]))
    assert run_cli("drift", "--file", str(path), "--allow-loopback-http").code == 1
    # the last result is remembered beside the user's state, 0600, without names
    files = list((tmp_path / "state").rglob("*.json"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    saved = json.loads(files[0].read_text())
    assert saved["counts"] == {"unknown": 1} and "GitHub" not in files[0].read_text()


def test_cli_drift_cannot_read_is_exit_2_and_writes_nothing(loopback, run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv(KEY_ENV, raising=False)
    stand = install_n8n(loopback)
    path = _inventory(tmp_path, stand.url, [airtable()])
    before = path.read_bytes()
    r = run_cli("drift", "--file", str(path), "--allow-loopback-http")
    assert r.code == 2 and "cannot read n8n" in r.out and KEY_ENV in r.out
    monkeypatch.setenv(KEY_ENV, "wrong-key-value")
    r = run_cli("drift", "--file", str(path), "--allow-loopback-http", "--format", "json")
    assert r.code == 2 and "wrong-key-value" not in r.out + r.err
    assert "refused" in json.loads(r.out)["unreadable"]["n8n"]
    stand.garbage = b'{"data": "truncated'
    monkeypatch.setenv(KEY_ENV, stand.api_key)
    assert run_cli("discover", "n8n", "--file", str(path), "--adopt", "--allow-loopback-http").code == 2
    assert path.read_bytes() == before


def test_cli_adopt_refuses_a_file_changed_meanwhile(loopback, run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stand = install_n8n(loopback)
    monkeypatch.setenv(KEY_ENV, stand.api_key)
    stand.workflows = [workflow("w1", "Flow", [("slackApi", "c-sl", "Slack")])]
    path = _inventory(tmp_path, stand.url, [])
    import wizard.discovery.n8n_drift as n8n_drift

    real = n8n_drift.adopt

    def adopt_while_someone_edits(ws, plan, now=None):  # type: ignore[no-untyped-def]
        path.write_text(path.read_text() + "\n# edited meanwhile\n")
        return real(ws, plan, now)

    monkeypatch.setattr(n8n_drift, "adopt", adopt_while_someone_edits)
    r = run_cli("discover", "n8n", "--file", str(path), "--adopt", "--allow-loopback-http")
    assert r.code == 1 and "changed on disk" in r.err
    assert "edited meanwhile" in path.read_text() and "c-sl" not in path.read_text()
