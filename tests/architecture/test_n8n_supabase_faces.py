"""The command line and the app are two faces of one core: for n8n and Supabase both call the same
operations (push_to_n8n, open_n8n, enable_azure_signin) and show the same advice for every ErrorKind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.inventory import dumps
from wizard.model import Integrations, new_workspace
from wizard.providers import ProviderError, supabase
from wizard.providers.errors import ADVICE, ANY_SERVICE, ErrorKind, Service, advice
from wizard.providers.n8n import connect, push
from wizard.providers.n8n.client import PushReport
from wizard.settings import Connections
from wizard.ui.app import IdspineApp

N8N_URL = "https://n8n.example.com"
KEY_REF = "env:IDSPINE_TEST_FACES_N8N_KEY"
PROJECT_REF = "abcdefghijklmnopqrst"
TOKEN_REF = "env:IDSPINE_TEST_FACES_SB_TOKEN"
SECRET_REF = "env:IDSPINE_TEST_FACES_AZ_SECRET"
CLIENT_ID = "0b6f2c1e-3a4d-4e5f-8a9b-1c2d3e4f5a6b"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def n8n_file(tmp_path: Path) -> Path:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.integrations = Integrations(n8n_url=N8N_URL, n8n_api_key_ref=KEY_REF)
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(ws))
    return path


def supabase_file(tmp_path: Path) -> Path:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.home_tenant = TENANT
    ws.consultancy.integrations = Integrations(
        supabase_project_ref=PROJECT_REF, supabase_access_token_ref=TOKEN_REF
    )
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(ws))
    return path


class Recorder:
    """Stands in for a core operation: records each call, then answers from `answers` (an exception is raised)."""

    def __init__(self, *answers: Any):
        self.calls: list[dict[str, Any]] = []
        self.answers = list(answers)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append({"args": args, "kwargs": kwargs})
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer


def app_for(path: Path) -> IdspineApp:
    return IdspineApp(path, today=DEMO_TODAY, connections=Connections(allow_loopback_http=True, environ={}))


async def drive(path: Path, key: str, screen: str, times: int, prepare: Any = None) -> list[str]:
    """Open *screen*, run its action *times* times, and return the status text after each run."""
    app = app_for(path)
    statuses = []
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "n" if screen == "N8nScreen" else "u", screen)
        if prepare:
            prepare(app.screen)
        for _ in range(times):
            await pilot.press(key)
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            statuses.append(str(app.screen.query_one("#wiring-status").render()))
    return statuses


def fill_supabase_fields(screen: Any) -> None:
    screen.query_one("#client-id").value = CLIENT_ID
    screen.query_one("#secret-ref").value = SECRET_REF


# ------------------------------------------------------------------ one advice table


def test_every_kind_has_advice_for_every_service() -> None:
    """A new ErrorKind cannot be added without advice: every kind has a row that fits every service."""
    assert set(ADVICE) == set(ErrorKind)
    for kind in ErrorKind:
        assert ADVICE[kind].get(ANY_SERVICE), f"{kind} needs advice for any service"
        for service in Service:
            text = advice(kind, service)
            assert text.strip() and "{" not in text, (kind, service, text)
    assert ProviderError("x", "network").kind is ErrorKind.NETWORK  # strings still name the kinds
    assert ProviderError("x", "network").kind == "network"
    with pytest.raises(ValueError):
        ProviderError("x", "a-kind-without-advice")


# ------------------------------------------------------------------ n8n: both faces push through push_to_n8n


async def test_n8n_cli_and_screen_push_through_the_same_core_operation(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = n8n_file(tmp_path)
    recorder = Recorder(PushReport())
    monkeypatch.setattr(push, "push_to_n8n", recorder)
    result = run_cli("n8n", "push", "--file", str(path))
    assert result.code == 0, result.err
    assert len(recorder.calls) == 1
    await drive(path, "p", "N8nScreen", 1)
    assert len(recorder.calls) == 2
    cli_call, screen_call = recorder.calls
    for call in (cli_call, screen_call):
        _ws, connections, url, key_ref = call["args"]
        assert isinstance(connections, Connections) and (url, key_ref) == (N8N_URL, KEY_REF)
        assert call["kwargs"]["dry_run"] is False


async def test_n8n_cli_and_screen_open_n8n_the_same_way(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """push_to_n8n opens n8n through connect.open_n8n for both faces (as delete, rotate and audit do)."""
    path = n8n_file(tmp_path)
    recorder = Recorder(ProviderError("n8n GET /x: HTTP 401", ErrorKind.REFUSED, 401))
    monkeypatch.setattr(connect, "open_n8n", recorder)
    result = run_cli("n8n", "push", "--file", str(path))
    statuses = await drive(path, "p", "N8nScreen", 1)
    run_cli("n8n", "audit", "--file", str(path))
    assert [c["args"][:2] for c in recorder.calls] == [(N8N_URL, KEY_REF)] * 3
    wanted = advice(ErrorKind.REFUSED, Service.N8N)
    assert wanted in result.err and wanted in statuses[0]


async def test_n8n_faces_show_the_same_advice_for_every_kind(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = n8n_file(tmp_path)
    kinds = list(ErrorKind)
    errors = [ProviderError(f"n8n failed ({kind})", kind) for kind in kinds]
    monkeypatch.setattr(push, "push_to_n8n", Recorder(*errors))
    cli = [run_cli("n8n", "push", "--file", str(path)).err for _ in kinds]
    monkeypatch.setattr(push, "push_to_n8n", Recorder(*errors))
    screen = await drive(path, "p", "N8nScreen", len(kinds))
    for kind, cli_text, screen_text in zip(kinds, cli, screen, strict=True):
        wanted = advice(kind, Service.N8N)
        assert wanted in cli_text, (kind, cli_text)
        assert wanted in screen_text, (kind, screen_text)


async def test_n8n_faces_show_the_same_advice_when_a_push_stops(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = n8n_file(tmp_path)
    stopped = PushReport(aborted="n8n POST /api/v1/credentials: HTTP 401", aborted_kind=ErrorKind.REFUSED)
    monkeypatch.setattr(push, "push_to_n8n", Recorder(stopped))
    cli = run_cli("n8n", "push", "--file", str(path))
    screen = await drive(path, "p", "N8nScreen", 1)
    wanted = advice(ErrorKind.REFUSED, Service.N8N)
    assert cli.code == 1 and wanted in cli.err and wanted in screen[0]


# ------------------------------------------------------------------ Supabase: both faces call enable_azure_signin


async def test_supabase_cli_and_screen_enable_through_the_same_core_operation(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = supabase_file(tmp_path)
    done = supabase.AzureResult(
        "unchanged", supabase.redirect_uri(PROJECT_REF), supabase.tenant_url(TENANT), []
    )
    recorder = Recorder(done)
    monkeypatch.setattr(supabase, "enable_azure_signin", recorder)
    result = run_cli(
        "supabase", "enable-azure", "--file", str(path), "--client-id", CLIENT_ID, "--secret-ref", SECRET_REF
    )
    assert result.code == 0, result.err
    statuses = await drive(path, "ctrl+r", "SupabaseScreen", 1, fill_supabase_fields)
    assert "nothing sent" in statuses[0]
    assert len(recorder.calls) == 2
    for call in recorder.calls:
        connections, project_ref, token_ref, client_id, secret_ref, tenant = call["args"]
        assert isinstance(connections, Connections)
        assert (project_ref, token_ref, client_id, secret_ref, tenant) == (
            PROJECT_REF,
            TOKEN_REF,
            CLIENT_ID,
            SECRET_REF,
            TENANT,
        )


async def test_supabase_faces_show_the_same_advice_for_every_kind(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = supabase_file(tmp_path)
    kinds = list(ErrorKind)
    errors = [ProviderError(f"Supabase failed ({kind})", kind) for kind in kinds]
    argv = (
        "supabase",
        "enable-azure",
        "--file",
        str(path),
        "--client-id",
        CLIENT_ID,
        "--secret-ref",
        SECRET_REF,
    )
    monkeypatch.setattr(supabase, "enable_azure_signin", Recorder(*errors))
    cli = [run_cli(*argv).err for _ in kinds]
    monkeypatch.setattr(supabase, "enable_azure_signin", Recorder(*errors))
    screen = await drive(path, "ctrl+r", "SupabaseScreen", len(kinds), fill_supabase_fields)
    for kind, cli_text, screen_text in zip(kinds, cli, screen, strict=True):
        wanted = advice(kind, Service.SUPABASE)
        assert wanted in cli_text, (kind, cli_text)
        assert wanted in screen_text, (kind, screen_text)
