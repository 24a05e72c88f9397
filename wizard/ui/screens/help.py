"""The help screen: every key that works on the screen underneath, grouped by where it applies."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from wizard.ui.screens.base import IdspineModalScreen
from wizard.ui.widgets.footer import Footer

SECRETS_NOTE = (
    "idspine never stores a secret: wherever it asks where a secret lives, answer with a reference "
    "such as env:NAME, keyvault://vault/name or op://vault/item/field."
)

# Keys worth knowing that are not bindings of ours (Textual's own widgets handle them).
WIDGET_KEYS = (
    ("tab / shift+tab", "move between fields"),
    ("ctrl+c", "copy the selected text"),
    ("↑ ↓ pgup pgdn", "move through lists, tables and options"),
    ("enter / space", "choose the highlighted option"),
    ("escape", "back (closes this help too)"),
)

# Textual's own focus and copy keys (every screen has them): listed once under "Fields" instead.
GENERIC_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text"}


def key_table(under: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """The described bindings active on `under`, as (group title, [(key, description)]) lists.

    Read from Textual's own binding chain, so what the help shows is what the keys do.
    """
    app = under.app
    screen_keys: list[tuple[str, str]] = []
    focused_keys: list[tuple[str, str]] = []
    app_keys: list[tuple[str, str]] = []
    seen: set[str] = set()
    for active in under.active_bindings.values():
        binding = active.binding
        if binding.action in GENERIC_ACTIONS or not binding.description or binding.description in seen:
            continue
        seen.add(binding.description)
        row = (app.get_key_display(binding), binding.description)
        if active.node is app:
            app_keys.append(row)
        elif active.node is under:
            screen_keys.append(row)
        elif binding.show:  # a focused widget's cursor keys are listed once under "Fields"
            focused_keys.append(row)
    title = getattr(under, "HELP_TITLE", type(under).__name__)
    groups = [
        (title, screen_keys),
        ("The focused field", focused_keys),
        ("Everywhere", app_keys + [("ctrl+p", "command palette: screens, wizards, exports, explainers")]),
    ]
    return [(name, rows) for name, rows in groups if rows]


class HelpScreen(IdspineModalScreen[None]):
    """Keys for the current screen, what it is for, and the secrets rule."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 90; height: 90%; border: thick $primary;
                            background: $surface; }
    HelpScreen #help-intro { padding: 0; }
    HelpScreen #help-keys { height: 1fr; padding: 0 1; }
    HelpScreen .help-group { text-style: bold; color: $text-accent; margin-top: 1; }
    HelpScreen .help-row { height: auto; }
    HelpScreen #help-secrets { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,f1,q,question_mark", "close", "Close")]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under
        self.groups = key_table(under)  # read now: once this screen is up, the bindings are its own

    def compose(self) -> ComposeResult:
        title = getattr(self.under, "HELP_TITLE", type(self.under).__name__)
        intro = getattr(self.under, "HELP_TEXT", "")
        with Vertical() as box:
            box.border_title = f"Help · {title}"
            with VerticalScroll(id="help-keys"):
                if intro:
                    yield Static(intro, id="help-intro", markup=False)
                for name, rows in self.groups:
                    yield Static(name, classes="help-group", markup=False)
                    width = max(len(k) for k, _ in rows) + 2
                    text = "\n".join(f"{k:<{width}}{d}" for k, d in rows)
                    yield Static(text, classes="help-row", markup=False)
                yield Static("Fields", classes="help-group")
                width = max(len(k) for k, _ in WIDGET_KEYS) + 2
                yield Static(
                    "\n".join(f"{k:<{width}}{d}" for k, d in WIDGET_KEYS), classes="help-row", markup=False
                )
                yield Static(SECRETS_NOTE, id="help-secrets", markup=False)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
