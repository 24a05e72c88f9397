"""Audit rules on use: credentials nobody has signed in with for a month (from sign-in activity discover read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from wizard.audit import Finding, Severity
from wizard.audit.rules.scope import credential_subject, live
from wizard.model import Workspace

UNUSED_DAYS = 30


def unused_credentials(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Credentials whose last recorded use is 30 or more days old. A credential with no last_used date is not
    reported (no sign-in activity was read: no licence, no permission, or never discovered), nor one that has
    already expired (the expiry rule reports it)."""
    for c in live(ws.credentials):
        if c.last_used is None or (c.expires is not None and c.expires < today):
            continue
        idle = (today - c.last_used).days
        if idle >= UNUSED_DAYS:
            yield Finding(
                "credential-unused",
                Severity.WARNING,
                credential_subject(c),
                f"{c.label or c.id} was last used {idle} days ago ({c.last_used}).",
                "Ask its owner whether anything still needs it; if nothing does, remove the secret or "
                "certificate in Entra and retire the entry, otherwise record who uses it.",
                "unused-credentials",
            )
