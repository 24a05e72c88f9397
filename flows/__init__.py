"""Guided flows: pure steps and questions that turn answers into workspace changes; FLOWS is their registry.

Each flow module exposes `FLOW`; `get_flow` imports it on first use, so importing this package loads no flow.
The core (`wizard/`) never imports this package: the faces (`wizard.ui`, `wizard.cli`) and tests do.
"""

from __future__ import annotations

import importlib

from wizard.steps import Flow

# Flow id -> module in this package exposing FLOW (imported on first use).
FLOWS: dict[str, str] = {
    "first-setup": "first_setup",
    "idp-choice": "idp_choice",
    "naming": "naming",
    "groups": "groups",
    "service-principals": "service_principals",
    "credentials": "credentials",
    "n8n": "n8n_setup",
    "supabase": "supabase_setup",
    "client-onboarding": "client_onboarding",
}


def get_flow(flow_id: str) -> Flow:
    """The flow with this id, imported on first use (KeyError for an unknown id)."""
    if flow_id not in FLOWS:
        raise KeyError(f"no flow {flow_id!r}; known: {', '.join(FLOWS)}")
    module = importlib.import_module(f"{__name__}.{FLOWS[flow_id]}")
    flow: Flow = module.FLOW
    return flow
