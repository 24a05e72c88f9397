"""Audit rules on time: expired and expiring credentials, over-long lifetimes, static keys that never end or could."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from wizard.audit import Finding, Severity
from wizard.audit.rules.scope import credential_subject, live
from wizard.model import (
    STATIC_METHODS,
    Credential,
    CredentialKind,
    Hat,
    Host,
    Method,
    Status,
    Workspace,
)

EXPIRY_WARNING_DAYS = 30
MAX_SECRET_LIFETIME_DAYS = 180
MAX_CERTIFICATE_LIFETIME_DAYS = 365
LIFETIME_LIMITS = {
    CredentialKind.SECRET: ("secret-lifetime", MAX_SECRET_LIFETIME_DAYS),
    CredentialKind.CERTIFICATE: ("certificate-lifetime", MAX_CERTIFICATE_LIFETIME_DAYS),
}
MAX_STATIC_AGE_DAYS = 365


def _expiry(
    subject: str, what: str, expires: dt.date | None, today: dt.date, explainer: str
) -> Iterator[Finding]:
    if expires is None:
        return
    days = (expires - today).days
    if days < 0:
        yield Finding(
            "expired",
            Severity.ERROR,
            subject,
            f"{what} expired {-days} day(s) ago ({expires}).",
            "Issue a new one, update every place that uses it, then revoke the old one and record "
            "the new expiry.",
            explainer,
        )
    elif days <= EXPIRY_WARNING_DAYS:
        yield Finding(
            "expiring",
            Severity.WARNING,
            subject,
            f"{what} expires in {days} day(s) ({expires}).",
            "Rotate it now: create the replacement, switch the callers over, revoke the old one.",
            explainer,
        )


def expired_or_expiring(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Credentials and service principal secrets past or near their end date."""
    for c in live(ws.credentials):
        yield from _expiry(
            credential_subject(c),
            f"{c.label or c.id} ({c.service}, {c.method})",
            c.expires,
            today,
            "rotation-and-revocation",
        )
    for sp in live(ws.service_principals):
        if sp.credential_kind in (CredentialKind.SECRET, CredentialKind.CERTIFICATE):
            yield from _expiry(
                f"service-principal:{sp.name}",
                f"The {sp.credential_kind} of {sp.name}",
                sp.secret_expires,
                today,
                "rotation-and-revocation",
            )


def secret_lifetime(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Client secrets that live longer than six months and certificates that live longer than a year, on a
    service principal (secret_created -> secret_expires) or on a client-credentials credential of its own
    (created -> expires). The limits are the ones app management policies can enforce (explainer
    app-management-policies)."""
    for sp in live(ws.service_principals):
        if sp.secret_expires is None:
            continue
        limit = LIFETIME_LIMITS.get(sp.credential_kind)
        days = (sp.secret_expires - (sp.secret_created or today)).days
        if limit is not None and days > limit[1]:
            yield _lifetime(f"service-principal:{sp.name}", sp.name, sp.credential_kind, days, *limit)
    sps = {sp.name for sp in ws.service_principals}
    for c in live(ws.credentials):
        # A credential that belongs to a recorded service principal is judged by the principal's own dates.
        if (
            c.method != Method.OAUTH_CLIENT_CREDENTIALS
            or c.identity in sps
            or c.created is None
            or c.expires is None
        ):
            continue
        days = (c.expires - c.created).days
        rule_id, limit_days = LIFETIME_LIMITS[CredentialKind.SECRET]
        if days > limit_days:
            yield _lifetime(
                credential_subject(c),
                c.label or c.id,
                CredentialKind.SECRET,
                days,
                rule_id,
                limit_days,
                f"Issue the next secret for at most {limit_days} days and rotate before then, or move to "
                f"a keyless option if {c.service} offers one (`idspine advise {c.service}`).",
            )


def _lifetime(
    subject: str, name: str, kind: CredentialKind, days: int, rule_id: str, limit: int, fix: str = ""
) -> Finding:
    what = "client secret" if kind == CredentialKind.SECRET else "certificate"
    fix = fix or (
        f"Issue secrets for at most {limit} days, or switch to a certificate or a federated credential."
        if kind == CredentialKind.SECRET
        else f"Issue certificates for at most {limit} days, or switch to a federated credential or managed identity."
    )
    return Finding(
        rule_id,
        Severity.WARNING,
        subject,
        f"The {what} of {name} is valid for {days} days (limit {limit}); a leaked one stays useful "
        "that long.",
        fix,
        "app-management-policies",
    )


def static_without_expiry(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """PATs, API keys and service account keys with no end date, or very old ones."""
    for c in live(ws.credentials):
        if c.method not in STATIC_METHODS or c.status == Status.PLANNED:
            continue
        age = (today - c.created).days if c.created else None
        if c.expires is None:
            aged = f", and it is {age} days old" if age is not None and age > MAX_STATIC_AGE_DAYS else ""
            yield Finding(
                "no-expiry",
                Severity.WARNING,
                credential_subject(c),
                f"{c.method} for {c.service} has no expiry date recorded{aged}.",
                "Set an expiry where the service allows it (or record the one it has), and put a "
                "rotation date in the calendar.",
                "pat-vs-api-key-vs-oauth",
            )


def _host_of(c: Credential, ws: Workspace) -> Host:
    """Where the credential's main caller runs, from its first `used_by` entry."""
    for used in c.used_by:
        kind = used.split(":", 1)[0]
        if kind == "n8n":
            url = ws.consultancy.integrations.n8n_url or ""
            return Host.N8N_CLOUD if ".n8n.cloud" in url else Host.N8N_SELF_HOSTED
        if kind in ("github-actions", "azure", "laptop"):
            return Host(kind)
    return Host.LAPTOP


def better_method_available(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Static keys where the service and caller allow something that expires by itself."""
    try:
        from wizard.advice.methods import advise
    except ImportError:  # pragma: no cover - the catalogue ships with the package
        return
    from wizard.advice.methods import HOST_WORDS

    cache: dict[tuple[str, Hat, Host], tuple[Method, str] | None] = {}
    for c in live(ws.credentials):
        if c.method not in STATIC_METHODS:
            continue
        hat = Hat.CLIENT_DELIVERY if c.client else Hat.OWN_PRODUCTION
        key = (c.service, hat, _host_of(c, ws))
        if key not in cache:
            try:
                rec = advise(*key).recommended
                cache[key] = (rec.method, rec.label)
            except (KeyError, LookupError, ValueError):
                cache[key] = None
        best = cache[key]
        if best is not None and best[0] not in STATIC_METHODS:
            yield Finding(
                "better-method",
                Severity.INFO,
                credential_subject(c),
                f"Called from {HOST_WORDS[key[2]]}, {c.service} offers {best[1]} ({best[0]}), "
                f"which avoids a long-lived {c.method}.",
                c.planned_migration
                or f"Plan a migration to {best[1]} ({best[0]}); run `idspine advise {c.service}`.",
                "pat-vs-api-key-vs-oauth",
            )
