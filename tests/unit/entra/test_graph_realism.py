"""Apply against a Graph stand-in that behaves like the real one: replication delay after every create, stale
replica reads, throttling with long Retry-After (seconds or a date), lost answers, "already exists" on a
repeated create. One run must converge: exactly one object each, no orphan secret, nothing retried early."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from graph_standin import Directory, Fault, GraphStandIn

from tests.unit.entra.test_graph_apply import assert_end_state
from wizard.inventory import load, save
from wizard.providers.entra.apply import apply_plan
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.plan import build_plan
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.http import HttpSettings, build_client, format_resume_time
from wizard.secrets.resolver import resolve
from wizard.secrets.sinks import EnvFileSink


class FakeClock:
    """Time that moves only when someone sleeps: the client, apply and the stand-in share it."""

    def __init__(self) -> None:
        self.t = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC).timestamp()
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.t += max(0.0, seconds)


def realistic(directory: Directory, clock: FakeClock, delay: float = 20.0) -> None:
    directory.clock = clock.now
    directory.replication_delay = delay
    directory.strict_retry_after = True


def client_for(standin: GraphStandIn, directory: Directory, clock: FakeClock) -> GraphClient:
    settings = HttpSettings(
        allow_loopback_http=True, timeout=0.6, connect_timeout=0.6, sleep=clock.sleep, clock=clock.now
    )
    return GraphClient(standin.base_url, build_client(settings), directory.token, settings)


def test_replication_delay_long_retry_after_and_lost_answers_converge_in_one_run(
    ws_file: Path, standin: GraphStandIn, directory: Directory, issued_secrets: list[str], tmp_path: Path
) -> None:
    clock = FakeClock()
    realistic(directory, clock)
    directory.faults += [
        # longer than the 30 s one call waits: apply waits it out (announced), never retrying sooner
        Fault("429", times=1, method="GET", path_re=r"^/applications$", retry_after=300),
        Fault(
            "429",
            times=1,
            method="POST",
            path_re=r"/federatedIdentityCredentials$",
            retry_after=120,
            retry_after_date=True,
        ),
        Fault("lost", times=1, method="POST", path_re=r"^/servicePrincipals$"),  # the retry meets 409
        Fault("lost", times=1, method="POST", path_re=r"/federatedIdentityCredentials$"),
        Fault("lost", times=1, method="POST", path_re=r"/addPassword$"),  # a secret made, answer lost
        Fault("lost", times=1, method="POST", path_re=r"/appRoleAssignedTo$"),
    ]
    announced: list[tuple[str, float]] = []
    policy = RetryPolicy(
        sleep=clock.sleep, clock=clock.now, on_wait=lambda key, seconds, why: announced.append((key, seconds))
    )
    ws = load(ws_file)
    report = apply_plan(
        ws,
        build_plan(ws),
        client_for(standin, directory, clock),
        path=ws_file,
        sink=EnvFileSink(tmp_path / "secrets.env"),
        retry=policy,
    )
    assert report.ok, report.render_text()
    assert all(f.times == 0 for f in directory.faults)
    assert directory.problems == []  # includes "sent before Retry-After allowed"
    done = load(ws_file)
    assert_end_state(directory, done)
    sp = done.service_principal("svc-n8n-sharepoint-globex")
    passwords = directory.applications[sp.application_object_id]["passwordCredentials"]
    assert len(passwords) == 1, passwords  # the secret whose answer was lost is gone again
    assert resolve(sp.secret_ref) == issued_secrets[-1]
    assert not any(c.id.startswith("pending-secret:") for c in done.checklist)
    for app_id, assignments in directory.assignments.items():
        pairs = [(a["principalId"], a["appRoleId"]) for a in assignments]
        assert len(pairs) == len(set(pairs)), app_id
    assert any(seconds >= 290 for _, seconds in announced), announced  # the long wait was shown
    statuses = {o.key: o.status for o in report.outcomes}
    # objects made in this run say so, even when a later retry of the step found them again
    assert statuses["group:Org-Data-Engineer"] == "created"
    assert statuses["application:svc-n8n-graph-acme"] == "created"
    assert statuses["service-principal:svc-n8n-graph-acme"] == "created"


def test_a_retry_after_beyond_the_longest_wait_stops_with_a_resume_time(
    ws_file: Path, standin: GraphStandIn, directory: Directory, tmp_path: Path
) -> None:
    clock = FakeClock()
    realistic(directory, clock)
    directory.faults.append(Fault("429", times=1, method="GET", path_re=r"^/applications$", retry_after=7200))
    ws = load(ws_file)
    report = apply_plan(
        ws,
        build_plan(ws),
        client_for(standin, directory, clock),
        path=ws_file,
        sink=EnvFileSink(tmp_path / "secrets.env"),
        retry=RetryPolicy(sleep=clock.sleep, clock=clock.now, max_throttle_wait=900),
    )
    assert not report.ok
    assert report.stopped_at is not None and report.stopped_at.startswith("application:")
    assert report.retry_at == clock.now() + 7200  # nothing was slept after the answer: the stop is at once
    resume = format_resume_time(
        report.retry_at
    )  # the report words it against the real date, as people read it
    assert f"Resume after {resume}" in report.render_text()
    assert directory.problems == []  # nothing was sent before the allowed moment
    recorded = load(ws_file)
    assert all(g.object_id for g in recorded.groups if g.status.value != "retired")  # earlier steps kept


def test_cli_apply_exits_non_zero_with_the_resume_time_when_throttled_for_long(
    ws_file: Path, standin: GraphStandIn, directory: Directory, tmp_path: Path, run_cli, monkeypatch
) -> None:
    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "env-file"
    save(ws, ws_file)
    directory.strict_retry_after = True
    directory.faults.append(Fault("429", times=1, method="GET", path_re=r"^/groups$", retry_after=3 * 3600))
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    res = run_cli(
        "apply",
        "--yes",
        "--file",
        str(ws_file),
        "--graph-url",
        standin.base_url,
        "--token-env",
        "TEST_GRAPH_TOKEN",
        "--env-file",
        str(tmp_path / "s.env"),
        "--allow-loopback-http",
    )
    assert res.code == 1, res.out + res.err
    assert "resume after" in (res.out + res.err).lower()
    assert "Traceback" not in res.err
    assert directory.problems == []


def test_a_later_run_removes_secrets_an_earlier_run_made_but_did_not_record(
    ws_file: Path, standin: GraphStandIn, directory: Directory, issued_secrets: list[str], tmp_path: Path
) -> None:
    """An earlier run died after asking for a secret (its name is in the pending item); this run's plan has
    no client-secret step for that identity, yet the unrecorded secret is found and removed."""
    from wizard.inventory import load_with_digest
    from wizard.model import ChecklistItem

    clock = FakeClock()
    realistic(directory, clock, delay=0)
    graph = client_for(standin, directory, clock)
    policy = RetryPolicy(sleep=clock.sleep, clock=clock.now)
    ws = load(ws_file)
    assert apply_plan(
        ws, build_plan(ws), graph, path=ws_file, sink=EnvFileSink(tmp_path / "s.env"), retry=policy
    ).ok
    sp = load(ws_file).service_principal("svc-n8n-sharepoint-globex")
    app = directory.applications[sp.application_object_id]
    recorded = list(app["passwordCredentials"])
    lost = "idspine 2026-11-27T08:59:00Z 0a1b2c"
    app["passwordCredentials"].append(
        {
            "keyId": "0c0c0c0c-0000-4000-8000-000000000001",
            "displayName": lost,
            "endDateTime": "2027-05-26T08:59:00Z",
            "hint": "los",
        }
    )
    loaded = load_with_digest(ws_file)
    loaded.workspace.checklist.append(
        ChecklistItem(
            id="pending-secret:svc-n8n-sharepoint-globex",
            client="globex",
            text=f"Client secret(s) named '{lost}' were being created for svc-n8n-sharepoint-globex and are not "
            "recorded. Rerun apply: it removes them from the app registration.",
        )
    )
    save(loaded.workspace, ws_file, expected_digest=loaded.digest)

    ws = load(ws_file)
    plan = build_plan(ws)
    assert plan.step("client-secret:svc-n8n-sharepoint-globex") is None  # it has a recorded secret
    report = apply_plan(ws, plan, graph, path=ws_file, sink=EnvFileSink(tmp_path / "s.env"), retry=policy)
    assert report.ok, report.render_text()
    assert app["passwordCredentials"] == recorded  # the unrecorded one is gone, the recorded one stays
    assert "removed 1 unrecorded secret(s)" in report.render_text()
    assert not any(c.id.startswith("pending-secret:") for c in load(ws_file).checklist)
