"""The footer every screen shows: Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all of its keys (a widget each) whenever the active bindings might have changed:
the screen is pushed, any widget takes the focus, the app gains the focus. Most of those changes leave the
same keys on show, yet each rebuild mounts every key again (twice before the home screen's first frame,
and again on every focus move in a form). Here a rebuild happens only when what the footer would show
differs from what it shows: same keys, same look, same behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's Footer, skipping rebuilds that would show the same keys."""

    _showing: tuple[Any, ...] | None = None

    def compose(self) -> Iterable[Any]:  # type: ignore[override]
        self._showing = self._wanted() if self._bindings_ready else None
        return super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and self._wanted() == self._showing
        ):
            return  # nothing the footer shows has changed
        super().bindings_changed(screen)

    def _wanted(self) -> tuple[Any, ...]:
        """What the footer would show now: each shown binding's key, action, words and state."""
        return tuple(
            (
                key,
                b.binding.action,
                b.binding.description,
                b.binding.key_display,
                b.binding.show,
                b.enabled,
                b.tooltip,
            )
            for key, b in self.screen.active_bindings.items()
        ) + (self.compact, self.show_command_palette)
