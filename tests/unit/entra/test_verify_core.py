"""The one verify operation (wizard.providers.entra.verify.verify_and_record): what it records, and that it
records nothing when the IdP was never asked (no settings, the secret unreadable here)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import wizard.providers.entra.msal_calls as msal_calls
from wizard.inventory import load, save
from wizard.model import CredentialKind, ServicePrincipal, Workspace, new_workspace
from wizard.providers.entra.msal_calls import TokenResult
from wizard.providers.entra.signin_config import SigninConfig, signin_config_from
from wizard.providers.entra.verify import VerifyRefused, verify_and_record
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
