"""`idspine verify` for a consultancy whose IdP is not Entra, against the real oidc-provider over TLS on loopback:
the token endpoint comes from the issuer's discovery document, the secret goes as HTTP Basic or in the form
as the IdP takes it, and the result is recorded the way Entra verify records it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.entra.fixtures import PEER_CLIENT_ID
from wizard.inventory import load, save
from wizard.model import CredentialKind, ServicePrincipal, new_workspace

pytestmark = pytest.mark.peer("oidc")


def idp_workspace(tmp_path: Path, idp: str, address: str, secret: str, name: str, app_id: str | None) -> Path:
    env_file = tmp_path / "secrets.env"
    env_file.write_text(f"PEER_SECRET={secret}\n")
    env_file.chmod(0o600)
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.idp = idp  # type: ignore[assignment]
    ws.consultancy.idp_address = address
    ws.service_principals.append(
        ServicePrincipal(
            name=name,
            credential_kind=CredentialKind.SECRET,
            app_id=app_id,
            secret_ref=f"file:{env_file}#PEER_SECRET",
        )
    )
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


def recorded(path: Path, name: str):  # type: ignore[no-untyped-def]
    sp = load(path).service_principal(name)
    assert sp is not None
    return sp.verification


def test_keycloak_client_secret_basic_is_verified_and_recorded(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = idp_workspace(
        tmp_path, "keycloak", oidc_peer.issuer, oidc_peer.client_secret, "svc-n8n", PEER_CLIENT_ID
    )
    res = run_cli(
        "verify", "svc-n8n", "--file", str(path), "--ca-bundle", oidc_peer.ca_bundle, "--scope", "api:read"
    )
    assert res.code == 0, res.err
    assert "svc-n8n: ok: token issued (valid" in res.out
    check = recorded(path, "svc-n8n")
    assert check is not None and check.ok and check.detail.startswith("token issued")
    for text in (res.out, res.err, path.read_text()):
        assert oidc_peer.client_secret not in text


def test_keycloak_client_id_defaults_to_the_identity_name(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # The peer's client "idspine-post" (registered for client_secret_post) shares the secret; the identity
    # has no app id, so its name is the Keycloak client id.
    path = idp_workspace(
        tmp_path, "keycloak", oidc_peer.issuer, oidc_peer.client_secret, "idspine-post", None
    )
    res = run_cli(
        "entra",
        "verify",
        "idspine-post",
        "--file",
        str(path),
        "--ca-bundle",
        oidc_peer.ca_bundle,
        "--client-auth",
        "post",
    )
    assert res.code == 0, res.out + res.err
    check = recorded(path, "idspine-post")
    assert check is not None and check.ok
    (tmp_path / "two").mkdir()
    other = idp_workspace(
        tmp_path / "two", "keycloak", oidc_peer.issuer, oidc_peer.client_secret, "svc-unknown", None
    )
    res = run_cli("verify", "svc-unknown", "--file", str(other), "--ca-bundle", oidc_peer.ca_bundle)
    assert res.code == 1 and "svc-unknown: FAILED: invalid_client" in res.out  # no such client at the IdP


def test_auth0_sends_the_secret_in_the_form_with_an_audience(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = idp_workspace(tmp_path, "auth0", oidc_peer.issuer, oidc_peer.client_secret, "svc-m2m", None)
    res = run_cli(
        "verify",
        "svc-m2m",
        "--file",
        str(path),
        "--ca-bundle",
        oidc_peer.ca_bundle,
        "--client-id",
        "idspine-post",
    )
    assert res.code == 0, res.out + res.err
    assert recorded(path, "svc-m2m").ok  # type: ignore[union-attr]


def test_a_wrong_secret_records_the_idps_refusal(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    wrong = oidc_peer.client_secret[::-1]
    path = idp_workspace(tmp_path, "keycloak", oidc_peer.issuer, wrong, "svc-n8n", PEER_CLIENT_ID)
    res = run_cli("verify", "svc-n8n", "--file", str(path), "--ca-bundle", oidc_peer.ca_bundle)
    assert res.code == 1
    assert "svc-n8n: FAILED: invalid_client: client authentication failed" in res.out
    check = recorded(path, "svc-n8n")
    assert (
        check is not None and not check.ok and check.detail == "invalid_client: client authentication failed"
    )
    for text in (res.out, res.err, path.read_text()):
        assert wrong not in text


def test_okta_at_an_explicit_issuer_needs_a_scope(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = idp_workspace(tmp_path, "okta", "https://acme.okta.com", oidc_peer.client_secret, "svc-app", None)
    args = ["--file", str(path), "--ca-bundle", oidc_peer.ca_bundle, "--oidc-authority", oidc_peer.issuer]
    args += ["--client-id", oidc_peer.client_id]
    before = path.read_bytes()
    refused = run_cli("verify", "svc-app", *args)
    assert refused.code == 2 and "custom scope" in refused.err and path.read_bytes() == before
    res = run_cli("verify", "svc-app", *args, "--scope", "api:read")
    assert res.code == 0, res.out + res.err
    assert recorded(path, "svc-app").ok  # type: ignore[union-attr]


def test_an_untrusted_certificate_is_refused_and_nothing_recorded(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from tests.peers.oidc_peer.harness import write_self_signed

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other_ca, _ = write_self_signed(other_dir)
    path = idp_workspace(
        tmp_path, "keycloak", oidc_peer.issuer, oidc_peer.client_secret, "svc-n8n", PEER_CLIENT_ID
    )
    before = path.read_bytes()
    res = run_cli("verify", "svc-n8n", "--file", str(path), "--ca-bundle", str(other_ca))
    assert res.code == 2 and "TLS certificate" in res.err
    assert path.read_bytes() == before
