"""Prove that a service principal's client secret gets a token, and record the result: the one verify operation.

The CLI (`idspine verify`) and the Entra screen both call `verify_service_principal`; the result is kept on
the service principal (`verification`) and saved with `record_verification`, which uses the same lock and
digest check as every save and keeps what other writers changed meanwhile. The secret is read from its
reference at the moment of use and never kept, printed or recorded; neither is anything secret-shaped the
IdP sends back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.model import ServicePrincipal, Verification, Workspace

if TYPE_CHECKING:
    from wizard.inventory_writer import Updated

_WITHHELD = "the identity provider's answer was withheld (it looked like it held a secret)"


def verify_service_principal(
    sp: ServicePrincipal,
    config_for: object,
    secret: str,
    scopes: Sequence[str],
    now: dt.datetime | None = None,
) -> Verification:
    """Client credentials as *sp* with *secret* at the IdP of *config_for* (a SigninConfig); never raises.

    Every failure, from a refused secret to the IdP's 5xx page or an untrusted certificate, becomes a failed
    Verification with one line saying why.
    """
    from wizard.providers.entra.signin import SigninError, client_credentials
    from wizard.secrets.guard import find_secret_kind

    try:
        result = client_credentials(config_for, secret, list(scopes))  # type: ignore[arg-type]
        ok, detail = result.ok, result.detail
    except SigninError as exc:
        ok, detail = False, str(exc)
    detail = " ".join(detail.split())  # one line
    if find_secret_kind(detail) or (secret and secret in detail):
        detail = _WITHHELD
    at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return Verification(at=at, ok=ok, detail=detail[:300])


def record_verification(path: Path | str, name: str, verification: Verification) -> Updated:
    """Save *verification* on the service principal *name* in the file as it is now (lock + digest check)."""
    from wizard.inventory_writer import update_inventory

    def change(ws: Workspace) -> None:
        sp = ws.service_principal(name)
        if sp is not None:
            sp.verification = verification

    return update_inventory(path, change)
