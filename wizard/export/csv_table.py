"""CSV table with one row per credential (service principal secrets included), the tenant it lives in (from
wizard.placement) and its audit health."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from wizard import placement
from wizard.audit import SEVERITY_ORDER, by_subject, run_audit
from wizard.idps import where as idp
from wizard.model import Workspace
from wizard.safe_text import terminal_text

COLUMNS = [
    "kind",
    "name",
    "label",
    "client",
    "service",
    "method",
    "identity",
    "owner",
    "created",
    "expires",
    "secret_ref",
    "used_by",
    "status",
    "health",
    "tenant",
    "registered_in",
]
# tenant: the id or domain of the tenant the object lives in (a service principal: where its tokens are issued;
# empty when that tenant's id is not recorded). registered_in: a service principal's app registration, which
# differs for a multi-tenant app (registered at home, consented in the client's tenant). For an IdP other than
# Entra ID "your own tenant" is the IdP's address (Consultancy.idp_address: an Okta org, a Keycloak realm ...);
# the kind stays "service-principal" for every IdP so scripts reading the table keep working.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def _cell(value: object) -> str:
    """Text for one cell, always one line: line breaks (a bare CR too, which some readers take for the end of
    a row) become spaces, other control characters are made visible, and values that a spreadsheet would
    run as a formula are neutralised."""
    text = "" if value is None else str(value)
    text = terminal_text(_LINE_BREAKS.sub(" ", text), keep="")
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> list[list[str]]:
    """Table rows (without the header)."""
    health = by_subject(run_audit(ws, today))

    def worst(subject: str) -> str:
        found = health.get(subject)
        return min(found, key=lambda f: SEVERITY_ORDER[f.severity]).severity.value if found else "ok"

    fast = placement.indexed(ws)
    entra = idp.is_entra(ws)

    def at(tenant: placement.Tenant) -> str:
        """The tenant's id or domain; your own IdP's address when it is not Entra ID."""
        return ws.consultancy.idp_address if not entra and tenant.key == placement.HOME_KEY else tenant.tenant

    out: list[list[object]] = []
    for sp in ws.service_principals:
        if client is None or sp.client == client:
            out.append(
                [
                    "service-principal",
                    sp.name,
                    sp.purpose,
                    sp.client,
                    sp.tool,
                    sp.credential_kind,
                    "",
                    sp.owner,
                    sp.secret_created,
                    sp.secret_expires,
                    sp.secret_ref,
                    "",
                    sp.status,
                    worst(f"service-principal:{sp.name}"),
                    at(placement.service_principal_tenant(fast, sp)),
                    at(placement.app_registration_tenant(fast, sp)),
                ]
            )
    for c in ws.credentials:
        if client is None or c.client == client:
            out.append(
                [
                    "credential",
                    c.id,
                    c.label,
                    c.client,
                    c.service,
                    c.method,
                    c.identity,
                    c.owner,
                    c.created,
                    c.expires,
                    c.secret_ref,
                    "; ".join(c.used_by),
                    c.status,
                    worst(f"credential:{c.id}"),
                    at(placement.credential_tenant(fast, c)),
                    "",
                ]
            )
    return [[_cell(v) for v in r] for r in out]


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """The table as CSV text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(ws, client, today))
    return buf.getvalue()
