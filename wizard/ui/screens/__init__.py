"""The app's screens, opened by name from bindings and the command palette."""

from __future__ import annotations

import importlib

from textual.screen import Screen

# name: (title in the command palette, help text). Modules are imported when first opened.
SCREENS: dict[str, tuple[str, str]] = {
    "home": ("Home", "The consultancy, its clients, inventory health and what to do next"),
    "inspector": ("Inventory inspector", "Every identity and credential, filterable, with health and fixes"),
    "catalogue": ("Service catalogue", "What each service supports: OAuth, PAT, API key, federation"),
    "explainers": ("Explainers", "Read the concepts behind each step"),
    "n8n": ("n8n wiring", "SSO values for your IdP and pushing workflow credentials to n8n"),
    "supabase": ("Supabase wiring", "Turn on sign-in with Microsoft for your Supabase project"),
    "entra": ("Entra: sign in, plan, apply, verify", "Carry out the plan in your tenant and prove it works"),
}
_CLASSES = {
    "home": ("home", "HomeScreen"),
    "inspector": ("inspector", "InspectorScreen"),
    "catalogue": ("catalogue", "CatalogueScreen"),
    "explainers": ("explainers", "ExplainerScreen"),
    "wizard": ("wizard", "FlowScreen"),
    "n8n": ("n8n", "N8nScreen"),
    "supabase": ("supabase", "SupabaseScreen"),
    "entra": ("entra", "EntraScreen"),
}


def build(name: str, **kwargs: object) -> Screen:
    """A new instance of the named screen."""
    module, cls = _CLASSES[name]
    return getattr(importlib.import_module(f"wizard.ui.screens.{module}"), cls)(**kwargs)
