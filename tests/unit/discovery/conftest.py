"""A seeded stand-in tenant for discover/adopt/drift: apps with secrets (some expired, one unrecorded), a
certificate, a wildcard-ish federated subject, owners (one disabled), a multi-tenant app and naming-convention
groups; more than one page of applications; per-credential sign-ins (a left-over secret idle beside one in
use)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.support.entra.discovery_standin import DiscoveryStandIn, Tenant
from wizard.discovery.entra_snapshot import EntraSnapshot
from wizard.providers.entra.discover import discover_tenant
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.http import HttpSettings

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TENANT_ID = "8b3f1c2e-4d5a-4e6f-9a7b-1c2d3e4f5a6b"
FILLER_APPS = 120  # more than one page of 100


def days(n: int) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


def seed(t: Tenant) -> Tenant:
    ola = t.add_user("ola@northwind.example")
    gone = t.add_user("former@northwind.example", enabled=False)
    t.add_app(
        "svc-n8n-graph-acme",
        redirect_uris=["https://n8n.example.com/rest/oauth2-credential/callback"],
        secrets=[(days(-400), days(-35)), (days(-20), days(160))],  # one expired, one current
        owners=[ola],
        roles=["Sites.Selected"],
        granted=["Sites.Selected"],
    )
    t.add_app(
        "svc-gha-deploy-acme",
        federated=[("https://token.actions.githubusercontent.com", "repo:acme/*:ref:refs/heads/main")],
        owners=[gone],
        roles=["Application.ReadWrite.All"],
        granted=["Application.ReadWrite.All"],
    )
    t.add_app("svc-reports-cert", certificates=[(days(-30), days(335))], owners=[ola, gone])
    t.add_app("Partner portal", audience="AzureADMultipleOrgs", secrets=[(days(-10), days(700))])
    for i in range(FILLER_APPS):
        t.add_app(f"filler-{i:03d}", service_principal=i % 2 == 0)
    t.add_group("Tenant-Acme-Finance")
    t.add_group("Org-Admins")
    t.add_group("Unrelated group")
    t.add_sign_in(t.app("svc-n8n-graph-acme")["appId"], days(-2))
    t.add_sign_in(t.app("Partner portal")["appId"], days(-90))
    # Per key: the n8n app's current secret signed in two days ago (an older entry for another resource
    # too); its expired secret, left over, last signed in 60 days ago. The certificate never did.
    left_over, current = (p["keyId"] for p in t.app("svc-n8n-graph-acme")["passwordCredentials"])
    t.add_credential_sign_in(current, days(-9), resource_id=str(uuid.UUID(int=9)))
    t.add_credential_sign_in(current, days(-2))
    t.add_credential_sign_in(left_over, days(-60))
    t.add_credential_sign_in(t.app("Partner portal")["passwordCredentials"][0]["keyId"], days(-90))
    return t


@pytest.fixture
def tenant() -> Tenant:
    return seed(Tenant())


@pytest.fixture
def graph(tenant: Tenant) -> Iterator[DiscoveryStandIn]:
    with DiscoveryStandIn(tenant) as server:
        yield server


@pytest.fixture
def settings() -> HttpSettings:
    return HttpSettings(allow_loopback_http=True, timeout=2, connect_timeout=2, sleep=lambda s: None)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def read(
    graph: DiscoveryStandIn, tenant: Tenant, settings: HttpSettings, waits: list[float]
) -> Callable[..., EntraSnapshot]:
    """discover_tenant against the stand-in, with no real sleeping (waits are recorded)."""

    def run(**options: object) -> EntraSnapshot:
        options.setdefault("group_prefixes", ["Tenant-", "Org-", "Admin-"])
        return discover_tenant(
            TENANT_ID,
            tenant.token,
            graph_url=graph.graph_url,
            http_settings=settings,
            retry=RetryPolicy(sleep=waits.append),
            now=NOW,
            **options,  # type: ignore[arg-type]
        )

    return run
