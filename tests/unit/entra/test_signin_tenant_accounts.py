"""A cached sign-in serves only the tenant it was made in (issue 13 follow-up, item 3).

The cache is msal's own TokenCache, filled the way msal fills it after a sign-in (TokenCache.add with the token
endpoint and the answer: id token, client_info "uid.utid", access token). Discovery is answered by a fake HTTP
client with Entra's documented openid-configuration shape; the token endpoint refuses a refresh for a user who
is not in the tenant, as Entra does (AADSTS50020). msal keys an account record by home_account_id ("oid.tid"),
environment and realm (the tenant the token came from):
https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference (tid).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

import wizard.providers.entra.msal_calls as msal_calls
from wizard.providers.entra.signin import silent_token
from wizard.providers.entra.signin_config import GRAPH_ADMIN_SCOPES, SigninConfig, entra_authority

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
TENANT_A = "aaaaaaaa-0000-4000-8000-00000000000a"
TENANT_B = "bbbbbbbb-0000-4000-8000-00000000000b"
ALICE = ("a1a1a1a1-0000-4000-8000-0000000000a1", TENANT_A, "alice@northwind.example")
DOMAINS = {"initech.onmicrosoft.com": TENANT_B}
BOB = ("b0b0b0b0-0000-4000-8000-0000000000b0", TENANT_B, "bob@initech.example")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _jwt(claims: dict[str, Any]) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.c2ln"


def _sign_in(cache: Any, who: tuple[str, str, str], tenant: str, token_tid: str | None = None) -> None:
    """What msal records after `who` signs in at `tenant`'s authority (a member when tenant is home)."""
    oid, home, upn = who
    claims = {
        "iss": f"https://login.microsoftonline.com/{tenant}/v2.0",
        "aud": CLIENT_ID,
        "tid": tenant,
        "oid": oid,
        "sub": oid[::-1],
        "preferred_username": upn,
        "exp": 4102444800,
        "iat": 1700000000,
    }
    cache.add(
        {
            "client_id": CLIENT_ID,
            "scope": list(GRAPH_ADMIN_SCOPES),
            "token_endpoint": f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
            "response": {
                "token_type": "Bearer",
                "expires_in": 3600,
                "ext_expires_in": 3600,
                "access_token": _jwt({"tid": token_tid or tenant, "oid": oid, "upn": upn}),
                "refresh_token": f"rt-{oid}-{tenant}",
                "id_token": _jwt(claims),
                "client_info": _b64({"uid": oid, "utid": home}),
            },
            "data": {"scope": list(GRAPH_ADMIN_SCOPES)},
        }
    )


class _Response:
    def __init__(self, status: int, body: dict[str, Any]):
        self.status_code, self.text, self.headers = (
            status,
            json.dumps(body),
            {"content-type": "application/json"},
        )

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}")


class FakeEntra:
    """Discovery for any tenant GUID; the token endpoint refuses refresh tokens (user not in that tenant)."""

    last_status = None

    def __init__(self) -> None:
        self.refreshes: list[str] = []

    def get(self, url: str, **_: Any) -> _Response:
        tenant = DOMAINS.get(url.split("/")[3], url.split("/")[3])  # a domain resolves to its tenant id
        if "openid-configuration" in url:
            base = f"https://login.microsoftonline.com/{tenant}"
            return _Response(
                200,
                {
                    "issuer": f"{base}/v2.0",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                },
            )
        return _Response(200, {"tenant_discovery_endpoint": "", "metadata": []})

    def post(self, url: str, data: Any = None, **_: Any) -> _Response:
        self.refreshes.append(url.split("/")[3])
        return _Response(
            400,
            {
                "error": "invalid_grant",
                "error_description": "AADSTS50020: User account from "
                "identity provider does not exist in tenant and cannot access the application",
            },
        )

    def close(self) -> None:
        pass


@pytest.fixture()
def entra(monkeypatch: pytest.MonkeyPatch) -> FakeEntra:
    fake = FakeEntra()
    monkeypatch.setattr(msal_calls, "http_session", lambda config: fake)
    return fake


def _cache_file(tmp_path: Path, *sign_ins: tuple[tuple[str, str, str], str] | tuple[Any, ...]) -> Path:
    import msal

    cache = msal.SerializableTokenCache()
    for args in sign_ins:
        _sign_in(cache, *args)
    path = tmp_path / "cache.json"
    path.write_text(cache.serialize())
    return path


def _config(tenant: str, path: Path) -> SigninConfig:
    return SigninConfig(client_id=CLIENT_ID, authority=entra_authority(tenant), cache_path=path)


def _tid(token: str) -> str:
    from wizard.providers.entra.tenant_tokens import issuing_tenant

    return issuing_tenant(token) or ""


def test_each_tenant_gets_the_account_that_signed_in_there(entra: FakeEntra, tmp_path: Path) -> None:
    path = _cache_file(tmp_path, (ALICE, TENANT_A), (BOB, TENANT_B))  # alice first: msal lists her first
    b = silent_token(_config(TENANT_B, path), GRAPH_ADMIN_SCOPES)
    assert b is not None and b.ok, b and b.detail
    assert b.account == BOB[2] and _tid(b.access_token) == TENANT_B
    a = silent_token(_config(TENANT_A, path), GRAPH_ADMIN_SCOPES)
    assert a is not None and a.ok and a.account == ALICE[2] and _tid(a.access_token) == TENANT_A
    assert entra.refreshes == []  # each came from its own tenant's cached token, no refresh elsewhere


def test_a_guest_sign_in_serves_the_tenant_it_was_made_in(entra: FakeEntra, tmp_path: Path) -> None:
    path = _cache_file(tmp_path, (BOB, TENANT_B), (ALICE, TENANT_A), (ALICE, TENANT_B))  # alice, guest in B
    a = silent_token(_config(TENANT_A, path), GRAPH_ADMIN_SCOPES)
    assert a is not None and a.ok and a.account == ALICE[2] and _tid(a.access_token) == TENANT_A


def test_no_sign_in_to_the_tenant_means_sign_in_first(entra: FakeEntra, tmp_path: Path) -> None:
    path = _cache_file(tmp_path, (ALICE, TENANT_A))
    assert silent_token(_config(TENANT_B, path), GRAPH_ADMIN_SCOPES) is None
    assert entra.refreshes == []  # alice's refresh token was never sent to tenant B


def test_a_cached_token_issued_by_another_tenant_is_refused(entra: FakeEntra, tmp_path: Path) -> None:
    path = _cache_file(tmp_path, (BOB, TENANT_B, TENANT_A))  # recorded under B, but its tid says A
    result = silent_token(_config(TENANT_B, path), GRAPH_ADMIN_SCOPES)
    assert result is not None and not result.ok and not result.access_token
    assert TENANT_A in result.detail and "sign in" in result.detail


def test_a_tenant_given_by_domain_finds_its_sign_in(entra: FakeEntra, tmp_path: Path) -> None:
    path = _cache_file(tmp_path, (ALICE, TENANT_A), (BOB, TENANT_B))
    b = silent_token(_config("initech.onmicrosoft.com", path), GRAPH_ADMIN_SCOPES)
    assert b is not None and b.ok and b.account == BOB[2] and _tid(b.access_token) == TENANT_B
