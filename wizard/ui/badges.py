"""Health badges (error / warn / info / ok) in the current theme's text colours, readable in dark and light."""

from __future__ import annotations

from textual.app import App

WORDS = {"error": "error", "warning": "warn", "info": "info", "ok": "ok"}
_VARIABLE = {"error": "text-error", "warning": "text-warning", "info": "text-primary", "ok": "text-success"}


def badge(app: App, health: str, text: str | None = None) -> str:
    """Rich markup for one health value (works in DataTable cells and Statics alike)."""
    colour = app.theme_variables.get(_VARIABLE.get(health, "text-success"), "")
    word = text if text is not None else WORDS.get(health, health)
    bold = "bold " if health == "error" else ""
    return f"[{bold}{colour}]{word}[/]" if colour else word
