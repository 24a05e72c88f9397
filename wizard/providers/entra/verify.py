"""Prove that a service principal's secret or certificate gets a token, and record it: the one verify operation.

The CLI (`idspine entra verify`) and the Entra screen both call `verify_and_record`: it finds the service
principal, decides the tenant (where wizard.placement puts it), asks the face where to ask for a token —
Entra or an OpenID issuer through msal (`signin_for`: the same resolution as signin and apply, so a secret
only ever goes to the configured IdP), or another IdP's token endpoint (`token_ask_for`, see
wizard.providers.oidc_verify) — then resolves the secret at the moment of use, asks for a token and records
the result with `record_verification` (the same lock and digest check as every save, keeping what other
writers changed meanwhile). The secret is never kept, printed or recorded; neither is anything
secret-shaped the IdP sends back. When nothing could be asked of the IdP (no app id, no secret reference,
no sign-in settings, the secret unreadable here) `VerifyRefused` says why and nothing is recorded: a failed
verification in the inventory means the IdP refused the secret, never that this machine could not try.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.model import CredentialKind, ServicePrincipal, Verification, Workspace

if TYPE_CHECKING:
    from wizard.inventory_writer import Updated
    from wizard.providers.entra.client_assertion import ClientCertificate
    from wizard.providers.entra.signin_config import SigninConfig

_WITHHELD = "the identity provider's answer was withheld (it looked like it held a secret)"

# signin_for(client_id, tenant) -> where to ask for the token; ValueError or SigninError when it cannot say
SigninFor = Callable[[str, str], "SigninConfig"]


@dataclass(frozen=True)
class Answer:
    """The IdP's verdict on a secret: a token was issued, or its error (one line, scrubbed)."""

    ok: bool
    detail: str


@dataclass(frozen=True)
class TokenAsk:
    """Where a token will be asked for (decided before the secret is read) and the one request that asks.

    `ask(secret)` returns the IdP's Answer, or raises VerifyRefused when the IdP gave no verdict;
    `ask_certificate(cert)` does the same for a certificate credential (private_key_jwt), None when this
    IdP's token endpoint cannot take one.
    """

    where: str
    ask: Callable[[str], Answer] = field(repr=False)
    ask_certificate: Callable[[ClientCertificate], Answer] | None = field(default=None, repr=False)


# token_ask_for(client_id, tenant) -> TokenAsk; VerifyRefused when it cannot say
TokenAskFor = Callable[[str, str], TokenAsk]


class VerifyRefused(ValueError):
    """Verify could not ask the IdP at all; the message is one line, safe to show; nothing was recorded."""


@dataclass
class VerifyOutcome:
    """What verify found and whether it was saved (`save_error` when the inventory could not be written)."""

    name: str
    verification: Verification
    saved: Updated | None = None
    save_error: str = ""


def verify_service_principal(
    sp: ServicePrincipal,
    config_for: SigninConfig,
    secret: str,
    scopes: Sequence[str],
    now: dt.datetime | None = None,
    certificate: ClientCertificate | None = None,
) -> Verification:
    """Client credentials as *sp* with *secret* (or *certificate*) at the IdP of *config_for*; never raises.

    Every failure, from a refused secret to the IdP's 5xx page or an untrusted certificate, becomes a failed
    Verification with one line saying why. At Entra a token that came back is read as well: its audience
    must be the resource asked for and its roles the application permissions the inventory lists for that
    resource (wizard.providers.entra.token_claims); an OpenID issuer's token is not judged by Entra's claims.
    The token itself is dropped here, never kept.
    """
    from wizard.providers.entra.client_assertion import CertificateProblem, certificate_client_credentials
    from wizard.providers.entra.msal_calls import client_credentials
    from wizard.providers.entra.signin_config import SigninError
    from wizard.providers.entra.token_claims import judge_app_token

    try:
        if certificate is not None:  # private_key_jwt: msal signs the assertion with the certificate's key
            result = certificate_client_credentials(config_for, certificate, list(scopes))
        else:
            result = client_credentials(config_for, secret, list(scopes))
        answer = Answer(result.ok, result.detail)
        if result.ok and config_for.authority:  # Entra: the token must carry what the inventory expects
            verdict = judge_app_token(result.access_token, scopes, sp, result.detail)
            answer = Answer(verdict.ok, verdict.detail)
        result.access_token = ""
    except (SigninError, CertificateProblem) as exc:
        answer = Answer(False, str(exc))
    return verification_of(answer, secret, now)


def verification_of(answer: Answer, secret: str, now: dt.datetime | None = None) -> Verification:
    """What is recorded for *answer*: one line, nothing secret-shaped, never the secret itself."""
    from wizard.secrets.guard import find_secret_kind

    detail = " ".join(answer.detail.split())  # one line
    if find_secret_kind(detail) or (secret and secret in detail):
        detail = _WITHHELD
    at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return Verification(at=at, ok=answer.ok, detail=detail[:300])


def _msal_ask(config: SigninConfig, sp: ServicePrincipal, scopes: Sequence[str]) -> TokenAsk:
    """Entra, or an OpenID issuer the consultant configured: client credentials through msal."""

    def ask(secret: str) -> Answer:
        v = verify_service_principal(sp, config, secret, scopes)
        return Answer(v.ok, v.detail)

    def ask_certificate(cert: ClientCertificate) -> Answer:
        if cert.algorithm != "RS256":  # msal signs RS256 (Entra's certificate credentials take RSA keys)
            raise VerifyRefused("the certificate's key is not RSA; Entra takes RSA certificates only")
        v = verify_service_principal(sp, config, "", scopes, certificate=cert)
        return Answer(v.ok, v.detail)

    return TokenAsk(
        where=config.authority or config.oidc_authority or "", ask=ask, ask_certificate=ask_certificate
    )


def record_verification(path: Path | str, name: str, verification: Verification) -> Updated:
    """Save *verification* on the service principal *name* in the file as it is now (lock + digest check)."""
    from wizard.inventory_writer import update_inventory

    def change(ws: Workspace) -> None:
        sp = ws.service_principal(name)
        if sp is not None:
            sp.verification = verification

    return update_inventory(path, change)


def verification_tenant(ws: Workspace, sp: ServicePrincipal, tenant: str | None = None) -> str:
    """Where *sp* gets its tokens: *tenant* when given, else the tenant its service principal lives in."""
    from wizard.placement import service_principal_tenant

    return tenant or service_principal_tenant(ws, sp).tenant or ws.consultancy.home_tenant


def verifiable(ws: Workspace, name: str, client_id: str | None = None) -> ServicePrincipal:
    """The service principal *name*, when it has what verify needs (VerifyRefused says what is missing)."""
    from wizard.idps import profile_for
    from wizard.providers.oidc_verify import default_client_id, uses_oidc_verify
    from wizard.safe_text import one_line

    sp = ws.service_principal(name)
    if sp is None:
        known = ", ".join(s.name for s in ws.service_principals) or "none"
        raise VerifyRefused(f"no service principal named {one_line(name)!r} (known: {one_line(known)})")
    if not (client_id or default_client_id(ws, sp)):
        if uses_oidc_verify(ws):
            raise VerifyRefused(
                f"{sp.name} has no client id in the inventory: give the {profile_for(ws.consultancy.idp).name} "
                "client id with --client-id"
            )
        raise VerifyRefused(f"{sp.name} has no app id yet: run `idspine entra apply` first")
    if not sp.secret_ref:
        if sp.credential_kind == CredentialKind.CERTIFICATE:
            raise VerifyRefused(
                f"{sp.name} has no secret reference: point it at the certificate's private key (PEM)"
            )
        raise VerifyRefused(
            f"{sp.name} has no secret reference; verify works for client-secret and certificate identities"
        )
    return sp


def _ask_with_certificate(token_ask: TokenAsk, key_pem: str, certificate_pem: str) -> Answer:
    """The key and certificate checked here (VerifyRefused when unusable or expired), then the IdP asked."""
    from wizard.providers.entra.client_assertion import CertificateProblem, load_client_certificate

    if token_ask.ask_certificate is None:
        raise VerifyRefused(f"{token_ask.where} cannot be asked with a certificate (private_key_jwt)")
    try:
        cert = load_client_certificate(key_pem, certificate_pem)
    except CertificateProblem as exc:
        raise VerifyRefused(str(exc)) from None
    return token_ask.ask_certificate(cert)


def verify_and_record(
    ws: Workspace,
    name: str,
    *,
    signin_for: SigninFor | None = None,
    token_ask_for: TokenAskFor | None = None,
    resolve_secret: Callable[[str], str],
    scopes: Sequence[str] = (),
    client_id: str | None = None,
    tenant: str | None = None,
    path: Path | str | None = None,
    lock: contextlib.AbstractContextManager[object] | None = None,
    after_save: Callable[[Updated | None, Verification], None] | None = None,
    certificate_pem: str = "",
) -> VerifyOutcome:
    """Verify the service principal *name* of *ws* and record the result in the file at *path* (if any).

    Where to ask: *signin_for* (Entra or an OpenID issuer through msal, asking for *scopes*) or
    *token_ask_for* (another IdP's token endpoint; see wizard.providers.oidc_verify) — exactly one.
    *lock* (the app's session lock) is held while the file is written and *after_save* runs, so the face can
    bring its own copy up to date in the same breath. VerifyRefused when nothing could be asked.
    A certificate identity's reference holds its private key (and, unless *certificate_pem* gives it, its
    certificate): see wizard.providers.entra.client_assertion; an expired certificate is refused here.
    """
    from wizard.inventory import InventoryError
    from wizard.providers.entra.signin_config import SigninError
    from wizard.providers.oidc_verify import default_client_id
    from wizard.secrets.resolver import SecretUnavailable

    if (signin_for is None) == (token_ask_for is None):
        raise TypeError("give exactly one of signin_for and token_ask_for")
    sp = verifiable(ws, name, client_id)
    assert sp.secret_ref  # verifiable checked it
    cid, where = client_id or default_client_id(ws, sp), verification_tenant(ws, sp, tenant)
    try:
        if signin_for is not None:
            token_ask = _msal_ask(signin_for(cid, where), sp, scopes)
        else:
            assert token_ask_for is not None
            token_ask = token_ask_for(cid, where)
    except (ValueError, SigninError) as exc:  # VerifyRefused is a ValueError: it passes through as it is
        raise VerifyRefused(str(exc)) from None
    try:
        secret = resolve_secret(sp.secret_ref)
    except SecretUnavailable as exc:
        raise VerifyRefused(str(exc)) from None
    try:
        if sp.credential_kind == CredentialKind.CERTIFICATE:
            answer = _ask_with_certificate(token_ask, secret, certificate_pem)
        else:
            answer = token_ask.ask(secret)
        verification = verification_of(answer, secret)
    finally:
        secret = ""
    outcome = VerifyOutcome(sp.name, verification)
    with lock if lock is not None else contextlib.nullcontext():
        try:
            if path is not None:  # saved into the file as it is now: nothing else is reverted
                outcome.saved = record_verification(path, sp.name, verification)
        except InventoryError as exc:
            outcome.save_error = str(exc)
            return outcome
        if after_save is not None:
            after_save(outcome.saved, verification)
    return outcome
