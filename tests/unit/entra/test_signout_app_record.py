"""`idspine signout` and idspine's own app recorded by `idspine bootstrap` (issue 17 follow-up): signing out
keeps the app (a setting, not a sign-in) and says so with the way to forget it; `--forget-app` forgets it for
the tenant asked (under every name bootstrap recorded it: domain and id), or for every tenant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.providers.entra.signin_config import (
    GRAPH_CLI_TOOLS_CLIENT_ID,
    SIGNIN_APPS_FILE_NAME,
    record_client_id,
    signin_config_from,
)

APP_A = "aaaaaaaa-1111-4222-8333-444444444444"
APP_B = "bbbbbbbb-1111-4222-8333-444444444444"
TENANT_A_ID = "0b0c0d0e-1111-4222-8333-444455556666"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("IDSPINE_TENANT", raising=False)
    monkeypatch.delenv("IDSPINE_CLIENT_ID", raising=False)
    monkeypatch.delenv("IDSPINE_TOKEN_CACHE", raising=False)
    path = tmp_path / "msal_token_cache.json"
    path.write_text("{}")
    apps = tmp_path / SIGNIN_APPS_FILE_NAME
    record_client_id(apps, "contoso.onmicrosoft.com", APP_A)  # bootstrap records the domain and the id
    record_client_id(apps, TENANT_A_ID, APP_A)
    record_client_id(apps, "fabrikam.onmicrosoft.com", APP_B)
    return path


def _apps(cache: Path) -> dict[str, str]:
    apps = cache.parent / SIGNIN_APPS_FILE_NAME
    return json.loads(apps.read_text()) if apps.exists() else {}


def test_signout_keeps_the_app_and_says_how_to_forget_it(cache: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("signout", "--cache", str(cache))
    assert res.code == 0 and "Signed out." in res.out and not cache.exists()
    assert "still recorded for" in res.out and "contoso.onmicrosoft.com" in res.out
    assert "--forget-app" in res.out
    assert len(_apps(cache)) == 3


@pytest.mark.parametrize("spelling", [("signout",), ("entra", "signout")])
def test_forget_app_for_one_tenant_forgets_its_domain_and_id(cache: Path, run_cli, spelling) -> None:  # type: ignore[no-untyped-def]
    res = run_cli(*spelling, "--cache", str(cache), "--forget-app", "--tenant", "Contoso.onmicrosoft.com")
    assert res.code == 0 and "Forgot idspine's own app" in res.out and "App registrations" in res.out
    assert _apps(cache) == {"fabrikam.onmicrosoft.com": APP_B}
    # the next sign-in to that tenant no longer uses the forgotten app
    config = signin_config_from(None, TENANT_A_ID, cache=cache, public_fallback=True)
    assert config.client_id == GRAPH_CLI_TOOLS_CLIENT_ID
    assert (
        signin_config_from(None, "fabrikam.onmicrosoft.com", cache=cache, public_fallback=True).client_id
        == APP_B
    )


def test_forget_app_without_a_tenant_forgets_every_one(cache: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("signout", "--cache", str(cache), "--forget-app")
    assert res.code == 0 and "fabrikam.onmicrosoft.com" in res.out
    assert not (cache.parent / SIGNIN_APPS_FILE_NAME).exists()
    again = run_cli("signout", "--cache", str(cache), "--forget-app")
    assert again.code == 0 and "Nobody was signed in." in again.out and "nothing else to forget" in again.out


def test_forget_app_uses_idspine_tenant(cache: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IDSPINE_TENANT", "fabrikam.onmicrosoft.com")
    res = run_cli("signout", "--cache", str(cache), "--forget-app")
    assert res.code == 0 and set(_apps(cache)) == {"contoso.onmicrosoft.com", TENANT_A_ID}


def test_an_unknown_tenant_forgets_nothing(cache: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("signout", "--cache", str(cache), "--forget-app", "--tenant", "nobody.example")
    assert res.code == 0 and "No app of idspine's was recorded for nobody.example" in res.out
    assert len(_apps(cache)) == 3
