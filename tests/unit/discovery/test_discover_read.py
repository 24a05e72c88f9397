"""discover_tenant against the stand-in: everything read, paged, throttling waited out, bad answers refused."""

from __future__ import annotations

import pytest

from tests.support.entra.discovery_standin import Misbehave, Tenant
from tests.unit.discovery.conftest import FILLER_APPS, NOW
from wizard.providers import ProviderError


def test_reads_apps_credentials_owners_permissions_groups_and_sign_ins(read, tenant: Tenant) -> None:
    snap = read()
    assert len(snap.apps) == 4 + FILLER_APPS
    assert tenant.calls.count("/v1.0/applications") >= 2  # paged 100 at a time
    assert not tenant.writes and not tenant.problems
    by_name = {a.display_name: a for a in snap.apps}
    n8n = by_name["svc-n8n-graph-acme"]
    assert n8n.application_object_id and n8n.service_principal_object_id
    assert [p.end < NOW for p in n8n.passwords if p.end] == [True, False]
    assert n8n.redirect_uris == ("https://n8n.example.com/rest/oauth2-credential/callback",)
    assert [(p.name, p.type, p.resource_name) for p in n8n.permissions] == [
        ("Sites.Selected", "application", "Microsoft Graph")
    ]
    assert [g.name for g in n8n.grants] == ["Sites.Selected"]
    assert n8n.owners[0].user_principal_name == "ola@northwind.example"
    assert n8n.last_sign_in is not None and n8n.last_sign_in.date().isoformat() == "2026-11-21"
    gha = by_name["svc-gha-deploy-acme"]
    assert gha.federated[0].subject == "repo:acme/*:ref:refs/heads/main"
    assert gha.owners[0].account_enabled is False
    assert by_name["Partner portal"].sign_in_audience == "AzureADMultipleOrgs"
    assert by_name["svc-reports-cert"].certificates[0].usage == "Verify"
    assert by_name["filler-001"].service_principal_object_id is None
    assert [g.display_name for g in snap.groups] == ["Org-Admins", "Tenant-Acme-Finance"]
    assert snap.notes == []
    assert (
        "Microsoft Graph" not in by_name
    )  # Microsoft's own service principals are not the consultant's apps


def test_selects_only_what_it_needs_and_never_keeps_secret_hints(read, tenant: Tenant) -> None:
    snap = read()
    text = repr(snap)
    assert "hint" not in text and "secretText" not in text
    assert "'abc'" not in text  # the stand-in's three-character hint


def test_short_throttling_is_retried_inside_the_call(read, tenant: Tenant) -> None:
    tenant.faults.append(Misbehave("429", r"/applications$", times=2, retry_after=2))
    snap = read()
    assert len(snap.apps) == 4 + FILLER_APPS


def test_long_retry_after_is_waited_out_through_apply_retry_policy(
    read, tenant: Tenant, waits: list[float]
) -> None:
    tenant.faults.append(Misbehave("429", r"/servicePrincipals$", times=1, retry_after=120))
    snap = read()
    assert len(snap.apps) == 4 + FILLER_APPS
    assert any(w > 100 for w in waits)


def test_5xx_beyond_the_call_retries_is_retried_with_backoff(
    read, tenant: Tenant, waits: list[float]
) -> None:
    tenant.faults.append(Misbehave("503", r"/groups$", times=5))
    snap = read()
    assert len(snap.groups) == 2 and waits


def test_unlicensed_tenant_notes_missing_sign_in_activity_and_goes_on(read, tenant: Tenant) -> None:
    tenant.licensed = False
    snap = read()
    assert all(a.last_sign_in is None for a in snap.apps)
    assert len(snap.notes) == 1 and "P1 or P2" in snap.notes[0] and "AuditLog.Read.All" in snap.notes[0]


def test_stale_replica_repeats_and_vanished_objects(read, tenant: Tenant) -> None:
    tenant.repeat_across_pages = True
    tenant.vanished.add(tenant.app("svc-reports-cert")["id"])
    snap = read()
    assert len({a.app_id for a in snap.apps}) == len(snap.apps) == 4 + FILLER_APPS
    assert any("svc-reports-cert" in n and "run discover again" in n for n in snap.notes)


@pytest.mark.parametrize(
    ("kind", "path", "words"),
    [
        ("garbage", r"/applications$", "not valid JSON"),
        ("truncated", r"/servicePrincipals$", "cut short"),
        ("401", r"/applications$", "sign in again"),
        ("403", r"/owners$", "consent"),
        ("foreign-next", r"/applications$", "another address"),
    ],
)
def test_bad_answers_fail_with_one_clear_line(read, tenant: Tenant, kind: str, path: str, words: str) -> None:
    tenant.faults.append(Misbehave(kind, path, times=99))
    with pytest.raises(ProviderError) as caught:
        read()
    message = caught.value.message
    assert words in message and "\n" not in message
    assert tenant.token not in message
    assert not any("graph.example.net" in c for c in tenant.calls)


def test_odata_literals_in_group_filters_are_escaped(read, tenant: Tenant) -> None:
    tenant.add_group("O'Brien-Team")
    snap = read(group_prefixes=["O'Brien-"])
    assert [g.display_name for g in snap.groups] == ["O'Brien-Team"]


def test_last_use_per_credential_is_read_by_key_id_paged_latest_entry_wins(read, tenant: Tenant) -> None:
    import datetime as dt

    from tests.unit.discovery.conftest import days

    current = tenant.app("svc-n8n-graph-acme")["passwordCredentials"][1]["keyId"]
    for i in range(150):  # older entries for other resources: more than one page of the report
        tenant.add_credential_sign_in(
            current, days(-200 - i), resource_id=f"00000000-0000-0000-0000-{i:012d}"
        )
    snap = read()
    assert snap.credential_activity
    assert tenant.calls.count("/beta/reports/appCredentialSignInActivities") >= 2
    n8n = next(a for a in snap.apps if a.display_name == "svc-n8n-graph-acme")
    left_over, in_use = n8n.passwords
    assert in_use.last_used == days(-2) and left_over.last_used == days(-60)
    cert = next(a for a in snap.apps if a.display_name == "svc-reports-cert").certificates[0]
    assert cert.last_used is None
    assert isinstance(in_use.last_used, dt.datetime) and not snap.notes


def test_graph_short_offsets_in_report_dates_are_read() -> None:
    from wizard.providers.entra.discover_map import credential_sign_ins

    rows = credential_sign_ins(
        [
            {
                "keyId": "83f45296-fb8f-4aaa-a399-ac51084e02b7",
                "signInActivity": {"lastSignInDateTime": "2021-03-18T00:00:00-8:00"},
            },
            {"keyId": "not-a-guid", "signInActivity": {"lastSignInDateTime": "2021-03-18T00:00:00Z"}},
            {"keyId": "83f45296-fb8f-4aaa-a399-ac51084e02b7", "signInActivity": "garbage"},
        ]
    )
    assert [(k, at.isoformat()) for k, at in rows] == [
        ("83f45296-fb8f-4aaa-a399-ac51084e02b7", "2021-03-18T00:00:00-08:00")
    ]
