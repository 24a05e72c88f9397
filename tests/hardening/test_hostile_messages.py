"""Servers answering with terminal escapes and markup: the provider's message and every printed line stay inert.

Both n8n's public API and Supabase's Management API put the reason for a failure in a JSON `message` field
(n8n: `{"message": "request/body must have required property 'type'"}`; Supabase: `{"message": "..."}`),
which idspine quotes to the user, so that is where a hostile or compromised server plants its text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from idspine_n8n_supabase_support import send  # type: ignore[import-not-found]

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import dumps
from wizard.providers import ProviderError
from wizard.providers.http import HttpSettings, build_client

HOSTILE = (
    "\x1b[2J\x1b]52;c;aGk=\x07\x1b]8;;https://evil.example/\x1b\\here\x1b]8;;\x1b\\\x9b31m\u202e\r\n"
    "[link=https://x]y[/link] [/sites/finance] [@click=app.quit]q[/]"
)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SETTINGS = HttpSettings(allow_loopback_http=True, sleep=lambda s: None)
TENANT = "0b0c0d0e-1111-4222-8333-444455556666"
CLIENT_ID = "9a8b7c6d-0000-4111-8222-333344445555"


def hostile_answer(status: int):  # type: ignore[no-untyped-def]
    return lambda h, seen: send(h, status, {"message": HOSTILE})


def test_supabase_error_message_is_terminal_safe(loopback, run_cli, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from wizard.providers.supabase import SupabaseProvider, enable_azure

    ref = "abcdefghijklmnopqrst"
    loopback.route("GET", f"/v1/projects/{ref}/config/auth", hostile_answer(400))
    with pytest.raises(ProviderError) as caught:
        enable_azure(
            SupabaseProvider(build_client(SETTINGS), "token-value", loopback.url, SETTINGS),
            ref,
            CLIENT_ID,
            "x" * 12,
            TENANT,
        )
    assert not RAW.findall(caught.value.message) and "\n" not in caught.value.message
    assert "[/sites/finance]" in caught.value.message  # quoted, not dropped
    monkeypatch.setenv("IDSPINE_TEST_SB_TOKEN", "token-value")
    monkeypatch.setenv("IDSPINE_TEST_SECRET", "x" * 12)
    r = run_cli(
        "supabase",
        "enable-azure",
        "--file",
        str(tmp_path / "none.toml"),
        "--project-ref",
        ref,
        "--client-id",
        CLIENT_ID,
        "--secret-ref",
        "env:IDSPINE_TEST_SECRET",
        "--tenant",
        TENANT,
        "--token-ref",
        "env:IDSPINE_TEST_SB_TOKEN",
        "--api-url",
        loopback.url,
        "--allow-loopback-http",
    )
    assert r.code == 1 and not RAW.findall(r.out + r.err) and len(r.err.splitlines()) == 1


@pytest.fixture
def n8n_inventory(tmp_path: Path, loopback, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.integrations.n8n_url = loopback.url
    ws.consultancy.integrations.n8n_api_key_ref = "env:IDSPINE_TEST_N8N_KEY"
    monkeypatch.setenv("IDSPINE_TEST_N8N_KEY", "n8n-test-key")
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(ws))
    return path


def test_n8n_error_message_in_push_outcomes_is_terminal_safe(loopback, run_cli, n8n_inventory: Path) -> None:  # type: ignore[no-untyped-def]
    from wizard.providers.n8n.client import N8nProvider

    for status in (400, 500):
        loopback.routes.clear()
        loopback.route("POST", "/api/v1/credentials", hostile_answer(status))
        loopback.route("GET", "/api/v1/credentials/schema/airtableTokenApi", hostile_answer(status))
        with pytest.raises(ProviderError) as caught:
            N8nProvider(loopback.url, build_client(SETTINGS), "n8n-test-key", SETTINGS).create_credential(
                "x", "airtableTokenApi", {"accessToken": "y"}
            )
        assert not RAW.findall(caught.value.message) and "\n" not in caught.value.message
        r = run_cli("n8n", "push", "--file", str(n8n_inventory), "--allow-loopback-http", "--client", "acme")
        assert "Traceback" not in r.err and not RAW.findall(r.out + r.err)


def test_n8n_audit_names_from_the_server_are_terminal_safe(loopback, run_cli, n8n_inventory: Path) -> None:  # type: ignore[no-untyped-def]
    report = {
        "Credentials Risk Report": {
            "risk": "credentials",
            "sections": [
                {
                    "title": HOSTILE,
                    "description": "d",
                    "recommendation": "r",
                    "location": [{"kind": "credential", "id": HOSTILE, "name": HOSTILE}],
                }
            ],
        }
    }
    loopback.route("POST", "/api/v1/audit", lambda h, seen: send(h, 200, report))
    r = run_cli("n8n", "audit", "--file", str(n8n_inventory), "--allow-loopback-http")
    assert r.code == 0 and not RAW.findall(r.out + r.err)
    assert "[/sites/finance]" in r.out
