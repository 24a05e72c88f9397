"""Every screen's key bindings against every field on it: no binding steals a key a focused field needs.

For each screen (and the first step of every wizard), each Input, TextArea and Select is focused in turn and
each of our bindings (the screen's and the app's) is checked at 80x24:
- a printable key (a letter, `/`, `[`, `?`) pressed in an Input or TextArea is typed there, and the screen's
  action does not run (unless the Input's `restrict` refuses that character anyway);
- any other key (ctrl+..., f-keys, escape) reaches our action: the focused field does not claim it for its
  own editing (Input uses ctrl+a/e/k/u/w/d, home, end, enter), and we do not shadow an editing key with a
  priority binding.
"""

from __future__ import annotations

import re

from textual.app import App
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Select, TextArea

from flows import FLOWS
from tests.support.journeys import demo_app, open_with, settle
from wizard.ui.screens import palette_routes


def our_bindings(*classes: type) -> list[tuple[str, Binding]]:
    """(key, binding) for the bindings our own classes declare (Textual's base classes excluded)."""
    pairs = []
    for cls in classes:
        for owner in cls.__mro__:
            if not owner.__module__.startswith("wizard."):
                continue
            for b in owner.__dict__.get("BINDINGS", []):
                binding = b if isinstance(b, Binding) else Binding(*b)
                pairs += [(key.strip(), binding) for key in binding.key.split(",")]
    return pairs


def printable(key: str) -> str | None:
    """The character a key types, or None for control and function keys."""
    from textual.keys import _character_to_key

    if len(key) == 1 and key.isprintable():
        return key
    names = {_character_to_key(c): c for c in "/?[]{}.,;:-+=!@#$%^&*()'\"<>`~|_"}
    return names.get(key)


def fields(screen: Screen) -> list[Widget]:
    return [w for w in screen.query("*") if isinstance(w, Input | TextArea | Select) and w.focusable]


async def check_screen(pilot: Pilot, app: App, where: str, problems: list[str]) -> None:
    screen = app.screen
    bindings = our_bindings(type(screen), type(app))
    for field in fields(screen):
        name = f"{where} #{field.id or type(field).__name__}"
        for key, binding in bindings:
            field.focus()
            await pilot.pause()
            if app.focused is not field:
                continue
            char = printable(key)
            if char is not None:
                if isinstance(field, Select):
                    continue  # a Select types nothing: a letter binding there is fine
                before = field.value if isinstance(field, Input) else field.text
                await pilot.press(key)
                await pilot.pause()
                after = field.value if isinstance(field, Input) else field.text
                if isinstance(field, Input) and field.restrict and not re.fullmatch(field.restrict, char):
                    continue  # the field can never hold this character, so a binding may have it
                if app.screen is not screen:
                    problems.append(f"{name}: {key!r} ran {binding.action} instead of being typed")
                    app.pop_screen()
                    await pilot.pause()
                elif after == before or char not in after:  # typed (over a selection, or added)
                    problems.append(f"{name}: {key!r} was not typed into the field ({binding.action})")
                if isinstance(field, Input):
                    field.value = before
                else:
                    field.text = before
                continue
            active = screen.active_bindings.get(key)
            if active is None or active.node is field:
                problems.append(
                    f"{name}: {key} ({binding.description or binding.action}) is taken by the "
                    f"focused {type(field).__name__} for its own editing"
                )
            if binding.priority and key in {
                k.strip()
                for b in type(field).BINDINGS
                for k in (b.key if isinstance(b, Binding) else b[0]).split(",")
            }:
                problems.append(f"{name}: priority {key} shadows the {type(field).__name__}'s own key")


async def test_no_binding_collides_with_a_focused_field() -> None:
    problems: list[str] = []
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for name in palette_routes():
            if name == "home":
                await check_screen(pilot, app, name, problems)
                continue
            app.open_screen(name)  # type: ignore[attr-defined]
            await settle(pilot)
            await check_screen(pilot, app, name, problems)
            app.pop_screen()
            await settle(pilot)
        for flow_id in FLOWS:
            app.open_screen("wizard", flow_id=flow_id, restart=True)  # type: ignore[attr-defined]
            await settle(pilot)
            await check_screen(pilot, app, f"wizard {flow_id}", problems)
            app.pop_screen()
            await settle(pilot)
    assert not problems, "\n".join(problems)


async def test_supabase_enable_key_works_from_inside_a_field() -> None:
    """The key shown for Enable on the Supabase screen runs it while the cursor is in an Input."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "u", "SupabaseScreen")
        screen = app.screen
        called: list[int] = []
        screen.action_enable = lambda: called.append(1)  # type: ignore[method-assign]
        enable = next(key for key, b in our_bindings(type(screen)) if b.action == "enable")
        field = screen.query_one("#secret-ref", Input)
        field.focus()
        field.cursor_position = 0
        await pilot.pause()
        await pilot.press(enable)
        await pilot.pause()
        assert called == [1] and field.cursor_position == 0
