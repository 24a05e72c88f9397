"""Which way the consultant's sign-in goes: your app > idspine's own app > (Azure CLI, then Microsoft Graph
Command Line Tools), and a refused device code falls back to the browser. No network: the device and browser
flows are replaced by fakes here (they are tested for real in tests/peers/test_signin_browser.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.entra.test_signin_azure_cli import STAND_IN, TENANT
from wizard.providers.entra import signin_chain
from wizard.providers.entra.auth_code_flow import device_code_refused
from wizard.providers.entra.msal_calls import TokenResult
from wizard.providers.entra.signin_config import (
    GRAPH_CLI_TOOLS_CLIENT_ID,
    WAY_AZURE_CLI,
    WAY_GRAPH_CLI_TOOLS,
    WAY_OWN_APP,
    WAY_YOUR_APP,
    SigninError,
    record_client_id,
    recorded_client_id,
    signin_config_from,
)

OWN_APP = "0a1b2c3d-0000-4000-8000-00000000beef"
YOURS = "9f9f9f9f-0000-4000-8000-000000000001"


@pytest.fixture(autouse=True)
def no_idspine_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IDSPINE_CLIENT_ID", "IDSPINE_TENANT", "IDSPINE_OIDC_AUTHORITY", "IDSPINE_TOKEN_CACHE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def az(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    exe = tmp_path / "bin" / "az"
    exe.parent.mkdir()
    exe.write_text(STAND_IN.format(python=sys.executable))
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("AZ_LOG", str(tmp_path / "az.log"))
    monkeypatch.setenv("AZ_HOME", TENANT)
    return exe


@pytest.fixture
def no_az(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))


def test_which_app_signs_in(tmp_path: Path) -> None:
    cache = tmp_path / "tokens.json"
    first = signin_config_from(None, TENANT, cache=cache, public_fallback=True)
    assert (first.client_id, first.way) == (GRAPH_CLI_TOOLS_CLIENT_ID, WAY_GRAPH_CLI_TOOLS)
    record_client_id(first.apps_file, TENANT.upper(), OWN_APP)
    assert recorded_client_id(first.apps_file, TENANT) == OWN_APP
    assert (first.apps_file.stat().st_mode & 0o777) == 0o600
    later = signin_config_from(None, TENANT, cache=cache, public_fallback=True)
    assert (later.client_id, later.way) == (OWN_APP, WAY_OWN_APP)
    other_tenant = signin_config_from(None, "fabrikam.onmicrosoft.com", cache=cache, public_fallback=True)
    assert other_tenant.way == WAY_GRAPH_CLI_TOOLS  # idspine's app is per tenant
    env = {"IDSPINE_CLIENT_ID": YOURS}
    yours = signin_config_from(None, TENANT, cache=cache, public_fallback=True, environ=env)
    assert (yours.client_id, yours.way) == (YOURS, WAY_YOUR_APP)  # IDSPINE_CLIENT_ID still wins
    with pytest.raises(ValueError, match="IDSPINE_CLIENT_ID"):
        signin_config_from(None, TENANT, cache=cache)  # verify and friends never fall back
    with pytest.raises(ValueError, match="IDSPINE_CLIENT_ID"):  # Microsoft's client is for Entra only
        signin_config_from(None, None, oidc_authority="https://idp.example/realms/x", public_fallback=True)


def test_a_damaged_apps_file_is_ignored(tmp_path: Path) -> None:
    apps = tmp_path / "signin_apps.json"
    apps.write_text("{not json")
    assert recorded_client_id(apps, TENANT) is None
    apps.write_text(json.dumps({TENANT: "not-a-guid"}))
    assert recorded_client_id(apps, TENANT) is None


@pytest.mark.parametrize(
    ("error", "description", "refused"),
    [
        ("invalid_grant", "AADSTS53003: Access has been blocked by Conditional Access policies.", True),
        ("interaction_required", "AADSTS50199: For security reasons, user confirmation is required", True),
        ("invalid_request", "The device code flow is blocked for this tenant.", True),
        ("invalid_grant", "AADSTS70000: The provided grant is invalid", False),
        ("expired_token", "", False),
        ("access_denied", "the user declined", False),
    ],
)
def test_device_code_refusals(error: str, description: str, refused: bool) -> None:
    assert device_code_refused(TokenResult(False, error, description)) is refused
    assert device_code_refused(TokenResult(True, access_token="x")) is False


class FakeDevice:
    started: list[str] = []

    def __init__(self, config: Any, scopes: Any) -> None:
        FakeDevice.started.append(config.client_id)

    def start(self) -> str:
        return "CODE"

    def finish(self, code: str) -> TokenResult:
        return TokenResult(
            False, "invalid_grant", "AADSTS53003: Access has been blocked by Conditional Access"
        )


class FakeBrowser:
    def __init__(self, config: Any, scopes: Any, open_browser: Any = None) -> None:
        self.config = config

    def run(self) -> TokenResult:
        return TokenResult(True, account="ola@contoso.example", access_token="browser-token")


def test_without_any_app_the_azure_cli_comes_first(az: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("wizard.providers.entra.device_flow.DeviceSignin", FakeDevice)
    FakeDevice.started = []
    config = signin_config_from(None, TENANT, cache=tmp_path / "t.json", public_fallback=True)
    said: list[str] = []
    result, way = signin_chain.sign_in(config, ["x"], say=said.append, show_code=lambda c: None)
    assert result.ok and way == WAY_AZURE_CLI and FakeDevice.started == []
    assert said == []  # nothing to explain: no consent to Microsoft's public client was asked for
    cached, how = signin_chain.cached_token(config, ["x"])
    assert cached is not None and cached.ok and how == WAY_AZURE_CLI


def test_then_graph_command_line_tools_said_plainly_then_the_browser(
    no_az, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("wizard.providers.entra.device_flow.DeviceSignin", FakeDevice)
    monkeypatch.setattr(signin_chain, "BrowserSignin", FakeBrowser)
    FakeDevice.started = []
    config = signin_config_from(None, TENANT, cache=tmp_path / "t.json", public_fallback=True)
    said: list[str] = []
    shown: list[str] = []
    result, way = signin_chain.sign_in(config, ["x"], say=said.append, show_code=shown.append)
    assert result.ok and result.account == "ola@contoso.example" and way == WAY_GRAPH_CLI_TOOLS
    assert FakeDevice.started == [GRAPH_CLI_TOOLS_CLIENT_ID] and shown == ["CODE"]
    assert said[0] == "No Azure CLI sign-in to use: the Azure CLI (az) is not installed."
    notice = said[1]
    for words in (
        "Microsoft Graph Command Line Tools",
        GRAPH_CLI_TOOLS_CLIENT_ID,
        "service principal",
        "consent",
        "may block it",
        "Enterprise applications",
        "idspine bootstrap",
    ):
        assert words in notice
    assert "refused the device code sign-in (invalid_grant: AADSTS53003" in said[2]


def test_your_app_never_asks_the_azure_cli(az: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("wizard.providers.entra.device_flow.DeviceSignin", FakeDevice)
    monkeypatch.setattr(signin_chain, "BrowserSignin", FakeBrowser)
    FakeDevice.started = []
    config = signin_config_from(YOURS, TENANT, cache=tmp_path / "t.json", public_fallback=True)
    said: list[str] = []
    result, way = signin_chain.sign_in(config, ["x"], say=said.append, show_code=lambda c: None)
    assert way == WAY_YOUR_APP and FakeDevice.started == [YOURS]
    assert not (tmp_path / "az.log").exists()
    assert not any("Graph Command Line Tools" in line for line in said)


def test_a_device_code_start_refused_goes_to_the_browser(no_az, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Refusing(FakeDevice):
        def start(self) -> str:
            raise SigninError(
                "device code sign-in could not start: invalid_request: device code flow is blocked"
            )

    monkeypatch.setattr("wizard.providers.entra.device_flow.DeviceSignin", Refusing)
    monkeypatch.setattr(signin_chain, "BrowserSignin", FakeBrowser)
    config = signin_config_from(YOURS, TENANT, cache=tmp_path / "t.json", public_fallback=True)
    result, _ = signin_chain.sign_in(config, ["x"], say=lambda line: None, show_code=lambda c: None)
    assert result.ok


def test_an_idp_outage_is_not_taken_for_a_refusal(no_az, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Down(FakeDevice):
        def start(self) -> str:
            raise SigninError("device code: the identity provider failed with HTTP 503")

    monkeypatch.setattr("wizard.providers.entra.device_flow.DeviceSignin", Down)
    config = signin_config_from(YOURS, TENANT, cache=tmp_path / "t.json", public_fallback=True)
    with pytest.raises(SigninError, match="503"):
        signin_chain.sign_in(config, ["x"], say=lambda line: None, show_code=lambda c: None)


def test_signin_command_uses_the_azure_cli(az: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("signin", "--tenant", TENANT, "--cache", str(tmp_path / "t.json"))
    assert res.code == 0, res.err
    assert "Signed in with your Azure CLI sign-in" in res.out
    assert "eyJ" not in res.out + res.err  # the token is never printed
    assert not (tmp_path / "t.json").exists()  # idspine keeps no copy of the Azure CLI's token


def test_signin_command_says_why_the_azure_cli_was_not_used(
    az: Path, tmp_path: Path, run_cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AZ_MODE", "logged-out")

    class Down(FakeDevice):
        def start(self) -> str:
            raise SigninError("device code: could not connect to the identity provider")

    monkeypatch.setattr("wizard.providers.entra.device_flow.DeviceSignin", Down)
    res = run_cli("signin", "--tenant", TENANT, "--cache", str(tmp_path / "t.json"))
    assert res.code == 1
    assert (
        f"No Azure CLI sign-in to use: the Azure CLI is not signed in: run `az login --tenant {TENANT}`"
        in res.out
    )
    assert "Microsoft Graph Command Line Tools" in res.out
    assert res.err.strip() == "idspine: device code: could not connect to the identity provider"
