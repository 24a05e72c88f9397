"""Sign-in activity for `discover entra`: when each credential, and each app, last signed in (Graph beta).

Two beta reports, both needing AuditLog.Read.All and a Microsoft Entra ID P1 or P2 licence:
- `GET /beta/reports/appCredentialSignInActivities` (reportroot-list-appcredentialsigninactivities; resource
  appCredentialSignInActivity: keyId, keyType, credentialOrigin, appId, resourceId, signInActivity with
  lastSignInDateTime - https://learn.microsoft.com/en-us/graph/api/resources/appcredentialsigninactivity?
  view=graph-rest-beta). One entry per credential and accessed resource, so a key's last use is the latest
  of its entries. This is what sets each secret's or certificate's last use.
- `GET /beta/reports/servicePrincipalSignInActivities` (per appId): the app's last sign-in. Used for a
  credential's last use only when the per-credential report is refused, and then the snapshot says so.

A refusal (400/403/404: no licence, no AuditLog.Read.All, a cloud without the report) is a note; discovery
goes on. Anything else (401, garbage, throttling past the policy) fails the run like any other read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from wizard.discovery.entra_snapshot import EntraSnapshot
from wizard.providers import ProviderError
from wizard.providers.entra import discover_map as m
from wizard.providers.entra.discover_read import GraphReader

PAGE = 100
REFUSED = (400, 403, 404)
CREDENTIAL_REPORT = "/reports/appCredentialSignInActivities"
APP_REPORT = "/reports/servicePrincipalSignInActivities"


def read_sign_in_activity(beta: GraphReader, snapshot: EntraSnapshot) -> None:
    """Fill each app's last sign-in and each credential's last use in *snapshot* (notes for what was refused)."""
    app_refused = _app_activity(beta, snapshot)
    cred_refused = _credential_activity(beta, snapshot)
    if cred_refused is None:
        return
    if app_refused is None:
        snapshot.notes.append(
            f"per-credential sign-in activity not read (HTTP {cred_refused}): each credential's last use is "
            "its app's last sign-in, so a left-over secret beside one in use looks used"
        )
        return
    snapshot.notes.append(
        f"sign-in activity not read (HTTP {cred_refused}): it needs AuditLog.Read.All and an Entra ID P1 or P2 "
        "licence; the 'unused 30+ days' check has nothing to go on for this tenant"
    )


def _app_activity(beta: GraphReader, snapshot: EntraSnapshot) -> int | None:
    """Last sign-in per app; the refusing HTTP status, or None when read."""
    by_app = {a.app_id: a for a in snapshot.apps}
    try:
        for page in beta.pages(f"{APP_REPORT}?$top={PAGE}"):
            for item in page:
                app = by_app.get(m.guid(item.get("appId")))
                if app is not None:
                    app.last_sign_in = m.last_sign_in(item)
    except ProviderError as exc:
        if exc.status not in REFUSED:
            raise
        for app in snapshot.apps:
            app.last_sign_in = None
        return exc.status
    return None


def _credential_activity(beta: GraphReader, snapshot: EntraSnapshot) -> int | None:
    """Last use per key id onto the snapshot's credentials; the refusing HTTP status, or None when read."""
    latest: dict[str, dt.datetime] = {}
    try:
        for page in beta.pages(f"{CREDENTIAL_REPORT}?$top={PAGE}"):
            for key_id, at in m.credential_sign_ins(page):
                if key_id not in latest or at > latest[key_id]:
                    latest[key_id] = at
    except ProviderError as exc:
        if exc.status not in REFUSED:
            raise
        return exc.status
    for app in snapshot.apps:
        app.passwords = [dataclasses.replace(p, last_used=latest.get(p.key_id)) for p in app.passwords]
        app.certificates = [dataclasses.replace(c, last_used=latest.get(c.key_id)) for c in app.certificates]
    snapshot.credential_activity = True
    return None
