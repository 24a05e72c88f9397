"""Option lists and small helpers the flows share (no Textual, no network)."""

from __future__ import annotations

import re

from wizard.model import Hat, Host, TenantModel
from wizard.steps import Option, StepProblems

HAT_OPTIONS = (
    Option(Hat.PROTOTYPE.value, "Prototype developer", "quick experiments on your own accounts"),
    Option(Hat.OWN_PRODUCTION.value, "Single-user production", "automations you run for your own business"),
    Option(Hat.CLIENT_DELIVERY.value, "Client delivery", "systems you build and run for clients"),
)

HOST_OPTIONS = (
    Option(Host.N8N_CLOUD.value, "n8n Cloud"),
    Option(Host.N8N_SELF_HOSTED.value, "Self-hosted n8n (VM, container)"),
    Option(Host.AZURE.value, "Azure (Functions, Container Apps) with managed identity"),
    Option(Host.GITHUB_ACTIONS.value, "GitHub Actions"),
    Option(Host.LAPTOP.value, "My laptop"),
)

TENANT_MODEL_OPTIONS = (
    Option(TenantModel.SEPARATE_TENANT.value, "The client's own tenant; your team joins as B2B guests"),
    Option(TenantModel.B2B_GUESTS.value, "Client people as guests in your tenant"),
    Option(TenantModel.DELEGATED_ADMIN.value, "Delegated admin (GDAP / Azure Lighthouse)"),
    Option(TenantModel.PARTITION.value, "A partition of your own tenant (groups, administrative unit)"),
)

RESIDENCY_OPTIONS = tuple(Option(v, v) for v in ("EU", "UK", "US", "CH", "CA", "AU", "other"))


def service_options() -> tuple[Option, ...]:
    """Every catalogue service as an option."""
    from wizard.catalogue import load_catalogue

    return tuple(Option(s.id, s.name, s.category) for s in sorted(load_catalogue().services.values(),
                                                                  key=lambda s: s.name.lower()))


def slugify(text: str) -> str:
    """'Acme Logistics GmbH' -> 'acme-logistics-gmbh' (a valid workspace slug)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "c-" + slug
    return slug[:40].rstrip("-")


def parse_automations(lines: list[str], question: str) -> list[tuple[str, str]]:
    """'n8n:graph' lines -> [(tool, purpose)]; StepProblems on a malformed line."""
    out: list[tuple[str, str]] = []
    for line in lines:
        tool, sep, purpose = line.partition(":")
        tool, purpose = slugify(tool.strip()) if tool.strip() else "", slugify(purpose.strip()) if purpose else ""
        if not sep or not tool or not purpose:
            raise StepProblems({question: f"write each automation as tool:purpose (e.g. n8n:graph), not {line!r}"})
        out.append((tool, purpose))
    return out
