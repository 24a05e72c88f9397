"""Certificate credentials: the private key and certificate behind one secret reference, and the signed assertion.

A service principal whose credential_kind is certificate proves itself with a JWT it signs with its private key
(RFC 7523 section 2.2, OpenID Connect Core's `private_key_jwt`). Where the parts live:
- the private key (PEM, unencrypted) is behind the service principal's secret reference (file:, keyvault://,
  op://), resolved at the moment of use and never kept, printed or recorded;
- the certificate (PEM) is in the same secret, after or before the key (the layout Key Vault gives a PEM
  certificate read as a secret, and `openssl pkcs12 -nodes` writes), or, when it is kept apart, a file given
  with `--certificate` (a certificate is public).
From the certificate come its thumbprints: SHA-1 of the DER encoding (the `x5t` header Entra matches against
the app's registered key, learn.microsoft.com/entra/identity-platform/certificate-credentials) and SHA-256
(`x5t#S256`, RFC 7515 section 4.1.8). Before anything is sent the key must belong to the certificate and the
certificate must be valid now: an expired certificate is refused here, since the IdP would refuse it anyway.

Entra (and an OpenID issuer through msal) get the key and the SHA-1 thumbprint as msal's certificate
credential, {"private_key", "thumbprint"} (msal's ConfidentialClientApplication client_credential), and msal
signs the assertion (RS256, x5t) for the token endpoint. Other IdPs get an assertion signed here by
`client_assertion` (PyJWT): iss and sub the client id, aud the token endpoint (Okta, Keycloak) or the tenant
address with its trailing slash (Auth0, auth0.com/docs/get-started/authentication-and-authorization-flow/
authenticate-with-private-key-jwt), a fresh jti, a lifetime of at most five minutes.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.vocabulary import IdP

if TYPE_CHECKING:
    from wizard.providers.entra.msal_calls import TokenResult
    from wizard.providers.entra.signin_config import SigninConfig

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"  # RFC 7523 section 2.2
PRIVATE_KEY_JWT = "private_key_jwt"
_KEY_BLOCK = re.compile(
    r"-----BEGIN (?P<kind>[A-Z ]*)PRIVATE KEY-----.+?-----END (?P=kind)PRIVATE KEY-----", re.S
)
_CERT_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


class CertificateProblem(ValueError):
    """The key or certificate cannot be used (one line, names no secret); nothing was sent."""


@dataclass(frozen=True)
class ClientCertificate:
    """A private key with its certificate: what signs the assertion and what names it."""

    private_key_pem: str = field(repr=False)
    certificate_pem: str
    sha1_thumbprint: str  # hex, upper case (the thumbprint the Entra admin center shows)
    x5t: str  # base64url SHA-1 of the DER certificate
    x5t_s256: str  # base64url SHA-256 of the DER certificate
    algorithm: str  # RS256 for RSA keys, ES256 for P-256 keys
    not_before: dt.datetime
    not_after: dt.datetime


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _load_key(pem: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    match = _KEY_BLOCK.search(pem)
    if match is None:
        raise CertificateProblem("the secret reference holds no PEM private key")
    if match["kind"].strip() == "ENCRYPTED":
        raise CertificateProblem(
            "the private key is encrypted: keep it unencrypted behind the secret reference (the reference "
            "is what protects it)"
        )
    try:
        return load_pem_private_key(match.group(0).encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise CertificateProblem("the private key behind the secret reference cannot be read") from None


def _load_certificate(pem: str, where: str) -> Any:
    from cryptography import x509

    match = _CERT_BLOCK.search(pem)
    if match is None:
        raise CertificateProblem(
            f"no certificate in {where}: put the certificate's PEM beside the key in the same secret, "
            "or give it with --certificate FILE"
        )
    try:
        return x509.load_pem_x509_certificate(match.group(0).encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise CertificateProblem(f"the certificate in {where} cannot be read") from None


def _algorithm(key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    raise CertificateProblem("the private key is neither RSA nor EC P-256; it cannot sign a client assertion")


def load_client_certificate(
    key_pem: str, certificate_pem: str = "", now: dt.datetime | None = None
) -> ClientCertificate:
    """The key and certificate from *key_pem* (the resolved secret) and *certificate_pem* (when kept apart).

    CertificateProblem when either cannot be read, the key does not belong to the certificate, or the
    certificate is not valid at *now*.
    """
    from cryptography.hazmat.primitives import hashes, serialization

    key = _load_key(key_pem)
    cert = _load_certificate(certificate_pem or key_pem, "--certificate" if certificate_pem else "the secret")
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(*spki):
        raise CertificateProblem("the private key does not belong to the certificate; nothing was sent")
    algorithm = _algorithm(key)
    when = now or dt.datetime.now(dt.UTC)
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    if when > not_after:
        raise CertificateProblem(
            f"the certificate expired on {not_after:%Y-%m-%d %H:%M} UTC: upload a new one to the app and "
            "point the secret reference at its key; nothing was sent"
        )
    if when < not_before:
        raise CertificateProblem(f"the certificate is not valid before {not_before:%Y-%m-%d %H:%M} UTC")
    sha1 = cert.fingerprint(hashes.SHA1())  # noqa: S303 - Entra's x5t is SHA-1 by definition
    return ClientCertificate(
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii"),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        sha1_thumbprint=sha1.hex().upper(),
        x5t=_b64url(sha1),
        x5t_s256=_b64url(cert.fingerprint(hashes.SHA256())),
        algorithm=algorithm,
        not_before=not_before,
        not_after=not_after,
    )


def client_assertion(
    cert: ClientCertificate,
    client_id: str,
    audience: str,
    *,
    now: dt.datetime | None = None,
    lifetime: int = 300,
) -> str:
    """A client assertion (RFC 7523 section 3) for *client_id* at *audience*, signed with *cert*'s key."""
    import jwt

    issued = int((now or dt.datetime.now(dt.UTC)).timestamp())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": str(uuid.uuid4()),
        "iat": issued,
        "nbf": issued,
        "exp": issued + min(lifetime, 300),
    }
    headers = {"typ": "JWT", "x5t": cert.x5t, "x5t#S256": cert.x5t_s256}
    return jwt.encode(claims, cert.private_key_pem, algorithm=cert.algorithm, headers=headers)


def assertion_audience(idp: str, issuer: str, token_endpoint: str) -> str:
    """Who an assertion is for: Auth0 wants its tenant address with a trailing slash (its private key JWT
    guide); Okta, Keycloak, authentik and oidc-provider take the token endpoint (RFC 7523 section 3)."""
    from urllib.parse import urlsplit

    if idp == IdP.AUTH0:
        parts = urlsplit(issuer)
        return f"{parts.scheme}://{parts.netloc}/"
    return token_endpoint


def msal_credential(cert: ClientCertificate) -> dict[str, str]:
    """msal's certificate credential: the key and its SHA-1 thumbprint (msal signs RS256 with x5t)."""
    if cert.algorithm != "RS256":
        raise CertificateProblem("Entra takes RSA certificates only; this key is not RSA")
    return {"private_key": cert.private_key_pem, "thumbprint": cert.sha1_thumbprint}


def certificate_client_credentials(
    config: SigninConfig, cert: ClientCertificate, scopes: Sequence[str]
) -> TokenResult:
    """Client credentials through msal with *cert*; the IdP's exact error on failure (SigninError otherwise)."""
    from wizard.providers.entra import msal_calls

    return msal_calls.client_credentials(config, msal_credential(cert), scopes)
