"""Every audit rule fires on the problem it names and stays quiet on a healthy inventory."""

from __future__ import annotations

import datetime as dt

import pytest

from wizard.audit import Severity, counts, run_audit
from wizard.audit.rules import RULES
from wizard.model import (
    AppRole,
    Client,
    Consultancy,
    Credential,
    CredentialKind,
    FederatedCredential,
    Group,
    IdP,
    Method,
    ServicePrincipal,
    Status,
    Workspace,
)

TODAY = dt.date(2026, 11, 23)
OWNER = "alex@example.com"


def healthy() -> Workspace:
    """A small inventory with nothing wrong in it."""
    return Workspace(
        consultancy=Consultancy(name="Solo", slug="solo", idp=IdP.ENTRA, home_tenant="solo.onmicrosoft.com"),
        clients=[Client(slug="acme", name="Acme", tenant="acme.onmicrosoft.com")],
        groups=[Group(name="Tenant-Acme-Analyst", client="acme", role="Analyst")],
        service_principals=[
            ServicePrincipal(
                name="svc-n8n-graph-acme",
                client="acme",
                owner=OWNER,
                status=Status.ACTIVE,
                secret_ref="env:GRAPH",
                secret_created=TODAY,
                secret_expires=TODAY + dt.timedelta(90),
            ),
            ServicePrincipal(
                name="svc-github-deploy-acme",
                client="acme",
                owner=OWNER,
                credential_kind=CredentialKind.FEDERATED,
                federated_credentials=[
                    FederatedCredential(
                        name="main",
                        issuer="https://token.actions.githubusercontent.com",
                        subject="repo:o/r:environment:prod",
                    )
                ],
                app_roles=[AppRole(value="read", display_name="Read", groups=["Tenant-Acme-Analyst"])],
            ),
        ],
        credentials=[
            Credential(
                id="graph",
                service="microsoft-graph",
                method=Method.OAUTH_CLIENT_CREDENTIALS,
                client="acme",
                identity="svc-n8n-graph-acme",
                owner=OWNER,
                secret_ref="env:GRAPH",
                expires=TODAY + dt.timedelta(90),
            ),
            Credential(
                id="deploy", service="github-actions", method=Method.FEDERATION, client="acme", owner=OWNER
            ),
        ],
    )


def rule_ids(ws: Workspace) -> set[str]:
    return {f.rule_id for f in run_audit(ws, TODAY)}


def test_healthy_inventory_has_no_findings() -> None:
    assert run_audit(healthy(), TODAY) == []


def _cred(ws: Workspace, **changes: object) -> Workspace:
    ws.credentials.append(
        Credential(
            **{
                "id": "extra",
                "service": "airtable",
                "method": Method.OAUTH_USER,
                "owner": OWNER,
                "secret_ref": "env:EXTRA",
                **changes,
            }
        )
    )
    return ws


@pytest.mark.parametrize(
    ("change", "rule", "severity"),
    [
        (dict(expires=TODAY - dt.timedelta(1)), "expired", Severity.ERROR),
        (dict(expires=TODAY + dt.timedelta(10)), "expiring", Severity.WARNING),
        (dict(method=Method.PAT), "no-expiry", Severity.WARNING),
        (dict(owner=""), "no-owner", Severity.WARNING),
        (dict(secret_ref=None), "no-secret-ref", Severity.WARNING),
        (dict(privileged=True, used_by=["n8n:Load"]), "privileged-in-workflow", Severity.ERROR),
        (dict(client="nobody"), "dangling", Severity.ERROR),
        (dict(identity="svc-missing"), "dangling", Severity.ERROR),
        (
            dict(secret_ref="env:GRAPH", client="acme"),
            "duplicate",
            Severity.WARNING,
        ),  # same client: not cross-client
    ],
)
def test_credential_rules_fire(change: dict[str, object], rule: str, severity: Severity) -> None:
    findings = [
        f
        for f in run_audit(_cred(healthy(), **change), TODAY)
        if f.subject == "credential:extra" and f.severity != Severity.INFO
    ]
    assert [(f.rule_id, f.severity) for f in findings] == [(rule, severity)]
    assert findings[0].fix and findings[0].explainer


def test_retired_credentials_are_ignored() -> None:
    ws = _cred(healthy(), expires=TODAY - dt.timedelta(5), owner="", status=Status.RETIRED)
    assert run_audit(ws, TODAY) == []


def test_privileged_key_in_server_code_is_fine() -> None:
    assert rule_ids(_cred(healthy(), privileged=True, used_by=["azure:func-loader"])) == set()


def test_service_principal_rules() -> None:
    ws = healthy()
    sp = ws.service_principals[0]
    sp.secret_expires = TODAY + dt.timedelta(days=700)
    assert rule_ids(ws) == {"secret-lifetime"}
    sp.secret_expires = TODAY - dt.timedelta(days=1)
    assert rule_ids(ws) == {"expired"}
    sp.secret_expires, sp.secret_ref, sp.owner = TODAY + dt.timedelta(30), None, ""
    assert rule_ids(ws) == {"expiring", "no-secret-ref", "no-owner"}


@pytest.mark.parametrize(
    ("subject", "issuer"),
    [
        ("repo:o/r:*", "https://token.actions.githubusercontent.com"),
        ("", "https://token.actions.githubusercontent.com"),
        ("repo:o/r:environment:prod", "http://issuer.example"),
    ],
)
def test_federated_credentials_that_trust_too_much(subject: str, issuer: str) -> None:
    ws = healthy()
    fc = ws.service_principals[1].federated_credentials[0]
    fc.subject, fc.issuer = subject, issuer
    findings = run_audit(ws, TODAY)
    assert findings and all(f.severity == Severity.ERROR for f in findings)
    assert {f.subject for f in findings} == {"service-principal:svc-github-deploy-acme"}


def test_federated_kind_without_credential() -> None:
    ws = healthy()
    ws.service_principals[1].federated_credentials = []
    assert rule_ids(ws) == {"federation-missing"}


def test_group_naming_and_duplicates() -> None:
    ws = healthy()
    ws.groups.append(Group(name="Tenant-Acme-Analyst", client="acme"))
    assert rule_ids(ws) == {"duplicate"}
    ws = healthy()
    ws.groups.append(Group(name="acme analysts (temp)", client="acme"))
    assert rule_ids(ws) == {"group-naming"}


def test_app_role_mapped_to_unknown_group() -> None:
    ws = healthy()
    ws.service_principals[1].app_roles[0].groups.append("Tenant-Acme-Ghost")
    assert rule_ids(ws) == {"dangling"}


def test_every_rule_is_exercised_by_the_demo() -> None:
    from wizard.demo import demo_workspace

    fired = rule_ids(demo_workspace(TODAY))
    assert {
        "expired",
        "expiring",
        "no-expiry",
        "no-owner",
        "privileged-in-workflow",
        "federation-subject",
        "secret-lifetime",
    } <= fired
    assert len(RULES) >= 10


def test_findings_are_sorted_by_severity_and_counted() -> None:
    from wizard.demo import demo_workspace

    findings = run_audit(demo_workspace(TODAY), TODAY)
    order = [f.severity for f in findings]
    assert order == sorted(order, key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index)
    c = counts(findings)
    assert sum(c.values()) == len(findings) and c[Severity.ERROR] >= 3


def test_no_secret_ref_skips_secrets_kept_in_n8n_alone_and_dead_ones() -> None:
    def finds(**fields: object) -> bool:
        ws = healthy()
        ws.credentials.append(
            Credential(id="found", service="airtable", method=Method.PAT, owner=OWNER, **fields)  # type: ignore[arg-type]
        )
        return any(f.rule_id == "no-secret-ref" and f.subject.endswith("found") for f in run_audit(ws, TODAY))

    assert finds(expires=TODAY + dt.timedelta(days=30))  # active, nothing says where the PAT lives
    assert not finds(expires=TODAY + dt.timedelta(days=30), n8n_id="k3Jd8aQ2")  # it lives in n8n
    assert not finds(expires=TODAY - dt.timedelta(days=1))  # expired: `expired` asks to remove it instead
