"""The idspine Textual app: loads the workspace in a worker, then opens the home screen."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import LoadingIndicator

from wizard.session import WorkspaceState, load_state

if TYPE_CHECKING:
    from wizard.audit import Finding
    from wizard.settings import Connections
from wizard.ui import heap
from wizard.ui.commands import ExplainerSearch, idspine_commands
from wizard.ui.markup import esc, plain

THEMES = {"dark": "textual-dark", "light": "textual-light"}


class LoadingScreen(Screen[None]):
    """Shown for the moment the workspace takes to load.

    No Header here: it is replaced within milliseconds, and a Header still mounting when its screen goes
    away raises inside Textual.
    """

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()


class IdspineApp(App[None]):
    """A teaching wizard for a consultant's identities and credentials."""

    TITLE = "idspine"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses defined anywhere find it
    COMMANDS = App.COMMANDS | {ExplainerSearch}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),  # not priority: a focused Input still gets '?'
        Binding("ctrl+s", "save", "Save"),
        Binding("f10", "toggle_theme", "Theme", show=False),
    ]

    def __init__(
        self,
        path: Path | str = "idspine.toml",
        demo: bool = False,
        today: dt.date | None = None,
        theme: str | None = None,
        connections: Connections | None = None,
    ):
        super().__init__()
        self._connections = connections  # built on first use (wizard.settings is not needed to paint)
        self.path = Path(path)
        self.demo = demo
        self.today = today or dt.date.today()
        self._initial_theme = THEMES.get(theme or "dark", "textual-dark")
        self.state: WorkspaceState | None = None
        self._audit: tuple[tuple[int, int, dt.date], list[Finding]] | None = None
        self._audit_lock = threading.Lock()  # one audit at a time: a second caller waits and reuses it
        self.warmed = threading.Event()  # set once warm_up() has imported the screens
        self._ended = False

    @property
    def connections(self) -> Connections:
        """Where the services are and how to reach them (from the environment unless given)."""
        if self._connections is None:
            from wizard.settings import Connections

            self._connections = Connections()
        return self._connections

    def on_mount(self) -> None:
        self.theme = self._initial_theme
        from wizard import inventory_preview

        # The demo, or a small inventory, is painted from a preview (no model, no validation) while the
        # worker loads and validates it; nothing opens or saves until it has (wizard/inventory_preview.py).
        preview = inventory_preview.demo() if self.demo else inventory_preview.of_file(self.path)
        if preview is None:
            self.push_screen(LoadingScreen())
        else:
            from wizard.ui.screens.home import HomeScreen

            self.push_screen(HomeScreen(preview))
            self.call_after_refresh(self._first_frame)
            self.call_after_refresh(self.load_workspace)  # after the first frame, not competing with it
            return
        self.load_workspace()

    @work(thread=True, exclusive=True, group="load")
    def load_workspace(self) -> None:
        """Read the inventory off the UI thread."""
        from wizard.inventory import InventoryError

        try:
            state = load_state(self.path, self.demo, self.today)
        except InventoryError as exc:
            from wizard.ui.screens.error import quote_line

            backup = exc.path.with_name(exc.path.name + ".bak")
            restore = f" (or restore {backup}, the copy kept by the last save)" if backup.exists() else ""
            self.call_from_thread(
                self.show_error,
                "The inventory cannot be opened",
                str(exc),
                f"Nothing was changed. Fix the file at the line shown{restore}, then start "
                "idspine again. `idspine check` reports the same from the command line.",
                quote_line(exc.path, exc.line),
            )
            return
        except OSError as exc:
            self.call_from_thread(
                self.show_error,
                "The inventory cannot be read",
                f"{self.path}: {exc.strerror}",
                "Check the path and its permissions.",
            )
            return
        self.call_from_thread(self._loaded, state)

    def _loaded(self, state: WorkspaceState) -> None:
        from wizard.ui.screens.home import HomeScreen

        self.state = state
        self.sub_title = "demo workspace" if state.is_demo else plain(state.path).plain
        if isinstance(self.screen, HomeScreen):  # the preview: the same screen takes the workspace
            self.screen.workspace_loaded()
        else:
            self.switch_screen(HomeScreen())
        if state.is_new:
            from wizard.ui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(state.path))
        self.call_after_refresh(self._first_frame)
        self.call_after_refresh(self.first_screen_shown)
        self.call_after_refresh(self.warm_up)

    def _first_frame(self) -> None:
        if not getattr(self, "_painted", False):
            self._painted = True
            self.first_frame_painted()

    def first_frame_painted(self) -> None:
        """Called once, when the home screen has first rendered: from the preview, or from the loaded
        workspace when there is no preview (the start-up benchmark times up to here)."""

    def audit_findings(self) -> list[Finding]:
        """The audit of the open workspace, run once per revision and shared by the screens (at 10,000
        credentials an audit is a few hundred milliseconds: home and the inspector need not both pay it)."""
        from wizard.audit import run_audit

        state = self.state
        assert state is not None
        key = (id(state.workspace), state.revision, state.today)
        with self._audit_lock:  # home's audit worker and the inspector's often ask at once at start-up
            cached = self._audit
            if cached is not None and cached[0] == key:
                return cached[1]
            findings = run_audit(state.workspace, state.today)
            self._audit = (key, findings)
            return findings

    def first_screen_shown(self) -> None:
        """Called once the home screen has rendered with the loaded workspace."""

    def on_unmount(self) -> None:
        """The app ends: everything frozen goes back to the collector (tests run many apps in one process)."""
        self._ended = True
        heap.thaw()

    def warm_up(self) -> None:
        """Once the first screen is painted: import every screen's module and read the catalogue and the
        explainers in a background thread, so that opening a screen later costs no imports (100-200 ms each
        the first time). `warmed` is set when done.

        A daemon thread rather than a worker: nothing waits for it (not the app's exit, not a test waiting
        for the app's workers). Nothing here is network code (msal and httpx load when a provider is first
        used), nothing touches the workspace, and a failure only means a screen pays for its own import.
        """
        if self.warmed.is_set() or getattr(self, "_warming", False):
            return
        self._warming = True

        def run() -> None:
            from wizard.ui import screens

            try:
                for route in screens.ROUTES:
                    screens.screen_class(route)
                from wizard import explainer_library
                from wizard.catalogue import load_catalogue

                load_catalogue()
                explainer_library.all_explainers()
            except Exception:  # noqa: BLE001, S110 - an optimisation; each screen reports its own errors
                pass
            finally:
                if not self._ended:  # what is alive now lives long: out of full collections' way (ui/heap.py)
                    heap.settle()
                self.warmed.set()

        threading.Thread(target=run, name="idspine-warm-up", daemon=True).start()

    def show_error(self, title: str, message: str, hint: str, context: str = "") -> None:
        """Replace whatever is showing with a readable error panel."""
        from wizard.ui.screens.error import ErrorScreen

        self.switch_screen(ErrorScreen(title, message, hint, context))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide Save while there is no workspace (loading, or the error screen)."""
        return not (action == "save" and self.state is None)

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        from wizard.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        """Quit at once, or first ask when a real workspace has changes not yet saved."""
        from wizard.ui.screens.confirm_quit import ConfirmQuitScreen

        if self.state is None or not self.state.unsaved_changes:
            self.exit()
        elif not isinstance(self.screen, ConfirmQuitScreen):
            self.push_screen(ConfirmQuitScreen(), lambda quit_anyway: self.exit() if quit_anyway else None)

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]

    def action_save(self) -> None:
        """Save the workspace in a worker."""
        if self.state is not None:
            self.save_workspace()

    @work(thread=True, group="save")  # not exclusive: a cancelled save would be lost
    def save_workspace(self) -> None:
        """Write the inventory off the UI thread; errors become notifications, never tracebacks."""
        from wizard.inventory import InventoryError

        assert self.state is not None
        try:
            message = self.state.save()
        except InventoryError as exc:
            self.call_from_thread(self.notify, esc(exc), title="Not saved", severity="error", timeout=10)
            return
        self.call_from_thread(self.notify, esc(message), title="Saved")

    def open_screen(self, name: str, **kwargs: object) -> None:
        """Open one of the app's screens by name (used by bindings and the command palette)."""
        from wizard.ui import screens

        if self.state is None:
            return
        self.push_screen(screens.build(name, **kwargs))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.state is not None:
            yield from idspine_commands(self)

    def export_checklist(self) -> None:
        """Write the checklist to a file next to the inventory (or the working folder for the demo)."""
        self.export_file("checklist")

    def export_file(self, fmt: str, client: str | None = None) -> None:
        """Write one export (checklist, az, terraform, csv or offboarding) next to the inventory."""
        self._export_file(fmt, client)

    @work(thread=True, group="export")
    def _export_file(self, fmt: str, client: str | None) -> None:
        from wizard.export import EXPORTS
        from wizard.files import write_text_atomic

        assert self.state is not None
        ws, today = self.state.workspace, self.state.today
        export = EXPORTS[fmt]
        folder = self.state.path.parent if self.state.path else Path.cwd()
        target = folder / export.file_name(client, ws)
        try:
            text = export.render(ws, client=client, today=today)
            write_text_atomic(target, text, mode=export.mode)
        except (OSError, KeyError, ValueError) as exc:
            self.call_from_thread(
                self.notify,
                esc(f"{target}: {getattr(exc, 'strerror', None) or exc}"),
                title="Export failed",
                severity="error",
            )
            return
        self.call_from_thread(self.notify, esc(f"Wrote {target}"), title="Exported")
