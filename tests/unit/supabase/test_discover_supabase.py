"""Supabase reads for discover/drift: API key metadata (values dropped), Auth providers, the Supabase drift."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.support.drift_standins import api_key, install_supabase_keys
from wizard.discovery.findings import DriftKind
from wizard.discovery.supabase_drift import (
    ApiKeyInfo,
    AuthProviders,
    SupabaseSnapshot,
    adopt_keys,
    callback,
    compare_supabase,
)
from wizard.inventory import load, save
from wizard.model import (
    ChecklistItem,
    Consultancy,
    Credential,
    Integrations,
    Method,
    ServicePrincipal,
    Status,
    SupabaseKey,
    Workspace,
)
from wizard.providers import ProviderError
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.supabase import SupabaseProvider
from wizard.providers.supabase_read import parse_api_keys, parse_auth, read_project

SETTINGS = HttpSettings(allow_loopback_http=True, sleep=lambda s: None, max_retries=0)
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
APP_ID = "9a8b7c6d-0000-4111-8222-333344445555"
TOKEN_ENV = "IDSPINE_TEST_SB_DRIFT_TOKEN"
SECRET_ID = "5c1e7a34-8d2b-4f0e-9a61-2b3c4d5e6f70"
PUBLISHABLE_ID = "0f9e8d7c-6b5a-4321-8fed-cba987654321"


def live_keys(canaries: dict[str, str]) -> list[dict]:  # type: ignore[type-arg]
    return [
        api_key("anon", "legacy", None, canaries["jwt"]),
        api_key("service_role", "legacy", None, canaries["jwt"][::-1]),
        api_key(
            "default",
            "publishable",
            PUBLISHABLE_ID,
            "sb_publishable_" + canaries["random_blob"],
            "sb_publishable_ab",
        ),
        api_key("backend", "secret", SECRET_ID, "sb_secret_" + canaries["random_blob"][::-1], "sb_secret_xy"),
    ]


def provider(stand, token: str | None = None) -> SupabaseProvider:  # type: ignore[no-untyped-def]
    return SupabaseProvider(build_client(SETTINGS), token or stand.token, stand.server.url, SETTINGS)


@pytest.fixture
def keys_standin(standin_routes, supabase_ref, canaries):  # type: ignore[no-untyped-def]
    stand = install_supabase_keys(standin_routes.server, standin_routes.token, supabase_ref)
    stand.keys = live_keys(canaries)
    return stand


def test_read_keeps_metadata_only_and_asks_without_reveal(
    keys_standin, standin_routes, supabase_ref, canaries
):  # type: ignore[no-untyped-def]
    standin_routes.config.update(
        external_azure_enabled=True,
        external_azure_client_id=APP_ID,
        external_azure_url="https://login.microsoftonline.com/t",
        external_github_enabled=True,
        external_azure_secret="azure-secret-value-never-kept",
    )
    snap = read_project(provider(keys_standin), supabase_ref)
    assert keys_standin.reveal_seen == ["false"] and keys_standin.violations == []
    assert standin_routes.violations == []
    assert [(k.key, k.name, k.type) for k in snap.keys] == [
        ("legacy:anon", "anon", "legacy"),
        ("legacy:service_role", "service_role", "legacy"),
        (PUBLISHABLE_ID, "default", "publishable"),
        (SECRET_ID, "backend", "secret"),
    ]
    assert [k.kind for k in snap.keys] == [
        SupabaseKey.ANON,
        SupabaseKey.SERVICE_ROLE,
        SupabaseKey.PUBLISHABLE,
        SupabaseKey.SECRET,
    ]
    kept = repr(snap)
    for value in (
        canaries["jwt"],
        canaries["random_blob"],
        canaries["random_blob"][::-1],
        "azure-secret-value",
    ):
        assert value not in kept  # values and hashes sent anyway were dropped
    assert snap.auth.azure_enabled and snap.auth.azure_client_id == APP_ID
    assert "github" in snap.auth.enabled and "azure" in snap.auth.enabled


@pytest.mark.parametrize(
    "bad", [{"not": "a list"}, [{"type": "secret"}], [{"name": "x", "type": "secret"}], ["x"]]
)
def test_garbled_key_lists_are_errors(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProviderError):
        parse_api_keys(bad)


def test_refused_token(keys_standin, supabase_ref) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProviderError) as exc:
        read_project(provider(keys_standin, token="wrong-token"), supabase_ref)
    assert exc.value.kind == "refused"


def test_parse_auth_lists_enabled_providers_only() -> None:
    auth = parse_auth(
        {"external_email_enabled": True, "external_azure_enabled": False, "external_x_enabled": "yes"}
    )
    assert auth.enabled == ("email",) and not auth.azure_enabled


# ---------------------------------------------------------------------------- comparing


def ws_with(ref: str, creds: list[Credential], sps: list[ServicePrincipal] | None = None) -> Workspace:
    return Workspace(
        consultancy=Consultancy(
            name="Northwind",
            slug="northwind",
            integrations=Integrations(supabase_project_ref=ref, supabase_access_token_ref=f"env:{TOKEN_ENV}"),
        ),
        credentials=creds,
        service_principals=sps or [],
    )


def key_cred(cid: str, kind: SupabaseKey, client: str = "") -> Credential:
    return Credential(
        id=cid,
        service="supabase",
        method=Method.API_KEY,
        key_kind=kind,
        privileged=kind.privileged,
        client=client,
    )


def snapshot(ref: str, *keys: ApiKeyInfo, azure: bool = False, client_id: str = "") -> SupabaseSnapshot:
    return SupabaseSnapshot(ref, keys, AuthProviders(("azure",) if azure else (), client_id, ""))


def test_keys_unknown_missing_and_by_hand_entries_stand_for_one_key_of_their_kind(supabase_ref) -> None:  # type: ignore[no-untyped-def]
    ws = ws_with(
        supabase_ref,
        [
            key_cred("northwind-supabase-service-role", SupabaseKey.SECRET),
            key_cred("anon-key", SupabaseKey.ANON),
            key_cred("acme-anon", SupabaseKey.ANON, client="acme"),  # a client's own project: not compared
        ],
    )
    ws.clients = []
    snap = snapshot(
        supabase_ref,
        ApiKeyInfo(SECRET_ID, "backend", "secret"),
        ApiKeyInfo("7e6d5c4b-aaaa-4bbb-8ccc-ddddeeeeffff", "second", "secret"),
    )
    report = compare_supabase(ws, snap, NOW)
    got = {(f.kind, f.key, f.entry) for f in report.findings}
    assert got == {
        (DriftKind.UNKNOWN, "7e6d5c4b-aaaa-4bbb-8ccc-ddddeeeeffff", ""),  # the second secret key: nobody's
        (DriftKind.MISSING, "", "credential:anon-key"),  # recorded anon, none live
    }
    assert report.systems == [f"supabase:{supabase_ref}"] and report.exit_code == 1


def test_adopt_then_in_sync_and_a_deleted_key_is_missing(supabase_ref) -> None:  # type: ignore[no-untyped-def]
    ws = ws_with(supabase_ref, [])
    snap = snapshot(
        supabase_ref, ApiKeyInfo(SECRET_ID, "backend", "secret"), ApiKeyInfo("legacy:anon", "anon", "legacy")
    )
    result = adopt_keys(ws, snap, NOW)
    assert result.adopted == ["supabase-backend", "supabase-anon"]
    backend = ws.credential("supabase-backend")
    assert backend is not None and backend.key_kind == SupabaseKey.SECRET and backend.privileged
    assert (
        backend.discovered is not None and backend.discovered.key == SECRET_ID and backend.secret_ref is None
    )
    assert compare_supabase(ws, snap, NOW).findings == []
    retired = ws.model_copy(deep=True)
    retired.credential("supabase-backend").status = Status.RETIRED  # type: ignore[union-attr]
    (still,) = compare_supabase(retired, snap, NOW).findings
    assert (still.kind, still.key) == (DriftKind.CHANGED, SECRET_ID) and "retired" in still.detail
    assert adopt_keys(retired, snap, NOW).adopted == []  # never adopted twice
    gone = snapshot(supabase_ref, ApiKeyInfo("legacy:anon", "anon", "legacy"))
    (finding,) = compare_supabase(ws, gone, NOW).findings
    assert (finding.kind, finding.key, finding.entry) == (
        DriftKind.MISSING,
        SECRET_ID,
        "credential:supabase-backend",
    )


def test_azure_provider_against_what_the_inventory_implies(supabase_ref) -> None:  # type: ignore[no-untyped-def]
    sp = ServicePrincipal(name="app-supabase-signin", redirect_uris=[callback(supabase_ref)], app_id=APP_ID)
    plain = ws_with(supabase_ref, [])
    implied = ws_with(supabase_ref, [], [sp])
    on = snapshot(supabase_ref, azure=True, client_id=APP_ID)
    off = snapshot(supabase_ref)

    def kinds(ws: Workspace, snap: SupabaseSnapshot) -> list[tuple[DriftKind, str]]:
        return [(f.kind, f.object_type) for f in compare_supabase(ws, snap, NOW).findings]

    assert kinds(plain, on) == [(DriftKind.UNKNOWN, "auth provider")]
    assert kinds(implied, off) == [(DriftKind.MISSING, "auth provider")]
    assert kinds(implied, on) == [] and kinds(plain, off) == []
    other = snapshot(supabase_ref, azure=True, client_id="11111111-2222-4333-8444-555566667777")
    assert kinds(implied, other) == [(DriftKind.CHANGED, "auth provider")]
    done = ws_with(supabase_ref, [])
    done.checklist = [ChecklistItem(id=f"org:supabase-azure-enable:{supabase_ref}", text="enable", done=True)]
    assert kinds(done, on) == []


# ---------------------------------------------------------------------------- commands


def _inventory(tmp_path: Path, ref: str, creds: list[Credential]) -> Path:
    path = tmp_path / "idspine.toml"
    save(ws_with(ref, creds), path, expected_digest=None)
    return path


def test_cli_discover_adopt_and_drift_never_write_a_key_value(  # type: ignore[no-untyped-def]
    keys_standin, standin_routes, supabase_ref, canaries, run_cli, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv(TOKEN_ENV, keys_standin.token)
    path = _inventory(tmp_path, supabase_ref, [])
    url = ["--api-url", keys_standin.server.url, "--allow-loopback-http"]
    review = run_cli("discover", "supabase", "--file", str(path), *url)
    assert review.code == 0, review.err
    assert "not in the inventory" in review.out and "nothing written" in review.out
    d = run_cli("drift", "--file", str(path), *url, "--format", "sarif")
    assert d.code == 1
    assert {r["ruleId"] for r in json.loads(d.out)["runs"][0]["results"]} == {"drift-unknown"}
    a = run_cli("discover", "supabase", "--file", str(path), "--adopt", *url)
    assert a.code == 0 and "adopted 4" in a.out
    assert run_cli("drift", "--file", str(path), *url).code == 0
    keys_standin.keys.pop()  # the secret key deleted behind the inventory's back
    gone = run_cli("drift", "--file", str(path), *url, "--format", "junit")
    assert gone.code == 1 and "<failure" in gone.out
    everything = path.read_text() + review.out + d.out + a.out + gone.out
    everything += "".join(p.read_text() for p in (tmp_path / "state").rglob("*.json"))
    for value in (
        canaries["jwt"],
        canaries["jwt"][::-1],
        canaries["random_blob"],
        canaries["random_blob"][::-1],
    ):
        assert value not in everything
    assert load(path).credential("supabase-backend") is not None


def test_cli_refused_token_is_exit_2(keys_standin, supabase_ref, run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv(TOKEN_ENV, "not-the-token")
    path = _inventory(tmp_path, supabase_ref, [])
    url = ["--api-url", keys_standin.server.url, "--allow-loopback-http"]
    r = run_cli("drift", "--file", str(path), *url)
    assert r.code == 2 and f"cannot read supabase:{supabase_ref}" in r.out and "not-the-token" not in r.out
    assert run_cli("discover", "supabase", "--file", str(path), "--adopt", *url).code == 2


def test_the_stand_in_checks_its_answers_against_the_contract(keys_standin, supabase_ref) -> None:  # type: ignore[no-untyped-def]
    keys_standin.keys = [{"name": "x", "type": "weird", "id": "k1"}]
    snap = read_project(provider(keys_standin), supabase_ref)
    assert keys_standin.violations and "weird" in keys_standin.violations[0]
    assert snap.keys[0].kind is None  # a type idspine does not know: shown, never adopted
    assert adopt_keys(ws_with(supabase_ref, []), snap, NOW).skipped


def test_cli_hostile_key_names_are_shown_and_recorded_plain(  # type: ignore[no-untyped-def]
    keys_standin, supabase_ref, run_cli, tmp_path, monkeypatch
):
    monkeypatch.setenv(TOKEN_ENV, keys_standin.token)
    keys_standin.keys = [
        api_key("evil\x1b[2J\u202e|name\x07", "secret", SECRET_ID, "sb_secret_value_never_kept")
    ]
    path = _inventory(tmp_path, supabase_ref, [])
    url = ["--api-url", keys_standin.server.url, "--allow-loopback-http"]
    r = run_cli("discover", "supabase", "--file", str(path), "--adopt", *url)
    assert r.code == 0, r.err
    for bad in ("\x1b", "\u202e", "\x07"):
        assert bad not in r.out
    (cred,) = load(path).credentials
    assert "\x1b" not in cred.label and "\\u001b" in cred.label
    assert "sb_secret_value_never_kept" not in path.read_text() + r.out
