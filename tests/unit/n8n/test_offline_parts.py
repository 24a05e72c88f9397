"""Pure parts: secret references, n8n credential builders, SSO values."""

from __future__ import annotations

import json
import os

import pytest

from wizard.providers.n8n.credentials import (
    BuildContext,
    CredentialBuildError,
    build_data,
    redacted,
    schema_problems,
)
from wizard.providers.n8n.sso import SsoAddressError, idp_checklist, sso_values
from wizard.secrets.resolver import SecretUnavailable, resolve


def test_env_reference(monkeypatch, canaries):
    monkeypatch.setenv("IDSPINE_T_SECRET", canaries["openai"])
    assert resolve("env:IDSPINE_T_SECRET") == canaries["openai"]
    monkeypatch.delenv("IDSPINE_T_SECRET")
    with pytest.raises(SecretUnavailable, match="IDSPINE_T_SECRET is not set"):
        resolve("env:IDSPINE_T_SECRET")


def test_file_reference_requires_0600(tmp_path, canaries):
    f = tmp_path / "s.env"
    f.write_text(f"# note\nexport OTHER=x\nSLACK='{canaries['slack']}'\n")
    os.chmod(f, 0o644)
    with pytest.raises(SecretUnavailable) as exc:
        resolve(f"file:{f}#SLACK")
    assert "chmod 600" in str(exc.value) and canaries["slack"] not in str(exc.value)
    os.chmod(f, 0o600)
    assert resolve(f"file:{f}#SLACK") == canaries["slack"]
    with pytest.raises(SecretUnavailable, match="no line MISSING"):
        resolve(f"file:{f}#MISSING")
    whole = tmp_path / "k"
    whole.write_text(canaries["github_pat"] + "\n")
    os.chmod(whole, 0o600)
    assert resolve(f"file:{whole}") == canaries["github_pat"]


def test_vault_references_without_a_sign_in_and_values_refused(canaries, monkeypatch):
    # keyvault:// and op:// resolve now (tests/unit/secrets/test_resolve_*); without a sign-in or a field
    # they fail with one line naming the reference
    monkeypatch.delenv("IDSPINE_TENANT", raising=False)
    with pytest.raises(SecretUnavailable, match=r"^keyvault://kv-acme-prod/n8n-key: .*IDSPINE_TENANT"):
        resolve("keyvault://kv-acme-prod/n8n-key")
    with pytest.raises(SecretUnavailable, match="needs vault, item and field"):
        resolve("1password://Clients/Acme n8n".replace(" ", "-"))
    with pytest.raises(SecretUnavailable) as exc:
        resolve(canaries["github_pat"])
    assert canaries["github_pat"] not in str(exc.value)


def test_builders_validate_before_sending(canaries):
    with pytest.raises(CredentialBuildError, match="empty"):
        build_data("airtableTokenApi", "  ")
    with pytest.raises(CredentialBuildError, match="missing host"):
        build_data("supabaseApi", canaries["jwt"])
    with pytest.raises(CredentialBuildError, match="missing clientId"):
        build_data("microsoftOAuth2Api", canaries["entra_secret"])
    with pytest.raises(CredentialBuildError, match="unknown field") as exc:
        build_data(
            "aws", json.dumps({"accessKeyId": "A", "secretAccessKey": canaries["random_blob"], "oops": 1})
        )
    assert canaries["random_blob"] not in str(exc.value)
    with pytest.raises(CredentialBuildError, match="not supported"):
        build_data("databricksApi", "x")


def test_builders_fill_types_from_context(canaries):
    ctx = BuildContext(
        client_id="cid",
        tenant="tid",
        supabase_url="https://abcdefghijklmnopqrst.supabase.co",
        scopes=("openid", "offline_access"),
    )
    ms = build_data("microsoftOAuth2Api", canaries["entra_secret"], ctx)
    assert ms["clientId"] == "cid" and ms["scope"] == "openid offline_access"
    assert ms["authUrl"] == "https://login.microsoftonline.com/tid/oauth2/v2.0/authorize"
    assert build_data("supabaseApi", canaries["jwt"], ctx)["host"] == ctx.supabase_url
    pg = build_data("postgres", "postgresql://app:p%40ss@db.example:6543/sales?sslmode=disable")
    assert (pg["host"], pg["port"], pg["user"], pg["password"], pg["database"], pg["ssl"]) == (
        "db.example",
        6543,
        "app",
        "p@ss",
        "sales",
        "disable",
    )
    assert pg["sshTunnel"] is False
    slack = build_data("slackApi", canaries["slack"])
    assert slack == {"accessToken": canaries["slack"], "notice": ""}
    shown = redacted("slackApi", slack)
    assert shown["accessToken"] == "<secret>"


def test_schema_problems_name_fields_only():
    schema = {
        "properties": {"token": {"type": "string"}, "ssl": {"type": "string", "enum": ["allow"]}},
        "required": ["token"],
    }
    problems = schema_problems({"tokn": "s3cr3t-value", "ssl": "bogus"}, schema)
    assert any("tokn" in p for p in problems) and any("ssl" in p for p in problems)
    assert any("token: required" in p for p in problems)
    assert not any("s3cr3t-value" in p or "bogus" in p for p in problems)


def test_sso_values():
    v = sso_values("https://n8n.northwind.example/")
    assert v.saml_entity_id == "https://n8n.northwind.example/rest/sso/saml/metadata"
    assert v.saml_acs_url == "https://n8n.northwind.example/rest/sso/saml/acs"
    assert v.oauth2_credential_callback == "https://n8n.northwind.example/rest/oauth2-credential/callback"
    assert v.sign_on_url == "https://n8n.northwind.example/signin"
    assert any(v.saml_acs_url in step for step in idp_checklist(v))
    for bad in ("http://n8n.example.com", "n8n.example.com", "https://u:p@n8n.example.com"):
        with pytest.raises(SsoAddressError):
            sso_values(bad)
