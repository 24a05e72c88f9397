"""5,000 app registrations with 20,000 credentials round-trip through discover, adopt and drift intact (paged 100
at a time, with throttling); no timing assertion here (bench/discover.py prints the figures)."""

from __future__ import annotations

import datetime as dt

from tests.support.entra.discovery_standin import DiscoveryStandIn, Misbehave, Tenant
from wizard.discovery.adopt import adopt
from wizard.discovery.entra_drift import compare_entra
from wizard.model import new_workspace
from wizard.providers.entra.discover import discover_tenant
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.http import HttpSettings

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TENANT = "8b3f1c2e-4d5a-4e6f-9a7b-1c2d3e4f5a6b"
APPS = 5000


def test_five_thousand_apps_round_trip() -> None:
    t = Tenant(validate=False)
    owner = t.add_user("ola@northwind.example")
    day = dt.timedelta(days=1)
    for i in range(APPS):
        t.add_app(
            f"app-{i:05d}",
            secrets=[
                (NOW - 400 * day, NOW - 35 * day),
                (NOW - 20 * day, NOW + 160 * day),
                (NOW, NOW + 700 * day),
            ],
            certificates=[(NOW - 30 * day, NOW + 335 * day)],
            owners=[owner],
        )
    t.faults += [Misbehave("429", r"/applications$", times=2), Misbehave("429", r"/owners$", times=3)]
    waits: list[float] = []
    with DiscoveryStandIn(t) as server:
        snap = discover_tenant(
            TENANT,
            t.token,
            graph_url=server.graph_url,
            http_settings=HttpSettings(allow_loopback_http=True, timeout=30, sleep=waits.append),
            retry=RetryPolicy(sleep=waits.append),
            now=NOW,
        )
    assert len(snap.apps) == APPS and len(waits) == 5
    expected = {a["appId"]: {p["keyId"] for p in a["passwordCredentials"]} for a in t.applications.values()}
    assert {a.app_id: {p.key_id for p in a.passwords} for a in snap.apps} == expected
    assert sum(len(a.passwords) + len(a.certificates) for a in snap.apps) == 4 * APPS
    assert t.calls.count("/v1.0/applications") == APPS // 100 + 2  # 50 pages, plus the two throttled tries
    ws = new_workspace("Northwind", "northwind")
    ws.consultancy.home_tenant = TENANT
    adopt(ws, snap, None)
    assert len(ws.service_principals) == APPS and len(ws.credentials) == 4 * APPS
    assert len({c.id for c in ws.credentials}) == 4 * APPS
    assert compare_entra(ws, snap).exit_code == 0
