"""Exports of the inventory: checklists, tables and infrastructure-as-code scripts.

Each format is a module here with `render(ws, client=None) -> str`; `FORMATS` maps the names the
command line accepts to those modules, imported only when used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

FORMATS: dict[str, tuple[str, str]] = {
    # name: (module, description)
    "checklist": ("checklist", "Markdown checklist of the setup, per client"),
    "csv": ("csv_table", "CSV table of every identity and credential"),
    "az": ("azure_cli", "Azure CLI script creating groups, apps and service principals (idempotent)"),
    "terraform": ("terraform", "Terraform (azuread ~> 3.0) resources for the same"),
}


def exporter(name: str) -> ModuleType:
    """The module rendering format `name` (KeyError when unknown)."""
    module, _ = FORMATS[name]
    return importlib.import_module(f"wizard.export.{module}")
