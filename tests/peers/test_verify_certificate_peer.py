"""`idspine verify` for a certificate identity (private_key_jwt), end to end against the real oidc-provider.

The peer's client "idspine-pkjwt" is registered with token_endpoint_auth_method private_key_jwt and the public
half of a key the harness made at start (tests/peers/oidc_peer/harness.py). The identity's secret reference
points at a PEM holding that key and a certificate for it: a good key gets a token through both roads (the
consultancy's IdP token endpoint with an assertion signed by idspine, and msal's certificate credential with
--oidc-authority); a wrong key is the IdP's refusal, recorded; an expired certificate never leaves the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.peers.oidc_peer.harness import client_certificate_pem, client_key
from wizard.inventory import load, save
from wizard.model import CredentialKind, ServicePrincipal, new_workspace

pytestmark = pytest.mark.peer("oidc")

NAME = "svc-pkjwt"


def cert_workspace(tmp_path: Path, idp: str, address: str, pem: str) -> Path:
    key_file = tmp_path / "svc-pkjwt.pem"
    key_file.write_text(pem)
    key_file.chmod(0o600)
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.idp = idp  # type: ignore[assignment]
    ws.consultancy.idp_address = address
    ws.service_principals.append(
        ServicePrincipal(
            name=NAME,
            credential_kind=CredentialKind.CERTIFICATE,
            client_id="idspine-pkjwt",
            secret_ref=f"file:{key_file}",
        )
    )
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


def recorded(path: Path):  # type: ignore[no-untyped-def]
    sp = load(path).service_principal(NAME)
    assert sp is not None
    return sp.verification


def no_key_in(pem: str, *texts: str) -> None:
    body = pem.split("-----BEGIN PRIVATE KEY-----")[1].split("-----END")[0].split()
    for text in texts:
        assert "PRIVATE KEY" not in text
        assert not any(line in text for line in body if len(line) > 40)


def test_a_good_key_gets_a_token_at_the_idps_token_endpoint(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    pem = client_certificate_pem(oidc_peer.pkjwt_key)
    path = cert_workspace(tmp_path, "keycloak", oidc_peer.issuer, pem)
    res = run_cli(
        "verify", NAME, "--file", str(path), "--ca-bundle", oidc_peer.ca_bundle, "--scope", "api:read"
    )
    assert res.code == 0, res.out + res.err
    assert f"{NAME}: ok: token issued (valid" in res.out
    check = recorded(path)
    assert check is not None and check.ok and check.detail.startswith("token issued")
    no_key_in(pem, res.out, res.err, path.read_text())


def test_a_good_key_gets_a_token_through_msal(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # An Entra consultancy verifying at an OpenID issuer: msal signs the assertion (RS256, x5t) itself.
    pem = client_certificate_pem(oidc_peer.pkjwt_key)
    path = cert_workspace(tmp_path, "entra", "", pem)
    args = ["--file", str(path), "--ca-bundle", oidc_peer.ca_bundle, "--oidc-authority", oidc_peer.issuer]
    res = run_cli("entra", "verify", NAME, *args, "--client-id", "idspine-pkjwt", "--scope", "api:read")
    assert res.code == 0, res.out + res.err
    assert f"{NAME}: ok: token issued" in res.out
    assert recorded(path).ok  # type: ignore[union-attr]
    no_key_in(pem, res.out, res.err, path.read_text())


def test_a_certificate_kept_apart_is_given_with_certificate(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    pem = client_certificate_pem(oidc_peer.pkjwt_key)
    key_only, cert_only = pem.split("-----BEGIN CERTIFICATE-----")
    path = cert_workspace(tmp_path, "keycloak", oidc_peer.issuer, key_only)
    args = ["--file", str(path), "--ca-bundle", oidc_peer.ca_bundle, "--scope", "api:read"]
    missing = run_cli("verify", NAME, *args)
    assert missing.code == 2 and "--certificate" in missing.err and recorded(path) is None
    cert_file = tmp_path / "svc-pkjwt.crt"
    cert_file.write_text("-----BEGIN CERTIFICATE-----" + cert_only)
    res = run_cli("verify", NAME, *args, "--certificate", str(cert_file))
    assert res.code == 0, res.out + res.err
    assert recorded(path).ok  # type: ignore[union-attr]


def test_a_wrong_key_is_refused_by_the_idp_in_one_line(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    pem = client_certificate_pem(client_key())  # a valid certificate, but not the registered key
    path = cert_workspace(tmp_path, "keycloak", oidc_peer.issuer, pem)
    res = run_cli(
        "verify", NAME, "--file", str(path), "--ca-bundle", oidc_peer.ca_bundle, "--scope", "api:read"
    )
    assert res.code == 1
    assert res.out.strip() == f"{NAME}: FAILED: invalid_client: client authentication failed"
    check = recorded(path)
    assert (
        check is not None and not check.ok and check.detail == "invalid_client: client authentication failed"
    )
    no_key_in(pem, res.out, res.err, path.read_text())


def test_an_expired_certificate_is_refused_before_sending(oidc_peer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    pem = client_certificate_pem(oidc_peer.pkjwt_key, expired=True)
    path = cert_workspace(tmp_path, "keycloak", oidc_peer.issuer, pem)
    before = path.read_bytes()
    assert oidc_peer.log_path is not None
    log_before = oidc_peer.log_path.read_bytes()
    res = run_cli(
        "verify", NAME, "--file", str(path), "--ca-bundle", oidc_peer.ca_bundle, "--scope", "api:read"
    )
    assert res.code == 2 and res.out == ""
    assert len(res.err.strip().splitlines()) == 1
    assert "the certificate expired on" in res.err and "nothing was sent" in res.err
    assert path.read_bytes() == before  # nothing recorded: the IdP was never asked
    assert oidc_peer.log_path.read_bytes() == log_before
    no_key_in(pem, res.out, res.err)
