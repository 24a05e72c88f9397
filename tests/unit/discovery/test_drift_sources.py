"""Which drift sources a workspace gets, the Entra wiring (through the discover helper's modules, faked here),
and the `discover` registration working in either order with `discover entra`'s hook."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import types

import pytest

from wizard.cli.commands import discover as discover_entra
from wizard.cli.commands import discover_n8n, discover_supabase
from wizard.discovery.drift import run_drift
from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport
from wizard.model import Client, Consultancy, Integrations, Workspace
from wizard.providers.drift_sources import drift_sources, entra_tenants
from wizard.settings import Connections
from wizard.vocabulary import IdP, Status

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def ws(**integrations: str) -> Workspace:
    return Workspace(
        consultancy=Consultancy(
            name="N", slug="n", home_tenant="home.example", integrations=Integrations(**integrations)
        ),
        clients=[
            Client(slug="acme", name="Acme", tenant="acme.example"),
            Client(slug="gone", name="Gone", tenant="gone.example", status=Status.RETIRED),
            Client(slug="shared", name="Shared", tenant="HOME.example"),
        ],
    )


def test_sources_follow_what_is_configured() -> None:
    assert drift_sources(ws(), Connections()) == []
    both = drift_sources(
        ws(
            n8n_url="https://n8n.example.com",
            n8n_api_key_ref="env:K",
            supabase_project_ref="abcdefghijklmnopqrst",
            supabase_access_token_ref="env:T",
        ),
        Connections(),
    )
    assert [s.system for s in both] == ["n8n", "supabase:abcdefghijklmnopqrst"]  # type: ignore[attr-defined]
    only = drift_sources(
        ws(n8n_url="https://n8n.example.com", n8n_api_key_ref="env:K"), Connections(), systems=("supabase",)
    )
    assert only == []


def test_an_unreadable_key_is_one_line_not_an_exception(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("IDSPINE_TEST_NOPE", raising=False)
    sources = drift_sources(
        ws(n8n_url="https://n8n.example.com", n8n_api_key_ref="env:IDSPINE_TEST_NOPE"), Connections()
    )
    report = run_drift(ws(), sources, NOW)
    assert report.exit_code == 2 and "IDSPINE_TEST_NOPE" in report.unreadable["n8n"]


def test_entra_tenants_home_and_active_clients_once() -> None:
    assert entra_tenants(ws()) == [("home.example", ""), ("acme.example", "acme")]


@pytest.fixture
def fake_entra(monkeypatch):  # type: ignore[no-untyped-def]
    """Stand-ins for the discover helper's modules, with the signatures read on its branch."""
    calls: list[tuple[str, str, list[str]]] = []

    def discover_tenant(tenant, token, *, graph_url, http_settings=None, group_prefixes=(), **_):  # type: ignore[no-untyped-def]
        calls.append((tenant, token, list(group_prefixes)))
        return types.SimpleNamespace(tenant=tenant)

    def compare_entra(workspace, snapshot):  # type: ignore[no-untyped-def]
        system = f"entra:{snapshot.tenant}"
        found = [DriftFinding(DriftKind.UNRECORDED_SECRET, system, "client secret", "k1", "s")]
        return DriftReport(NOW, [system], found if snapshot.tenant == "acme.example" else [])

    modules = {
        "wizard.providers.entra.discover": {"discover_tenant": discover_tenant, "DISCOVER_SCOPES": ("x",)},
        "wizard.discovery.entra_drift": {"compare_entra": compare_entra},
        "wizard.discovery.entra_match": {
            "group_prefixes": lambda w, client="": [f"Tenant-{client or 'home'}-"]
        },
    }
    for name, attrs in modules.items():
        module = types.ModuleType(name)
        for key, value in attrs.items():
            setattr(module, key, value)
        monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_entra_source_per_tenant_through_the_discover_modules(fake_entra) -> None:  # type: ignore[no-untyped-def]
    tokens = {"home.example": "tok-home", "acme.example": "tok-acme"}
    sources = drift_sources(ws(), Connections(), entra_token=tokens.__getitem__)
    assert [s.system for s in sources] == ["entra:home.example", "entra:acme.example"]  # type: ignore[attr-defined]
    report = run_drift(ws(), sources, NOW)
    assert fake_entra == [
        ("home.example", "tok-home", ["Tenant-home-"]),
        ("acme.example", "tok-acme", ["Tenant-acme-"]),
    ]
    assert report.exit_code == 1 and [f.system for f in report.findings] == ["entra:acme.example"]
    okta = ws()
    okta.consultancy.idp = IdP.OKTA
    assert drift_sources(okta, Connections(), entra_token=tokens.__getitem__) == []
    assert drift_sources(ws(), Connections()) == []  # no way to get a token: Entra is not compared


def test_cli_entra_token_from_the_environment_or_unreadable(
    fake_entra, run_cli, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from wizard.inventory import save

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("IDSPINE_TEST_GRAPH_TOKEN", "graph-token-value")
    path = tmp_path / "idspine.toml"
    w = ws()
    w.clients = []
    save(w, path, expected_digest=None)
    r = run_cli("drift", "--file", str(path), "--token-env", "home.example=IDSPINE_TEST_GRAPH_TOKEN")
    assert r.code == 0, r.out + r.err
    assert fake_entra == [("home.example", "graph-token-value", ["Tenant-home-"])]
    fake_entra.clear()
    assert run_cli("drift", "--file", str(path), "--token-env", "home=IDSPINE_TEST_GRAPH_TOKEN").code == 0
    assert fake_entra == [("home.example", "graph-token-value", ["Tenant-home-"])]
    r = run_cli("drift", "--file", str(path), "--token-env", "home.example=IDSPINE_TEST_UNSET_VAR")
    assert r.code == 2 and "IDSPINE_TEST_UNSET_VAR" in r.out
    assert run_cli("drift", "--file", str(path), "--token-env", "nonsense").code == 2
    monkeypatch.setenv("IDSPINE_TOKEN_CACHE", str(tmp_path / "no-cache.json"))
    r = run_cli("drift", "--file", str(path))  # no token named and no cached sign-in: Entra unreadable
    assert r.code == 2 and "cannot read entra:home.example" in r.out


@pytest.mark.parametrize("entra_first", [True, False])
def test_discover_registration_works_in_either_order(entra_first: bool) -> None:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    if entra_first:
        discover_entra.register(subparsers)
    discover_n8n.register(subparsers)
    discover_supabase.register(subparsers)
    if not entra_first:
        discover_entra.register(subparsers)
    for source in ("entra", "n8n", "supabase"):
        assert parser.parse_args(["discover", source]).discover_source == source


def test_an_explained_refusal_is_not_followed_by_general_advice() -> None:
    from wizard.providers.drift_sources import _Source
    from wizard.providers.errors import ProviderError

    def refused(message: str, explained: bool):  # type: ignore[no-untyped-def]
        def read(w: Workspace) -> DriftReport:
            raise ProviderError(message, "refused", 401, explained=explained)

        return _Source("entra:home.example", read, "Microsoft Graph")(ws())

    told = refused("Microsoft Graph refused the token (HTTP 401): sign in again", True)
    assert told.unreadable == {
        "entra:home.example": "Microsoft Graph refused the token (HTTP 401): sign in again"
    }
    assert told.exit_code == 2
    general = refused("HTTP 401", False).unreadable["entra:home.example"]
    assert general.startswith("HTTP 401 (") and len(general) > len("HTTP 401 ()")
    assert "written" not in general.lower()
