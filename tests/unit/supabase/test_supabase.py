"""Supabase: enabling the Azure provider against a contract-checked loopback stand-in of the Management API."""

from __future__ import annotations

import pytest

from wizard.providers import ProviderError
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.supabase import SupabaseProvider, enable_azure, redirect_uri, tenant_url

TENANT = "0b0c0d0e-1111-4222-8333-444455556666"
CLIENT_ID = "9a8b7c6d-0000-4111-8222-333344445555"
SETTINGS = HttpSettings(allow_loopback_http=True, sleep=lambda s: None)


def provider(stand, token: str | None = None) -> SupabaseProvider:
    return SupabaseProvider(build_client(SETTINGS), token or stand.token, stand.server.url, SETTINGS)


def test_enable_patches_with_contract_valid_body_then_rerun_sends_nothing(
    standin_routes, supabase_ref, canaries
):
    stand = standin_routes
    secret = canaries["entra_secret"]
    result = enable_azure(provider(stand), supabase_ref, CLIENT_ID, secret, TENANT)
    assert result.status == "updated"
    assert stand.violations == []
    assert len(stand.patches) == 1
    body = stand.patches[0]
    assert body == {
        "external_azure_enabled": True,
        "external_azure_client_id": CLIENT_ID,
        "external_azure_url": f"https://login.microsoftonline.com/{TENANT}",
        "external_azure_secret": secret,
    }
    assert result.redirect_uri == f"https://{supabase_ref}.supabase.co/auth/v1/callback"
    again = enable_azure(provider(stand), supabase_ref, CLIENT_ID, secret, TENANT)
    assert again.status == "unchanged"
    assert len(stand.patches) == 1, "an idempotent rerun must not PATCH"
    forced = enable_azure(provider(stand), supabase_ref, CLIENT_ID, secret, TENANT, replace_secret=True)
    assert forced.status == "updated" and len(stand.patches) == 2


def test_read_back_mismatch_is_an_error(standin_routes, supabase_ref):
    stand = standin_routes
    stand.drop_fields_on_patch = ("external_azure_client_id",)
    with pytest.raises(ProviderError) as exc:
        enable_azure(provider(stand), supabase_ref, CLIENT_ID, "s3cret-value-x", TENANT)
    assert "external_azure_client_id" in exc.value.message
    assert "s3cret-value-x" not in exc.value.message


def test_refused_token(standin_routes, supabase_ref):
    with pytest.raises(ProviderError) as exc:
        enable_azure(provider(standin_routes, token="wrong-token"), supabase_ref, CLIENT_ID, "x" * 10, TENANT)
    assert exc.value.kind == "refused" and exc.value.status == 401
    assert standin_routes.patches == []


def test_inputs_checked_before_sending(standin_routes, supabase_ref):
    with pytest.raises(ProviderError):
        enable_azure(provider(standin_routes), supabase_ref, "not-a-guid", "x" * 10, TENANT)
    with pytest.raises(ProviderError):
        tenant_url("common")
    with pytest.raises(ProviderError):
        redirect_uri("Not-A-Ref")
    assert standin_routes.server.seen == []


def test_cli_enable_azure_never_prints_the_secret(
    standin_routes, supabase_ref, canaries, run_cli, monkeypatch, tmp_path
):
    stand = standin_routes
    monkeypatch.setenv("IDSPINE_TEST_SB_TOKEN", stand.token)
    monkeypatch.setenv("IDSPINE_TEST_ENTRA_SECRET", canaries["entra_secret"])
    args = [
        "supabase",
        "enable-azure",
        "--file",
        str(tmp_path / "none.toml"),
        "--project-ref",
        supabase_ref,
        "--client-id",
        CLIENT_ID,
        "--secret-ref",
        "env:IDSPINE_TEST_ENTRA_SECRET",
        "--tenant",
        TENANT,
        "--token-ref",
        "env:IDSPINE_TEST_SB_TOKEN",
        "--api-url",
        stand.server.url,
        "--allow-loopback-http",
    ]
    first = run_cli(*args)
    assert first.code == 0, first.err
    assert "confirmed by read-back" in first.out
    assert f"https://{supabase_ref}.supabase.co/auth/v1/callback" in first.out
    second = run_cli(*args)
    assert second.code == 0 and "nothing sent" in second.out
    assert len(stand.patches) == 1 and stand.violations == []
    for text in (first.out, first.err, second.out, second.err):
        assert canaries["entra_secret"] not in text and stand.token not in text
    wrong = run_cli(*[a if a != "env:IDSPINE_TEST_SB_TOKEN" else "env:IDSPINE_TEST_MISSING" for a in args])
    assert wrong.code == 2 and "IDSPINE_TEST_MISSING is not set" in wrong.err
