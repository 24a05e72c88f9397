"""The command line and the app are two faces of one core: both verify through
`wizard.providers.entra.verify.verify_and_record` and both apply through
`wizard.providers.entra.apply_tenants.apply_tenants` (issue #15: each operation exists once in the core).

Each core function is replaced by a recording wrapper; the CLI command runs in-process and the Entra screen is
driven with Textual's Pilot; both must have gone through the wrapper. No network: the IdP's answer is a stub
refusal and apply's Graph work is not run (the wrapper answers for it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import wizard.providers.entra.apply_tenants as apply_tenants_module
import wizard.providers.entra.msal_calls as msal_calls
import wizard.providers.entra.verify as verify_module
from tests.support.journeys import open_with, settle
from wizard.cli import main
from wizard.demo import DEMO_TODAY
from wizard.inventory import load, save
from wizard.model import CredentialKind, Group, ServicePrincipal, new_workspace
from wizard.providers.entra.apply_tenants import ApplyRun
from wizard.providers.entra.msal_calls import TokenResult
from wizard.settings import ENV_VARIABLES, Connections
from wizard.ui.app import IdspineApp

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "11111111-2222-3333-4444-555555555555"
SECRET_VAR = "SVC_FACES_SECRET"


def workspace_file(tmp_path: Path) -> Path:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.home_tenant = TENANT
    ws.groups.append(Group(name="Org-Data-Engineer", role="Data-Engineer"))
    ws.service_principals.append(
        ServicePrincipal(
            name="svc-faces",
            tool="peer",
            purpose="check",
            credential_kind=CredentialKind.SECRET,
            owner="ola@fjord.example",
            app_id=APP_ID,
            secret_ref=f"env:{SECRET_VAR}",
        )
    )
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


Calls = list[tuple[str, str]]  # (operation, the module that called it)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Record every call of the core verify and apply, with the module that made it."""
    seen: Calls = []
    real_verify = verify_module.verify_and_record

    def recording_verify(*args: Any, **kwargs: Any) -> Any:
        seen.append(("verify", sys._getframe(1).f_globals["__name__"]))
        return real_verify(*args, **kwargs)

    def recording_apply(*args: Any, **kwargs: Any) -> ApplyRun:
        seen.append(("apply", sys._getframe(1).f_globals["__name__"]))
        return ApplyRun()  # Graph is not this test's business (tests/entra run apply against a stand-in)

    def refuse(config: Any, secret: str, scopes: list[str]) -> TokenResult:
        return TokenResult(False, "invalid_client", "AADSTS7000215: Invalid client secret provided.")

    monkeypatch.setattr(verify_module, "verify_and_record", recording_verify)
    monkeypatch.setattr(apply_tenants_module, "apply_tenants", recording_apply)
    monkeypatch.setattr(msal_calls, "client_credentials", refuse)
    for name in ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return seen


def faces(seen: Calls, operation: str) -> set[str]:
    return {caller for op, caller in seen if op == operation}


@pytest.mark.parametrize("spelling", [(), ("entra",)], ids=["alias", "entra"])
def test_the_command_line_verifies_and_applies_through_the_core(  # type: ignore[no-untyped-def]
    calls: Calls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, spelling: tuple[str, ...]
) -> None:
    path = workspace_file(tmp_path)
    monkeypatch.setenv(SECRET_VAR, "not-a-real-secret")
    monkeypatch.setenv("FACES_GRAPH_TOKEN", "graph-token-for-the-home-tenant")
    assert main([*spelling, "verify", "svc-faces", "--file", str(path)]) == 1  # the stub IdP refused
    assert "FAILED" in capsys.readouterr().out
    assert main([*spelling, "apply", "--file", str(path), "--yes", "--token-env", "FACES_GRAPH_TOKEN"]) == 0
    assert faces(calls, "verify") == {"wizard.cli.commands.entra_verify"}
    assert faces(calls, "apply") == {"wizard.cli.commands.entra_apply"}
    recorded = load(path).service_principal("svc-faces")
    assert recorded is not None and recorded.verification is not None and not recorded.verification.ok


async def wait_for(pilot: Any, condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the app")


async def test_the_app_verifies_and_applies_through_the_core(calls: Calls, tmp_path: Path) -> None:
    path = workspace_file(tmp_path)
    conn = Connections(signin_client_id="unused", environ={SECRET_VAR: "not-a-real-secret"})
    app = IdspineApp(path, today=DEMO_TODAY, connections=conn)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        await pilot.press("v")
        await wait_for(pilot, lambda: "FAILED" in str(screen.query_one("#wiring-status").render()))
        screen.token = "graph-token-for-the-home-tenant"  # signed in (sign-in is tested against a real IdP)
        await pilot.press("a")
        await wait_for(pilot, lambda: bool(faces(calls, "apply")))
        await settle(pilot)
    assert faces(calls, "verify") == {"wizard.ui.screens.entra"}
    assert faces(calls, "apply") == {"wizard.ui.screens.entra"}
    recorded = load(path).service_principal("svc-faces")
    assert recorded is not None and recorded.verification is not None and not recorded.verification.ok


def test_both_faces_name_the_same_core_functions() -> None:
    """Read without running: each face imports the core operations by their one name, and has no copy of them."""
    import inspect

    import wizard.cli.commands.entra as cli_entra
    import wizard.cli.commands.entra_apply as cli_apply
    import wizard.cli.commands.entra_verify as cli_verify
    import wizard.ui.screens.entra as screen

    for face in (cli_verify, screen):
        assert (
            "from wizard.providers.entra.verify import VerifyRefused, verify_and_record"
            in inspect.getsource(face)
        )
    for face in (cli_apply, screen):
        source = inspect.getsource(face)
        assert "apply_tenants" in source and "apply_plan(" not in source and "GraphClient(" not in source
    for face in (cli_verify, cli_apply, screen):
        assert "client_credentials(" not in inspect.getsource(face)
    for face in (
        cli_entra,
        cli_apply,
        screen,
    ):  # plans are built one way: wizard.providers.entra.apply_tenants
        source = inspect.getsource(face)
        assert "checked_plans(" in source and "build_plans(" not in source
