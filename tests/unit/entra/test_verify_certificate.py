"""Certificate identities: the key and certificate behind the secret reference, their thumbprints, the signed
client assertion, and the Entra road through msal with the msal application stubbed at its boundary (no
network). The end-to-end proof against a real IdP is tests/peers/test_verify_certificate_peer.py."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt as pyjwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import wizard.providers.entra.msal_calls as msal_calls
from tests.peers.oidc_peer.harness import client_certificate_pem
from tests.support.loopback import LoopbackServer, send
from wizard.inventory import load, save
from wizard.model import CredentialKind, Permission, ServicePrincipal, new_workspace
from wizard.providers.entra.client_assertion import (
    CertificateProblem,
    client_assertion,
    load_client_certificate,
    msal_credential,
)
from wizard.providers.entra.signin_config import SigninConfig, signin_config_from
from wizard.providers.entra.verify import VerifyRefused, verify_and_record
from wizard.providers.http_settings import HttpSettings
from wizard.providers.oidc_verify import oidc_token_ask

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "11111111-2222-3333-4444-555555555555"
GRAPH = "https://graph.microsoft.com/.default"
SITES = Permission(resource="Microsoft Graph", name="Sites.Selected")


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def der_of(pem: str) -> bytes:
    cert = x509.load_pem_x509_certificate(pem.split("-----END PRIVATE KEY-----")[1].strip().encode())
    return cert.public_bytes(serialization.Encoding.DER)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_thumbprints_are_sha1_and_sha256_of_the_der_certificate(key: rsa.RSAPrivateKey) -> None:
    pem = client_certificate_pem(key)
    cert = load_client_certificate(pem)
    der = der_of(pem)
    assert cert.sha1_thumbprint == hashlib.sha1(der).hexdigest().upper()  # noqa: S324 - Entra's x5t
    assert cert.x5t == b64url(hashlib.sha1(der).digest())  # noqa: S324
    assert cert.x5t_s256 == b64url(hashlib.sha256(der).digest())
    assert cert.algorithm == "RS256" and "PRIVATE KEY" not in repr(cert)
    # the certificate may come first in the PEM, as some exports write it
    key_part, cert_part = pem.split("-----BEGIN CERTIFICATE-----")
    assert load_client_certificate("-----BEGIN CERTIFICATE-----" + cert_part + key_part).x5t == cert.x5t


def test_unusable_keys_and_certificates_are_refused_in_one_line(key: rsa.RSAPrivateKey) -> None:
    pem = client_certificate_pem(key)
    key_only, cert_only = pem.split("-----BEGIN CERTIFICATE-----")
    other = client_certificate_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    cases = {
        "no PEM private key": "just-a-client-secret-value",
        "--certificate FILE": key_only,
        "does not belong to the certificate": key_only
        + "-----BEGIN CERTIFICATE-----"
        + other.split("-----BEGIN CERTIFICATE-----")[1],
        "expired on": client_certificate_pem(key, expired=True),
    }
    for words, text in cases.items():
        with pytest.raises(CertificateProblem) as exc:
            load_client_certificate(text)
        assert words in str(exc.value) and "\n" not in str(exc.value)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pass-phrase"),
    ).decode()
    with pytest.raises(CertificateProblem, match="encrypted"):
        load_client_certificate(encrypted + "-----BEGIN CERTIFICATE-----" + cert_only)
    # the certificate kept apart (the --certificate file)
    assert load_client_certificate(key_only, "-----BEGIN CERTIFICATE-----" + cert_only).algorithm == "RS256"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    with pytest.raises(CertificateProblem, match="expired"):
        load_client_certificate(pem, now=later)


def test_the_assertion_is_rfc_7523_signed_with_the_key(key: rsa.RSAPrivateKey) -> None:
    cert = load_client_certificate(client_certificate_pem(key))
    token = client_assertion(cert, "svc-client", "https://idp.example/token", lifetime=3600)
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["x5t"] == cert.x5t and header["x5t#S256"] == cert.x5t_s256
    claims = pyjwt.decode(token, key.public_key(), algorithms=["RS256"], audience="https://idp.example/token")
    assert claims["iss"] == claims["sub"] == "svc-client"
    assert claims["exp"] - claims["iat"] == 300  # never longer than five minutes
    assert (
        claims["jti"]
        != pyjwt.decode(client_assertion(cert, "svc-client", "a"), options={"verify_signature": False})["jti"]
    )
    wrong = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(token, wrong.public_key(), algorithms=["RS256"], audience="https://idp.example/token")


def test_ec_keys_sign_es256_but_entra_takes_rsa_only() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "svc-ec")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ec_key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(ec_key, hashes.SHA256())
    )
    pem = (
        ec_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        + cert.public_bytes(serialization.Encoding.PEM).decode()
    )
    loaded = load_client_certificate(pem)
    assert loaded.algorithm == "ES256"
    token = client_assertion(loaded, "svc-ec", "aud")
    assert pyjwt.decode(token, ec_key.public_key(), algorithms=["ES256"], audience="aud")["sub"] == "svc-ec"
    with pytest.raises(CertificateProblem, match="RSA"):
        msal_credential(loaded)


def cert_inventory(
    tmp_path: Path, *permissions: Permission, secret_ref: str | None = "env:SVC_CERT_KEY"
) -> Path:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.home_tenant = TENANT
    ws.service_principals.append(
        ServicePrincipal(
            name="svc-cert",
            credential_kind=CredentialKind.CERTIFICATE,
            app_id=APP_ID,
            secret_ref=secret_ref,
            permissions=list(permissions),
        )
    )
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


def app_token(claims: dict[str, Any]) -> str:
    def part(obj: dict[str, Any]) -> str:
        return b64url(json.dumps(obj).encode())

    return f"{part({'typ': 'JWT', 'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


class FakeMsalApp:
    """msal.ConfidentialClientApplication at its boundary: records the credential, answers with a token."""

    made: list[dict[str, Any]] = []
    answer: dict[str, Any] = {}

    def __init__(self, client_id: str, client_credential: Any = None, **kwargs: Any) -> None:
        FakeMsalApp.made.append({"client_id": client_id, "credential": client_credential, **kwargs})

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        return dict(FakeMsalApp.answer)


@pytest.fixture
def fake_msal(monkeypatch: pytest.MonkeyPatch) -> type[FakeMsalApp]:
    import msal  # type: ignore[import-untyped]

    FakeMsalApp.made = []
    FakeMsalApp.answer = {}
    monkeypatch.setattr(msal, "ConfidentialClientApplication", FakeMsalApp)
    return FakeMsalApp


def entra(client_id: str, tenant: str) -> SigninConfig:
    return signin_config_from(client_id, tenant, environ={})


def test_entra_gets_msals_certificate_credential_and_roles_are_still_checked(
    key: rsa.RSAPrivateKey, fake_msal: type[FakeMsalApp], tmp_path: Path
) -> None:
    pem = client_certificate_pem(key)
    path = cert_inventory(tmp_path, SITES)
    fake_msal.answer = {"access_token": app_token({"aud": "https://graph.microsoft.com"}), "expires_in": 3599}
    outcome = verify_and_record(
        load(path), "svc-cert", signin_for=entra, resolve_secret=lambda ref: pem, scopes=[GRAPH], path=path
    )
    (made,) = fake_msal.made
    assert made["client_id"] == APP_ID and made["authority"].endswith(TENANT)
    assert made["credential"]["thumbprint"] == load_client_certificate(pem).sha1_thumbprint
    assert "BEGIN PRIVATE KEY" in made["credential"]["private_key"]
    # the token carries no roles: admin consent is missing, exactly as for a secret
    assert (
        not outcome.verification.ok
        and "admin consent is missing for Sites.Selected" in outcome.verification.detail
    )
    fake_msal.answer = {
        "access_token": app_token({"aud": "https://graph.microsoft.com", "roles": ["Sites.Selected"]}),
        "expires_in": 3599,
    }
    verify_and_record(
        load(path), "svc-cert", signin_for=entra, resolve_secret=lambda ref: pem, scopes=[GRAPH], path=path
    )
    check = load(path).service_principal("svc-cert").verification  # type: ignore[union-attr]
    assert check is not None and check.ok and check.detail.endswith("roles Sites.Selected")
    assert "PRIVATE KEY" not in path.read_text()


def test_entras_refusal_is_recorded_without_the_key(
    key: rsa.RSAPrivateKey, fake_msal: type[FakeMsalApp], tmp_path: Path
) -> None:
    pem = client_certificate_pem(key)
    path = cert_inventory(tmp_path)
    fake_msal.answer = {
        "error": "invalid_client",
        "error_description": "AADSTS700027: The certificate with identifier used to sign the client assertion "
        "is not registered on application.\nTrace ID: 0",
    }
    outcome = verify_and_record(
        load(path), "svc-cert", signin_for=entra, resolve_secret=lambda ref: pem, scopes=[GRAPH], path=path
    )
    assert not outcome.verification.ok
    assert outcome.verification.detail.startswith("invalid_client: AADSTS700027")
    assert "PRIVATE KEY" not in path.read_text()


def test_an_expired_certificate_never_reaches_msal_and_nothing_is_recorded(
    key: rsa.RSAPrivateKey, fake_msal: type[FakeMsalApp], tmp_path: Path
) -> None:
    path = cert_inventory(tmp_path)
    before = path.read_bytes()
    expired = client_certificate_pem(key, expired=True)
    with pytest.raises(VerifyRefused, match="expired on .* nothing was sent"):
        verify_and_record(
            load(path),
            "svc-cert",
            signin_for=entra,
            resolve_secret=lambda ref: expired,
            scopes=[GRAPH],
            path=path,
        )
    assert fake_msal.made == [] and path.read_bytes() == before


def test_a_certificate_identity_without_a_reference_says_where_the_key_goes(tmp_path: Path) -> None:
    path = cert_inventory(tmp_path, secret_ref=None)
    with pytest.raises(VerifyRefused, match="point it at the certificate's private key"):
        verify_and_record(load(path), "svc-cert", signin_for=entra, resolve_secret=lambda ref: "", path=path)


def test_a_secret_identity_still_sends_its_secret_as_a_string(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = cert_inventory(tmp_path)
    ws = load(path)
    ws.service_principals[0].credential_kind = CredentialKind.SECRET
    sent: list[Any] = []

    def grant(config: SigninConfig, secret: Any, scopes: list[str]) -> msal_calls.TokenResult:
        sent.append(secret)
        return msal_calls.TokenResult(False, "invalid_client", "bad secret")

    monkeypatch.setattr(msal_calls, "client_credentials", grant)
    verify_and_record(
        ws, "svc-cert", signin_for=entra, resolve_secret=lambda ref: "plain-value", scopes=[GRAPH]
    )
    assert sent == ["plain-value"]


# ---------------------------------------------------------------- IdPs other than Entra (loopback stand-in)


def idp_cert_file(tmp_path: Path, idp: str, address: str) -> Path:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.idp = idp  # type: ignore[assignment]
    ws.consultancy.idp_address = address
    ws.service_principals.append(
        ServicePrincipal(
            name="svc-cert",
            credential_kind=CredentialKind.CERTIFICATE,
            client_id="cli-123",
            secret_ref="env:K",
        )
    )
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


def verify_idp(path: Path, pem: str) -> Any:
    ws = load(path)
    settings = HttpSettings(allow_loopback_http=True, max_retries=0)
    return verify_and_record(
        ws,
        "svc-cert",
        token_ask_for=oidc_token_ask(ws, settings=settings),
        resolve_secret=lambda r: pem,
        path=path,
    )


def serve(loopback: LoopbackServer, issuer: str, token_path: str, methods: list[str] | None = None) -> None:
    doc: dict[str, Any] = {"issuer": issuer, "token_endpoint": loopback.url + token_path}
    if methods is not None:
        doc["token_endpoint_auth_methods_supported"] = methods
    well_known = issuer.removeprefix(loopback.url).rstrip("/") + "/.well-known/openid-configuration"
    loopback.route("GET", well_known, lambda h, seen: send(h, 200, doc))
    loopback.route("POST", token_path, lambda h, s: send(h, 200, {"access_token": "a.b.c", "expires_in": 60}))


def test_other_idps_get_a_signed_assertion_in_the_form(
    key: rsa.RSAPrivateKey, loopback: LoopbackServer, tmp_path: Path
) -> None:
    issuer = loopback.url + "/realms/acme"
    serve(loopback, issuer, "/realms/acme/token")
    pem = client_certificate_pem(key)
    outcome = verify_idp(idp_cert_file(tmp_path, "keycloak", issuer), pem)
    assert outcome.verification.ok
    form = parse_qs(loopback.seen[-1].body.decode())
    assert form["client_assertion_type"] == ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]
    assert form["client_id"] == ["cli-123"] and "client_secret" not in form
    claims = pyjwt.decode(
        form["client_assertion"][0],
        key.public_key(),
        algorithms=["RS256"],
        audience=loopback.url + "/realms/acme/token",
    )
    assert claims["iss"] == claims["sub"] == "cli-123"
    assert b"PRIVATE KEY" not in loopback.seen[-1].body


def test_auth0_assertions_are_for_the_tenant_address(
    key: rsa.RSAPrivateKey, loopback: LoopbackServer, tmp_path: Path
) -> None:
    serve(loopback, loopback.url + "/", "/oauth/token")
    verify_idp(idp_cert_file(tmp_path, "auth0", loopback.url), client_certificate_pem(key))
    assertion = parse_qs(loopback.seen[-1].body.decode())["client_assertion"][0]
    assert pyjwt.decode(assertion, options={"verify_signature": False})["aud"] == loopback.url + "/"


def test_an_endpoint_that_takes_no_private_key_jwt_is_refused_before_sending(
    key: rsa.RSAPrivateKey, loopback: LoopbackServer, tmp_path: Path
) -> None:
    issuer = loopback.url + "/realms/acme"
    serve(loopback, issuer, "/realms/acme/token", methods=["client_secret_basic"])
    path = idp_cert_file(tmp_path, "keycloak", issuer)
    before = path.read_bytes()
    with pytest.raises(VerifyRefused, match="does not accept private_key_jwt .* nothing was sent"):
        verify_idp(path, client_certificate_pem(key))
    assert [s.method for s in loopback.seen] == ["GET"] and path.read_bytes() == before


def test_an_unreadable_certificate_file_is_one_line_and_nothing_is_asked(
    tmp_path: Path, run_cli: Any
) -> None:
    path = cert_inventory(tmp_path)
    before = path.read_bytes()
    missing = run_cli(
        "entra", "verify", "svc-cert", "--file", str(path), "--certificate", str(tmp_path / "no.pem")
    )
    assert missing.code == 2 and "--certificate" in missing.err and len(missing.err.strip().splitlines()) == 1
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    res = run_cli("entra", "verify", "svc-cert", "--file", str(path), "--certificate", str(not_pem))
    assert res.code == 2 and "no PEM certificate" in res.err
    assert path.read_bytes() == before
