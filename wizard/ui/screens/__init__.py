"""The app's screens, opened by route from bindings and the command palette: one registry.

A route names its module and its class: route `explainers` is `ExplainersScreen` in
`wizard/ui/screens/explainers.py`. Modules are imported when a screen is first opened.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NamedTuple

from textual.screen import Screen


class Route(NamedTuple):
    """A screen the app opens by name."""

    title: str  # in the command palette; '' for a screen opened only with arguments (the wizard's flows)
    help: str


ROUTES: dict[str, Route] = {
    "home": Route("Home", "The consultancy, its clients, inventory health and what to do next"),
    "inspector": Route(
        "Inventory inspector", "Every identity and credential, filterable, with health and fixes"
    ),
    "catalogue": Route("Service catalogue", "What each service supports: OAuth, PAT, API key, federation"),
    "explainers": Route("Explainers", "Read the concepts behind each step"),
    "n8n": Route("n8n wiring", "SSO values for your IdP and pushing workflow credentials to n8n"),
    "supabase": Route("Supabase wiring", "Turn on sign-in with Microsoft for your Supabase project"),
    "entra": Route(
        "Entra: sign in, plan, apply, verify", "Carry out the plan in your tenant and prove it works"
    ),
    "plan": Route(
        "Plan: dry run in your identity provider's API",
        "The calls idspine would make in Okta, Auth0, Google, Keycloak or authentik (apply is Entra-only)",
    ),
    "discover": Route(
        "Discover: what your Entra tenant already holds",
        "Read apps, credentials, owners and groups (read-only), review them, adopt what you choose",
    ),
    "wizard": Route("", "One guided flow, step by step (opened with the flow to run)"),
}

# Screen modules that are not routes: modals and screens the app opens itself.
NOT_ROUTES = frozenset(
    {"base", "confirm_quit", "credential_edit", "error", "help", "rotate", "secret_reveal", "welcome"}
)


def class_name(route: str) -> str:
    """The class a route's module defines: `n8n` → `N8nScreen`."""
    return route.capitalize() + "Screen"


# For a consultancy whose IdP is not Entra ID, the Entra screen (sign in, apply) does not apply: its entry
# points open the plan screen instead, and the palette lists only the one that fits.
ENTRA_ONLY = "entra"
OTHER_IDP = "plan"


def route_for(route: str, live_apply: bool = True) -> str:
    """The route to open for *route*: the plan screen instead of the Entra screen when the chosen IdP has no
    live apply (wizard.idps: every IdP but Entra, for now)."""
    if route == ENTRA_ONLY and not live_apply:
        return OTHER_IDP
    return route


def palette_routes(live_apply: bool | None = None) -> dict[str, Route]:
    """The routes the command palette lists (each flow of the wizard has its own entry instead). When the
    chosen IdP has no live apply (live_apply False: every IdP but Entra), the Entra screen is left out."""
    hidden = ENTRA_ONLY if live_apply is False else ""
    return {name: route for name, route in ROUTES.items() if route.title and name != hidden}


def screen_class(route: str) -> type[Screen]:
    """The class of the screen at `route` (imports its module)."""
    if route not in ROUTES:
        raise KeyError(route)
    cls: type[Screen] = getattr(importlib.import_module(f"{__name__}.{route}"), class_name(route))
    return cls


def build(route: str, **kwargs: object) -> Screen:
    """A new instance of the screen at `route`."""
    make: Callable[..., Screen] = screen_class(route)  # each screen takes its own keyword arguments
    return make(**kwargs)
