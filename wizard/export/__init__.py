"""Exports of the inventory: checklists, tables and infrastructure-as-code scripts, and their registry.

Every format is a module with the one renderer signature `render(ws, client=None, today=None) -> str`
(`Renderer`). `FORMATS` maps the names `idspine export` accepts to an `ExportFormat` (module, file suffix,
description); `EXPORTS` adds the off-boarding list the app also writes. Modules are imported only when used.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from wizard.model import Workspace


class NotForThisIdp(ValueError):
    """An export that does not apply to the consultancy's identity provider (the message says what does)."""


class Renderer(Protocol):
    """The one signature of every export: the workspace (or one client of it) as text, dated `today`."""

    def __call__(self, ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str: ...


@dataclass(frozen=True)
class ExportFormat:
    """One export: the module holding its `render`, the file name suffix and what it is."""

    name: str
    module: str
    suffix: str
    description: str
    executable: bool = False
    per_idp: bool = False  # the suffix names the IdP's provider (terraform: azuread.tf, okta.tf, ...)

    @property
    def renderer(self) -> Renderer:
        """The format's `render` function (its module imported on first use)."""
        return cast(Renderer, importlib.import_module(self.module).render)

    def render(self, ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
        """The export as text (KeyError for an unknown client)."""
        return self.renderer(ws, client=client, today=today)

    def file_name(self, client: str | None = None, ws: Workspace | None = None) -> str:
        """Where the app writes it next to the inventory: idspine[-client]-suffix (the suffix of the
        workspace's IdP where the format has one per IdP)."""
        suffix = self.suffix
        if self.per_idp and ws is not None:
            suffix = importlib.import_module(self.module).file_suffix(ws)
        return f"idspine-{client}-{suffix}" if client else f"idspine-{suffix}"

    @property
    def mode(self) -> int:
        """File permissions: scripts are executable."""
        return 0o755 if self.executable else 0o644


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "checklist",
            "wizard.export.checklist",
            "checklist.md",
            "Markdown checklist of the setup, per client",
        ),
        ExportFormat(
            "csv", "wizard.export.csv_table", "inventory.csv", "CSV table of every identity and credential"
        ),
        ExportFormat(
            "az",
            "wizard.export.azure_cli",
            "azure-cli.sh",
            "Azure CLI script creating groups, apps and service principals (idempotent; Entra ID only)",
            executable=True,
        ),
        ExportFormat(
            "terraform",
            "wizard.export.terraform",
            "azuread.tf",
            "Terraform for the chosen IdP's provider (azuread, okta, google, keycloak, auth0, authentik)",
            per_idp=True,
        ),
    )
}
EXPORTS: dict[str, ExportFormat] = {
    **FORMATS,
    "offboarding": ExportFormat(
        "offboarding", "wizard.offboarding", "offboarding.md", "What to revoke when a client leaves, in order"
    ),
}
