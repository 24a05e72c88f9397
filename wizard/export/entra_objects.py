"""What the Azure CLI and Terraform exports share: the objects exported, stable app role ids, redirect kinds
and the end date of a new client secret."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlparse

from wizard.model import Group, ServicePrincipal, Status, Workspace

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
SECRET_DAYS = 180
ROLE_NAMESPACE = uuid.UUID("6f1c7c1e-4b1a-4c53-9a59-1d2d7f3b0e55")  # stable app role ids across runs
MEMBER_TYPES = {"user": ["User"], "application": ["Application"], "both": ["User", "Application"]}


def role_id(app: str, value: str) -> str:
    """A stable id for an app role (same app and value, same id, every run)."""
    return str(uuid.uuid5(ROLE_NAMESPACE, f"{app}/{value}"))


def is_public_redirect(uri: str) -> bool:
    """Whether a redirect belongs to a public client (desktop/CLI: loopback http or a custom scheme)."""
    parsed = urlparse(uri)
    if parsed.scheme == "https":
        return False
    return parsed.scheme != "http" or parsed.hostname in ("localhost", "127.0.0.1", "::1")


def split_redirects(uris: list[str]) -> tuple[list[str], list[str]]:
    """(web, public client) redirect URIs."""
    return [u for u in uris if not is_public_redirect(u)], [u for u in uris if is_public_redirect(u)]


def selected(ws: Workspace, client: str | None) -> tuple[list[Group], list[ServicePrincipal]]:
    """The live groups and service principals of one client (or all)."""
    groups = [g for g in ws.groups if g.status != Status.RETIRED and (client is None or g.client == client)]
    sps = [
        s
        for s in ws.service_principals
        if s.status != Status.RETIRED and (client is None or s.client == client)
    ]
    return groups, sps


def secret_end(sp: ServicePrincipal, today: dt.date) -> dt.date:
    """The end date for a new client secret: the recorded one when still ahead, else SECRET_DAYS from today."""
    if sp.secret_expires and sp.secret_expires > today:
        return sp.secret_expires
    return today + dt.timedelta(days=SECRET_DAYS)
