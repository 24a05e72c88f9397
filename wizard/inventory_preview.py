"""A first look at a workspace before it is validated: the few facts the home screen paints first.

Importing the model (pydantic) and validating a workspace takes longer than starting Textual, yet the
home screen's first frame needs only the consultancy and its clients' names. A preview holds just those,
read without the model: from the demo's facts (checked against the real demo by a test) or from the TOML
of a small inventory file. The app paints it, loads and validates the whole workspace in the background,
and allows nothing until then (no screen opens, nothing is saved); when validation fails, the error
screen replaces the preview. Shown text passes the same secret guard as the model's free text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Larger files are not previewed: parsing them costs about what the preview would save.
PREVIEW_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class ClientPreview:
    slug: str
    name: str
    residency: str
    tenant_model: str  # the TenantModel value
    credentials: int  # not retired


@dataclass(frozen=True)
class Preview:
    name: str
    slug: str
    idp: str | None  # the IdP value
    home_tenant: str
    idp_address: str
    hats: tuple[str, ...]  # Hat values
    groups: int
    service_principals: int
    credentials: int
    clients: tuple[ClientPreview, ...]


def of_workspace(ws: Any) -> Preview:
    """The preview of a loaded (validated) workspace."""
    live: dict[str, int] = {}
    for x in ws.credentials:
        if x.status.value != "retired":
            live[x.client] = live.get(x.client, 0) + 1
    c = ws.consultancy
    return Preview(
        name=c.name,
        slug=c.slug,
        idp=c.idp.value if c.idp else None,
        home_tenant=c.home_tenant,
        idp_address=c.idp_address,
        hats=tuple(h.value for h in c.hats),
        groups=len(ws.groups),
        service_principals=len(ws.service_principals),
        credentials=len(ws.credentials),
        clients=tuple(
            ClientPreview(cl.slug, cl.name, cl.residency, cl.tenant_model.value, live.get(cl.slug, 0))
            for cl in ws.clients
        ),
    )


def demo() -> Preview:
    """The built-in demo's preview (tests/unit/core/test_inventory_preview.py keeps it equal to the demo)."""
    return Preview(
        name="Northwind Data",
        slug="northwind",
        idp="entra",
        home_tenant="northwinddata.onmicrosoft.com",
        idp_address="",
        hats=("prototype", "own-production", "client-delivery"),
        groups=9,
        service_principals=5,
        credentials=30,
        clients=(
            ClientPreview("acme", "Acme Logistics", "EU", "separate-tenant", 13),
            ClientPreview("globex", "Globex Retail", "US", "b2b-guests", 7),
        ),
    )


def of_file(path: Path) -> Preview | None:
    """The preview of the inventory at `path`, or None (no file, too large, not TOML, unexpected shapes,
    secret-shaped text): then the app waits for the full load, which reports any problem."""
    try:
        with open(path, "rb") as handle:
            if not os.path.isfile(path):
                return None
            data = handle.read(PREVIEW_MAX_BYTES + 1)
        if len(data) > PREVIEW_MAX_BYTES:
            return None
        import tomli

        return of_document(tomli.loads(data.decode("utf-8")))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("not text")
    return value.strip()  # as the model does (str_strip_whitespace)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def of_document(raw: Any) -> Preview | None:
    """The preview of a parsed (not yet validated) inventory document, or None when it looks wrong."""
    from wizard.secrets.guard import find_secret_kind

    c = raw["consultancy"]
    clients = [cl for cl in _list(raw.get("clients")) if isinstance(cl, dict)]
    credentials = [x for x in _list(raw.get("credentials")) if isinstance(x, dict)]
    live: dict[str, int] = {}
    for x in credentials:
        if x.get("status", "active") != "retired":
            slug = _text(x.get("client"))
            live[slug] = live.get(slug, 0) + 1
    preview = Preview(
        name=_text(c["name"]),
        slug=_text(c["slug"]),
        idp=_text(c.get("idp")) or None,
        home_tenant=_text(c.get("home_tenant")),
        idp_address=_text(c.get("idp_address")),
        hats=tuple(_text(h) for h in _list(c.get("hats"))),
        groups=len(_list(raw.get("groups"))),
        service_principals=len(_list(raw.get("service_principals"))),
        credentials=len(credentials),
        clients=tuple(
            ClientPreview(
                _text(cl.get("slug")),
                _text(cl.get("name")),
                _text(cl.get("residency")),
                _text(cl.get("tenant_model")) or "separate-tenant",
                live.get(_text(cl.get("slug")), 0),
            )
            for cl in clients
        ),
    )
    shown = [preview.name, preview.slug, preview.home_tenant, preview.idp_address, *preview.hats]
    for cl in preview.clients:
        shown += [cl.slug, cl.name, cl.residency, cl.tenant_model]
    if any(find_secret_kind(text) for text in shown):
        return None  # the full load refuses the file and says where
    return preview
