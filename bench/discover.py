"""Benchmark: `discover entra` against a stand-in tenant of 5,000 app registrations and 20,000 credentials,
paged 100 at a time, with throttling (429 + Retry-After), beside its floor.

The stand-in runs in its own process (so its threads do not share this interpreter's lock with the client).
Floor: parsing the same JSON answers (every page and per-app list discover reads) with json.loads, without
the network. The figure that matters is the total, which must stay well under a minute.
Run: python bench/discover.py [--short] [--json] [--apps N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support" / "entra"))

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
THROTTLES = 5  # 429s with Retry-After: 1 spread over the run


def seed(apps: int):  # type: ignore[no-untyped-def]
    """A tenant of *apps* apps with four credentials each (three secrets, one certificate), owners, grants."""
    from discovery_standin import Misbehave, Tenant

    t = Tenant(validate=False)
    owners = [t.add_user(f"owner{i}@northwind.example", enabled=i % 7 != 0) for i in range(50)]
    day = dt.timedelta(days=1)
    for i in range(apps):
        t.add_app(
            f"app-{i:05d}",
            redirect_uris=[f"https://app{i}.example.com/callback"],
            secrets=[
                (NOW - 400 * day, NOW - 35 * day),
                (NOW - 20 * day, NOW + 160 * day),
                (NOW - day, NOW + 700 * day),
            ],
            certificates=[(NOW - 30 * day, NOW + 335 * day)],
            owners=[owners[i % len(owners)]],
            roles=["Sites.Selected"] if i % 3 == 0 else [],
            granted=["Sites.Selected"] if i % 3 == 0 else [],
            federated=[
                ("https://token.actions.githubusercontent.com", f"repo:org/app{i}:ref:refs/heads/main")
            ]
            if i % 10 == 0
            else [],
        )
        if i % 4 == 0:
            t.add_sign_in(t.applications[list(t.applications)[-1]]["appId"], NOW - (i % 60) * day)
    for n in range(THROTTLES):
        t.faults.append(Misbehave("429", r"/owners$" if n % 2 else r"/applications$", times=1, retry_after=1))
    return t


def _serve(apps: int, ports: mp.Queue, stop: mp.Event) -> None:  # type: ignore[type-arg]
    from discovery_standin import DiscoveryStandIn

    tenant = seed(apps)
    with DiscoveryStandIn(tenant) as server:
        ports.put((server.graph_url, tenant.token))
        stop.wait()


def floor(apps: int) -> float:
    """json.loads over the same answers discover reads (pages of 100 and one list per app and service principal)."""
    tenant = seed(apps)
    bodies = []
    items = list(tenant.applications.values())
    for i in range(0, len(items), 100):
        bodies.append(json.dumps({"value": items[i : i + 100]}))
    sps = list(tenant.service_principals.values())
    for i in range(0, len(sps), 100):
        bodies.append(json.dumps({"value": sps[i : i + 100]}))
    for oid in tenant.applications:
        bodies.append(json.dumps({"value": [tenant.users[u] for u in tenant.owners[oid]]}))
        bodies.append(json.dumps({"value": tenant.fics[oid]}))
    for sp in tenant.grants:
        bodies.append(json.dumps({"value": tenant.grants[sp]}))
    raw = [b.encode() for b in bodies]
    start = time.perf_counter()
    for body in raw:
        json.loads(body)
    return time.perf_counter() - start


def measure(apps: int) -> dict[str, float | int]:
    from wizard.providers.entra.discover import discover_tenant
    from wizard.providers.entra.retry import RetryPolicy
    from wizard.providers.http import HttpSettings

    ctx = mp.get_context("fork")
    ports: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    stop = ctx.Event()
    proc = ctx.Process(target=_serve, args=(apps, ports, stop), daemon=True)
    proc.start()
    graph_url, token = ports.get(timeout=300)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        time.sleep(seconds)

    settings = HttpSettings(allow_loopback_http=True, timeout=30, sleep=sleep)
    try:
        start = time.perf_counter()
        snap = discover_tenant(
            "8b3f1c2e-4d5a-4e6f-9a7b-1c2d3e4f5a6b",
            token,
            graph_url=graph_url,
            http_settings=settings,
            retry=RetryPolicy(sleep=sleep),
            group_prefixes=["Tenant-"],
            now=NOW,
        )
        total = time.perf_counter() - start
    finally:
        stop.set()
        proc.join(timeout=10)
    creds = sum(len(a.passwords) + len(a.certificates) for a in snap.apps)
    return {
        "apps": len(snap.apps),
        "credentials": creds,
        "throttled_waits": len(waited),
        "waited_s": round(sum(waited), 2),
        "discover_s": round(total, 2),
        "floor_parse_s": round(floor(apps), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="500 apps instead of 5,000")
    parser.add_argument("--apps", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    apps = args.apps or (500 if args.short else 5000)
    result = measure(apps)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"discover entra: {result['apps']} apps, {result['credentials']} credentials in {result['discover_s']} s "
        f"(of which {result['waited_s']} s waiting out {result['throttled_waits']} Retry-After); "
        f"floor (json.loads of the same answers): {result['floor_parse_s']} s"
    )


if __name__ == "__main__":
    main()
