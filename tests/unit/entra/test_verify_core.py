"""The one verify operation (wizard.providers.entra.verify.verify_and_record): what it records, and that it
records nothing when the IdP was never asked (no settings, the secret unreadable here)."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

import wizard.providers.entra.msal_calls as msal_calls
from tests.support.loopback import LoopbackServer, send
from wizard.inventory import load, save
from wizard.model import CredentialKind, ServicePrincipal, Workspace, new_workspace
from wizard.providers.entra.msal_calls import TokenResult
from wizard.providers.entra.signin_config import SigninConfig, signin_config_from
from wizard.providers.entra.verify import VerifyRefused, verify_and_record
from wizard.providers.http_settings import HttpSettings
from wizard.providers.oidc_verify import oidc_token_ask, template_endpoint
from wizard.secrets.resolver import resolve

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "11111111-2222-3333-4444-555555555555"


def workspace() -> Workspace:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.home_tenant = TENANT
    ws.service_principals.append(
        ServicePrincipal(
            name="svc-check",
            tool="peer",
            purpose="check",
            credential_kind=CredentialKind.SECRET,
            owner="ola@fjord.example",
            app_id=APP_ID,
            secret_ref="env:SVC_CHECK_SECRET",
        )
    )
    return ws


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[SigninConfig, list[str]]]:
    """Every token request; the IdP refuses each (no network)."""
    calls: list[tuple[SigninConfig, list[str]]] = []

    def refuse(config: SigninConfig, secret: str, scopes: list[str]) -> TokenResult:
        calls.append((config, scopes))
        return TokenResult(False, "invalid_client", "AADSTS7000215: Invalid client secret provided.")

    monkeypatch.setattr(msal_calls, "client_credentials", refuse)
    return calls


def signin_for(client_id: str, tenant: str) -> SigninConfig:
    return signin_config_from(client_id, tenant, environ={})


def test_a_refused_secret_is_recorded_under_the_lock(asked: list[Any], tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(workspace(), path, expected_digest=None)
    lock = threading.Lock()
    seen: list[bool] = []
    outcome = verify_and_record(
        load(path),
        "svc-check",
        signin_for=signin_for,
        resolve_secret=lambda ref: resolve(ref, {"SVC_CHECK_SECRET": "not-a-real-secret"}),
        scopes=["api:read"],
        path=path,
        lock=lock,
        after_save=lambda updated, verification: seen.append(lock.locked() and updated is not None),
    )
    assert not outcome.verification.ok and "invalid_client" in outcome.verification.detail
    assert seen == [True] and outcome.saved is not None and not outcome.save_error
    ((config, scopes),) = asked
    assert config.authority == f"https://login.microsoftonline.com/{TENANT}" and scopes == ["api:read"]
    recorded = load(path).service_principal("svc-check")
    assert recorded is not None and recorded.verification is not None and not recorded.verification.ok


@pytest.mark.parametrize(
    ("signin", "secrets", "why"),
    [
        (signin_for, {}, "SVC_CHECK_SECRET"),  # the secret cannot be read on this machine
        (
            lambda cid, tenant: signin_config_from(None, tenant, environ={}),
            {"SVC_CHECK_SECRET": "x"},
            "client id",
        ),
    ],
)
def test_nothing_is_recorded_when_the_idp_was_never_asked(  # type: ignore[no-untyped-def]
    asked: list[Any], tmp_path: Path, signin, secrets: dict[str, str], why: str
) -> None:
    path = tmp_path / "idspine.toml"
    save(workspace(), path, expected_digest=None)
    before = path.read_bytes()
    with pytest.raises(VerifyRefused, match=why):
        verify_and_record(
            load(path),
            "svc-check",
            signin_for=signin,
            resolve_secret=lambda ref: resolve(ref, secrets),
            scopes=["api:read"],
            path=path,
        )
    assert asked == [] and path.read_bytes() == before


def test_unknown_and_incomplete_identities_are_refused(asked: list[Any]) -> None:
    ws = workspace()
    with pytest.raises(VerifyRefused, match="no service principal named 'svc-nobody'"):
        verify_and_record(ws, "svc-nobody", signin_for=signin_for, resolve_secret=str, scopes=[])
    sp = ws.service_principal("svc-check")
    assert sp is not None
    sp.secret_ref = None
    with pytest.raises(VerifyRefused, match="no secret reference"):
        verify_and_record(ws, "svc-check", signin_for=signin_for, resolve_secret=str, scopes=[])
    sp.app_id = None
    with pytest.raises(VerifyRefused, match="no app id yet"):
        verify_and_record(ws, "svc-check", signin_for=signin_for, resolve_secret=str, scopes=[])
    assert asked == []


# ---------------------------------------------------------------- IdPs other than Entra (loopback stand-in)

SECRET = "kc-secret-value-for-tests"
LOOPBACK = HttpSettings(allow_loopback_http=True, max_retries=0)


def idp_file(tmp_path: Path, idp: str, address: str, app_id: str | None = None) -> Path:
    ws = workspace()
    ws.consultancy.idp = idp  # type: ignore[assignment]
    ws.consultancy.idp_address = address
    sp = ws.service_principal("svc-check")
    assert sp is not None
    sp.app_id = app_id
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


def verify_at(path: Path, settings: HttpSettings = LOOPBACK, **kw: Any):  # type: ignore[no-untyped-def]
    ws = load(path)
    client_id = kw.pop("client_id", "svc-check")
    return verify_and_record(
        ws,
        "svc-check",
        token_ask_for=oidc_token_ask(ws, settings=settings, **kw),
        resolve_secret=lambda ref: resolve(ref, {"SVC_CHECK_SECRET": SECRET}),
        client_id=client_id,
        path=path,
    )


def discovery(server: LoopbackServer, issuer: str, token_endpoint: str) -> None:
    path = issuer.removeprefix(server.url).rstrip("/") + "/.well-known/openid-configuration"
    doc = {"issuer": issuer, "token_endpoint": token_endpoint}
    server.route("GET", path, lambda h, seen: send(h, 200, doc))


def refuse_token(server: LoopbackServer, path: str, status: int = 401) -> None:
    body = {"error": "invalid_client", "error_description": "Invalid client or Invalid client credentials"}
    server.route("POST", path, lambda h, seen: send(h, status, body if status < 500 else b"<html>down"))


def test_template_endpoints_follow_the_profiles() -> None:
    assert (
        template_endpoint("okta", "https://acme.okta.com") == "https://acme.okta.com/oauth2/default/v1/token"
    )
    assert (
        template_endpoint("okta", "https://acme.okta.com/oauth2/aus1")
        == "https://acme.okta.com/oauth2/aus1/v1/token"
    )
    assert template_endpoint("auth0", "https://acme.eu.auth0.com/") == "https://acme.eu.auth0.com/oauth/token"
    assert (
        template_endpoint("keycloak", "https://sso.example.com/realms/acme")
        == "https://sso.example.com/realms/acme/protocol/openid-connect/token"
    )
    assert (
        template_endpoint("authentik", "https://auth.example.com")
        == "https://auth.example.com/application/o/token/"
    )
    with pytest.raises(VerifyRefused, match="realm"):
        template_endpoint("keycloak", "https://sso.example.com")


def test_discovery_then_basic_and_the_refusal_is_recorded(loopback: LoopbackServer, tmp_path: Path) -> None:
    issuer = loopback.url + "/realms/acme"
    discovery(loopback, issuer, issuer + "/protocol/openid-connect/token")
    refuse_token(loopback, "/realms/acme/protocol/openid-connect/token")
    path = idp_file(tmp_path, "keycloak", issuer)
    outcome = verify_at(path)
    assert not outcome.verification.ok
    assert outcome.verification.detail == "invalid_client: Invalid client or Invalid client credentials"
    recorded = load(path).service_principal("svc-check")
    assert recorded is not None and recorded.verification == outcome.verification
    post = loopback.seen[-1]
    assert post.method == "POST" and SECRET.encode() not in post.body
    sent = base64.b64decode(post.headers["authorization"].removeprefix("Basic ")).decode()
    assert sent == f"svc-check:{SECRET}"
    assert parse_qs(post.body.decode()) == {"grant_type": ["client_credentials"]}


def test_post_puts_the_secret_in_the_form_and_auth0_adds_an_audience(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    discovery(loopback, loopback.url + "/", loopback.url + "/oauth/token")
    loopback.route(
        "POST", "/oauth/token", lambda h, s: send(h, 200, {"access_token": "x.y.z", "expires_in": 86400})
    )
    path = idp_file(tmp_path, "auth0", loopback.url)
    outcome = verify_at(path, client_id="AbCdEf0123456789")
    assert outcome.verification.ok and outcome.verification.detail == "token issued (valid 86400 s)"
    post = loopback.seen[-1]
    assert "authorization" not in post.headers
    assert parse_qs(post.body.decode()) == {
        "grant_type": ["client_credentials"],
        "audience": [f"{loopback.url.replace('http://', 'https://')}/api/v2/"],
        "client_id": ["AbCdEf0123456789"],
        "client_secret": [SECRET],
    }


def test_no_discovery_document_falls_back_to_the_template(loopback: LoopbackServer, tmp_path: Path) -> None:
    refuse_token(loopback, "/realms/acme/protocol/openid-connect/token", status=400)
    path = idp_file(tmp_path, "keycloak", loopback.url + "/realms/acme")
    assert "invalid_client" in verify_at(path).verification.detail
    assert [(s.method, s.path) for s in loopback.seen] == [
        ("GET", "/realms/acme/.well-known/openid-configuration"),
        ("POST", "/realms/acme/protocol/openid-connect/token"),
    ]


@pytest.mark.parametrize(
    ("say_issuer", "say_token", "why"),
    [
        ("https://evil.example/realms/acme", "/realms/acme/token", "another issuer"),
        (None, "https://evil.example/token", "not on the issuer's own address"),
    ],
)
def test_a_discovery_document_pointing_elsewhere_is_refused(  # type: ignore[no-untyped-def]
    loopback: LoopbackServer, tmp_path: Path, say_issuer, say_token: str, why: str
) -> None:
    issuer = loopback.url + "/realms/acme"
    token = say_token if say_token.startswith("https://") else loopback.url + say_token
    discovery(loopback, issuer, token)
    if say_issuer:
        doc = {"issuer": say_issuer, "token_endpoint": token}
        loopback.route("GET", "/realms/acme/.well-known/openid-configuration", lambda h, s: send(h, 200, doc))
    path = idp_file(tmp_path, "keycloak", issuer)
    before = path.read_bytes()
    with pytest.raises(VerifyRefused, match=why):
        verify_at(path)
    assert path.read_bytes() == before and all(s.method == "GET" for s in loopback.seen)


def test_http_is_refused_unless_loopback_is_allowed(loopback: LoopbackServer, tmp_path: Path) -> None:
    path = idp_file(tmp_path, "keycloak", loopback.url + "/realms/acme")
    with pytest.raises(VerifyRefused, match="plain http"):
        verify_at(path, settings=HttpSettings())
    assert loopback.seen == []  # nothing was asked, not even discovery


def test_unreachable_and_failing_idps_are_refused_and_nothing_recorded(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    path = idp_file(tmp_path, "keycloak", f"http://127.0.0.1:{closed}/realms/acme")
    before = path.read_bytes()
    with pytest.raises(VerifyRefused, match="could not connect"):
        verify_at(path)
    refuse_token(loopback, "/realms/acme/protocol/openid-connect/token", status=503)
    (tmp_path / "b").mkdir()
    failing = idp_file(tmp_path / "b", "keycloak", loopback.url + "/realms/acme")
    failing_before = failing.read_bytes()
    with pytest.raises(VerifyRefused, match="HTTP 503"):
        verify_at(failing)
    assert path.read_bytes() == before and failing.read_bytes() == failing_before


def test_google_okta_without_scope_and_missing_client_ids_are_refused(tmp_path: Path) -> None:
    cases = [
        ("google-cloud-identity", "example.com", "svc-check", "no client secret"),
        ("okta", "https://acme.okta.com", "0oa1", "custom scope"),
        ("okta", "https://acme.okta.com", None, "--client-id"),
    ]
    for n, (idp, address, client_id, why) in enumerate(cases):
        (tmp_path / str(n)).mkdir()
        path = idp_file(tmp_path / str(n), idp, address)
        with pytest.raises(VerifyRefused, match=why):
            verify_at(path, settings=HttpSettings(max_retries=0), client_id=client_id)


def test_a_secret_echoed_by_the_idp_is_not_recorded(loopback: LoopbackServer, tmp_path: Path) -> None:
    issuer = loopback.url + "/realms/acme"
    discovery(loopback, issuer, issuer + "/token")
    echo = {"error": "invalid_client", "error_description": f"secret {SECRET} is wrong"}
    loopback.route("POST", "/realms/acme/token", lambda h, s: send(h, 401, json.dumps(echo)))
    path = idp_file(tmp_path, "keycloak", issuer)
    verify_at(path)
    assert SECRET not in path.read_text()


def test_the_app_asks_entra_through_msal_and_other_idps_at_their_token_endpoint(
    asked: list[Any], loopback: LoopbackServer, tmp_path: Path
) -> None:
    from wizard.providers.oidc_verify import where_to_ask
    from wizard.settings import Connections

    conn = Connections(allow_loopback_http=True, signin_client_id="idspine-cli")
    entra = workspace()
    assert set(where_to_ask(entra, conn)) == {"signin_for"}
    outcome = verify_and_record(
        entra, "svc-check", **where_to_ask(entra, conn), resolve_secret=lambda ref: SECRET, scopes=["s"]
    )
    assert not outcome.verification.ok and len(asked) == 1 and asked[0][0].authority  # msal, at Entra
    refuse_token(loopback, "/realms/acme/protocol/openid-connect/token")
    keycloak = load(idp_file(tmp_path, "keycloak", loopback.url + "/realms/acme"))
    assert set(where_to_ask(keycloak, conn)) == {"token_ask_for"}
    outcome = verify_and_record(
        keycloak, "svc-check", **where_to_ask(keycloak, conn), resolve_secret=lambda ref: SECRET
    )
    assert "invalid_client" in outcome.verification.detail and len(asked) == 1  # not through msal
    assert loopback.seen[-1].path == "/realms/acme/protocol/openid-connect/token"


def test_a_recorded_non_guid_client_id_is_used_and_checked() -> None:
    """Okta and Auth0 client ids are not GUIDs: the inventory records them in client_id, verify uses it."""
    from pydantic import ValidationError

    from wizard.providers.oidc_verify import default_client_id

    ws = new_workspace("Northwind", "northwind")
    ws.consultancy.idp = "okta"  # type: ignore[assignment]
    sp = ServicePrincipal(name="svc-n8n-okta", purpose="n8n", client_id="0oa1b2c3d4EXAMPLE5d7")
    assert default_client_id(ws, sp) == "0oa1b2c3d4EXAMPLE5d7"
    with pytest.raises(ValidationError):
        ServicePrincipal(name="svc-x", purpose="n8n", client_id="bad id\x1b[31m")
