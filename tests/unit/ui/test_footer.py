"""The footer rebuilds only when the keys it shows change (wizard/ui/widgets/footer.py), and always shows
what the screen's active bindings say it should: moving the focus in a form costs no rebuild, a binding that
appears (the Discover screen's paging keys once a review has pages) shows at once."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from tests.support.journeys import demo_app, open_with, settle
from wizard.ui.widgets.footer import Footer


def shown(app: Any) -> list[str]:
    footer = app.screen.query_one(Footer)
    return [k.description for k in footer.query(FooterKey) if not k.has_class("-command-palette")]


def wanted(app: Any) -> list[str]:
    """What Textual's Footer shows: one key per action among the shown bindings, in order."""
    seen: dict[str, str] = {}
    for b in app.screen.active_bindings.values():
        if b.binding.show and b.binding.action not in seen:
            seen[b.binding.action] = b.binding.description
    return list(seen.values())


async def test_focus_moves_in_the_wizard_do_not_rebuild_an_unchanged_footer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rebuilds: list[str] = []
    original = Widget.recompose

    async def counted(self: Widget) -> None:
        if isinstance(self, TextualFooter):  # ours or Textual's: every footer rebuild counts
            rebuilds.append(type(self.screen).__name__)
        await original(self)

    monkeypatch.setattr(Widget, "recompose", counted)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        await settle(pilot)
        rebuilds.clear()
        for _ in range(6):
            await pilot.press("tab")
            await pilot.pause(0.05)
            assert shown(app) == wanted(app)
        assert isinstance(app.screen.query_one(TextualFooter), Footer)
        assert len(rebuilds) < 6  # Textual's own footer rebuilt twice per tab here (12)


async def test_a_binding_that_appears_shows_in_the_footer() -> None:
    from bench.discover_review import NOW, large_snapshot

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_screen("discover", now=NOW)
        await pilot.pause(0.2)
        await settle(pilot)
        assert "Next page" not in shown(app)
        app.screen._show(large_snapshot(60))  # 300 rows: two pages
        await settle(pilot)
        await pilot.pause(0.1)
        assert "Next page" in shown(app) and shown(app) == wanted(app)
