"""Turn Graph JSON objects into the snapshot's types (wizard.discovery.entra_snapshot), defensively.

Field names follow the Graph v1.0 reference: application (passwordCredentials, keyCredentials, web/spa/
publicClient redirectUris, requiredResourceAccess), passwordCredential/keyCredential (keyId, displayName,
startDateTime, endDateTime, usage, customKeyIdentifier), federatedIdentityCredential (id, name, issuer,
subject, audiences), appRoleAssignment (resourceId, resourceDisplayName, appRoleId), user (userPrincipalName,
accountEnabled), group (groupTypes "Unified"), and the beta servicePrincipalSignInActivity
(https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipalsigninactivity?view=graph-rest-beta:
applicationAuthenticationClientSignInActivity / lastSignInActivity, each a signInActivity with
lastSignInDateTime). Anything that is not the promised shape is skipped or read as empty, never trusted:
every string here came from a server.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from wizard.discovery.entra_snapshot import (
    CertificateInfo,
    DiscoveredApp,
    DiscoveredGroup,
    FederatedInfo,
    OwnerInfo,
    PasswordInfo,
)
from wizard.settings import GUID

MAX_TEXT = 256  # display names and the like are cut here; Graph's own limits are lower
_FRACTION = re.compile(r"(\.\d{6})\d+")
_SHORT_OFFSET = re.compile(r"([+-])(\d):(\d\d)$")  # "-8:00", as in Graph's own report examples


def text(value: Any, limit: int = MAX_TEXT) -> str:
    """A server string, cut to *limit*; anything else is ''."""
    return value[:limit] if isinstance(value, str) else ""


def guid(value: Any) -> str:
    """A GUID from the server, lower-cased, or '' when it is not one."""
    return value.lower() if isinstance(value, str) and GUID.match(value) else ""


def when(value: Any) -> dt.datetime | None:
    """A Graph DateTimeOffset ('2026-01-31T10:00:00Z', up to 7 fraction digits) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        cleaned = _SHORT_OFFSET.sub(r"\g<1>0\2:\3", _FRACTION.sub(r"\1", value.strip()))
        parsed = dt.datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v[:2048] for v in value if isinstance(v, str)] if isinstance(value, list) else []


def redirect_uris(app: dict[str, Any]) -> tuple[str, ...]:
    """The web, SPA and public client redirect URIs of an application, each once, in that order."""
    seen: dict[str, None] = {}
    for part in ("web", "spa", "publicClient"):
        holder = app.get(part)
        if isinstance(holder, dict):
            for uri in _strings(holder.get("redirectUris")):
                seen.setdefault(uri, None)
    return tuple(seen)


def passwords(app: dict[str, Any]) -> list[PasswordInfo]:
    out = []
    for p in _dicts(app.get("passwordCredentials")):
        key = guid(p.get("keyId"))
        if key:  # hint and secretText are never kept (secretText is null on reads anyway)
            out.append(
                PasswordInfo(
                    key, text(p.get("displayName")), when(p.get("startDateTime")), when(p.get("endDateTime"))
                )
            )
    return out


def certificates(app: dict[str, Any]) -> list[CertificateInfo]:
    out = []
    for k in _dicts(app.get("keyCredentials")):
        key = guid(k.get("keyId"))
        if key:
            out.append(
                CertificateInfo(
                    key,
                    text(k.get("displayName")),
                    when(k.get("startDateTime")),
                    when(k.get("endDateTime")),
                    usage=text(k.get("usage"), 20),
                    thumbprint=text(k.get("customKeyIdentifier"), 128),
                )
            )
    return out


def federated(items: list[dict[str, Any]]) -> list[FederatedInfo]:
    return [
        FederatedInfo(
            id=text(f.get("id"), 64),
            name=text(f.get("name"), 120),
            issuer=text(f.get("issuer"), 600),
            subject=text(f.get("subject"), 600),
            audiences=tuple(_strings(f.get("audiences"))),
        )
        for f in items
        if isinstance(f.get("name"), str)
    ]


def owners(items: list[dict[str, Any]]) -> list[OwnerInfo]:
    out = []
    for o in items:
        oid = guid(o.get("id"))
        if not oid:
            continue
        enabled = o.get("accountEnabled")
        out.append(
            OwnerInfo(
                object_id=oid,
                display_name=text(o.get("displayName")),
                user_principal_name=text(o.get("userPrincipalName")),
                account_enabled=enabled if isinstance(enabled, bool) else None,
            )
        )
    return out


def new_app(app: dict[str, Any]) -> DiscoveredApp | None:
    """A DiscoveredApp from an application object (None when its ids are not GUIDs)."""
    app_id, object_id = guid(app.get("appId")), guid(app.get("id"))
    if not app_id or not object_id:
        return None
    return DiscoveredApp(
        app_id=app_id,
        display_name=text(app.get("displayName")),
        application_object_id=object_id,
        sign_in_audience=text(app.get("signInAudience"), 64),
        redirect_uris=redirect_uris(app),
        passwords=passwords(app),
        certificates=certificates(app),
    )


def group(item: dict[str, Any]) -> DiscoveredGroup | None:
    oid = guid(item.get("id"))
    if not oid:
        return None
    types = _strings(item.get("groupTypes"))
    return DiscoveredGroup(
        object_id=oid,
        display_name=text(item.get("displayName")),
        description=text(item.get("description"), 1024),
        security_enabled=item.get("securityEnabled") is not False,
        unified="Unified" in types,
    )


def last_sign_in(item: dict[str, Any]) -> dt.datetime | None:
    """The last app-only sign-in as a client (what a secret or certificate is used for), else the last of any."""
    for part in ("applicationAuthenticationClientSignInActivity", "lastSignInActivity"):
        activity = item.get(part)
        if isinstance(activity, dict):
            at = when(activity.get("lastSignInDateTime"))
            if at is not None:
                return at
    return None


def credential_sign_ins(items: list[dict[str, Any]]) -> list[tuple[str, dt.datetime]]:
    """(keyId, last sign-in) of each beta appCredentialSignInActivity that names both; others are skipped."""
    out = []
    for item in items:
        key = guid(item.get("keyId"))
        activity = item.get("signInActivity")
        at = when(activity.get("lastSignInDateTime")) if isinstance(activity, dict) else None
        if key and at is not None:
            out.append((key, at))
    return out
