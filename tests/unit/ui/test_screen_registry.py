"""One name per screen: a route is its module and its class (`explainers` → screens/explainers.py, ExplainersScreen)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from textual.screen import Screen

import wizard.ui.screens as screens
from wizard.ui.screens import NOT_ROUTES, ROUTES, class_name, palette_routes, screen_class
from wizard.ui.screens.base import IdspineModalScreen, IdspineScreen

SCREENS_DIR = Path(screens.__file__).parent
MODULES = sorted(p.stem for p in SCREENS_DIR.glob("*.py") if p.stem != "__init__")
# Wiring screens still moving onto the typed base in issue #15 (other branches); drop each once it has.
NOT_YET_TYPED = {"entra", "n8n", "supabase"}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_route_has_its_module_and_its_class(route: str) -> None:
    assert (SCREENS_DIR / f"{route}.py").is_file()
    cls = getattr(importlib.import_module(f"wizard.ui.screens.{route}"), class_name(route))
    assert screen_class(route) is cls and cls.__module__ == f"wizard.ui.screens.{route}"
    assert issubclass(cls, IdspineScreen if route not in NOT_YET_TYPED else Screen)


def test_every_screen_module_is_a_route_or_listed_as_not_one() -> None:
    unlisted = [m for m in MODULES if m not in ROUTES and m not in NOT_ROUTES]
    assert not unlisted, f"add these to ROUTES or NOT_ROUTES in wizard/ui/screens/__init__.py: {unlisted}"
    assert not NOT_ROUTES & set(ROUTES)
    assert set(MODULES) >= NOT_ROUTES, "NOT_ROUTES names a module that does not exist"


@pytest.mark.parametrize("module", sorted(set(MODULES) - set(ROUTES) - {"base"}))
def test_every_other_screen_extends_an_idspine_base(module: str) -> None:
    loaded = importlib.import_module(f"wizard.ui.screens.{module}")
    own = [c for c in vars(loaded).values() if isinstance(c, type) and c.__module__ == loaded.__name__]
    shown = [c for c in own if issubclass(c, Screen)]
    assert shown and all(issubclass(c, IdspineScreen | IdspineModalScreen) for c in shown)


def test_the_palette_lists_every_route_but_the_wizard() -> None:
    assert set(palette_routes()) == set(ROUTES) - {"wizard"}


def test_an_unknown_route_is_refused() -> None:
    with pytest.raises(KeyError):
        screen_class("nowhere")
