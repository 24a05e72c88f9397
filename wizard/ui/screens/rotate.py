"""The rotate dialog: confirm, then rotate a service principal's client secret with progress (the core Rotator).

Opened from the inspector (`t` on a service principal or one of its credentials). It shows what will happen
(wizard.providers.entra.rotate_plan), asks, then runs `wizard.providers.entra.rotate.Rotator` in a worker:
the same operation as `idspine rotate`, resumable the same way (a rotation stopped here or in a terminal
continues from its journal either way). The Graph token is the tenant's cached sign-in (the Entra screen's
`s`); new secrets go to the workspace's secret store, chosen as the CLI chooses it
(wizard.providers.secret_store: Key Vault with the signed-in account's token, or the env file); the proof asks
for a token with the new secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from wizard.ui.markup import esc, plain
from wizard.ui.screens.base import IdspineModalScreen
from wizard.ui.widgets.footer import Footer

if TYPE_CHECKING:
    from wizard.inventory_writer import Updated
    from wizard.model import Workspace
    from wizard.providers.entra.rotate_plan import RotationTarget
    from wizard.settings import Connections


def app_parts(ws: Workspace, conn: Connections, target: RotationTarget) -> dict[str, Any]:
    """Graph, the secret store, the proof and n8n for the app (ValueError says what is missing)."""
    from wizard.providers.entra.client import GraphClient
    from wizard.providers.entra.signin_chain import cached_token
    from wizard.providers.entra.signin_config import (
        SigninError,
        admin_scopes_for,
        signin_config_for,
        verify_scopes_for,
    )
    from wizard.providers.entra.verify import verification_tenant, verify_service_principal
    from wizard.providers.http_settings import build_client, http_settings_for
    from wizard.providers.secret_store import secret_sink_for, signed_in_vault_token

    sp = target.sp
    tenant = verification_tenant(ws, sp)
    try:
        token, _way = cached_token(
            signin_config_for(conn, tenant, public_fallback=True), admin_scopes_for(conn)
        )
    except SigninError as exc:
        raise ValueError(str(exc)) from None
    if token is None or not token.ok:
        raise ValueError(
            f"not signed in to {tenant}: sign in on the Entra screen (a, then s), then rotate again"
        )
    settings = http_settings_for(conn)

    def prove(secret: str) -> tuple[bool, str]:
        try:
            config = signin_config_for(conn, tenant, client_id=sp.app_id or "")
        except SigninError as exc:
            return False, str(exc)
        result = verify_service_principal(sp, config, secret, verify_scopes_for(conn))
        return result.ok, result.detail

    parts: dict[str, Any] = {
        "graph": GraphClient(conn.graph_url, build_client(settings), token.access_token, settings),
        "sink": secret_sink_for(
            ws,
            env_file=conn.secrets_file(),
            vault_token=lambda: signed_in_vault_token(conn),
            settings=settings,
            connections=conn,
        ),
        "prove": prove,
        "resolve": conn.resolve,
        "n8n": None,
    }
    if target.in_n8n:
        from wizard.providers.n8n.connect import open_n8n

        integ = ws.consultancy.integrations
        if not integ.n8n_url or not integ.n8n_api_key_ref:
            raise ValueError("this secret is used in n8n: set the n8n address and API key (n8n screen) first")
        parts["n8n"] = open_n8n(integ.n8n_url, integ.n8n_api_key_ref, conn)
    return parts


class RotateScreen(IdspineModalScreen[bool]):
    """Confirm and run one rotation; dismisses True when the inventory changed."""

    CSS_PATH = "rotate.tcss"
    BINDINGS = [
        Binding("y", "rotate", "Rotate now"),
        Binding("l", "learn", "Learn more"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, name: str):
        super().__init__()
        self.target_name = name
        self.running = False
        self.changed = False
        self.refused = False  # nothing to rotate here: the footer offers no "Rotate now"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"[b]Rotate {esc(self.target_name)}[/b]  [dim]dual-phase: the old secret goes last[/dim]",
                id="rotate-title",
            )
            with VerticalScroll(id="rotate-plan"):
                yield Static(id="rotate-plan-text", markup=False)
            yield Static(id="rotate-log", markup=False)
            yield Static(id="rotate-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        from wizard.providers.entra.rotate_plan import RotateRefused, render_plan
        from wizard.providers.secret_store import store_where

        ws = self.workspace_state.workspace
        try:
            lines = render_plan(
                ws, self.target_name, store_where=store_where(ws, self.connections.secrets_env_file)
            )
        except RotateRefused as exc:
            self._refuse(str(exc))
            self.query_one("#rotate-plan-text", Static).update(plain("Nothing to rotate."))
            return
        self.query_one("#rotate-plan-text", Static).update(plain("\n".join(lines)))
        if self.workspace_state.path is None:
            self._refuse("The demo workspace has no tenant: open an inventory file to rotate.")
            return
        self._status("y rotates now (killed or stopped, it resumes next time) · l explains · escape closes")

    def _refuse(self, why: str) -> None:
        self.refused = True
        self._status(why, error=True)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No "Rotate now" where there is nothing to rotate."""
        return not (action == "rotate" and self.refused)

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#rotate-status", Static)
        status.set_class(error, "problem")
        status.update(plain(text))

    def _log(self, line: str) -> None:
        log = self.query_one("#rotate-log", Static)
        log.display = True
        lines = [*str(log.render()).splitlines(), line][-8:] if str(log.render()).strip() else [line]
        log.update(plain("\n".join(lines)))

    def action_rotate(self) -> None:
        state = self.workspace_state
        if self.running or self.refused:
            return
        if state.path is None:
            self._status("The demo workspace has no tenant: open an inventory file to rotate.", error=True)
            return
        self.running = True
        self._status("rotating…")
        self.rotate()

    @work(thread=True, exclusive=True, group="rotate")
    def rotate(self) -> None:
        """The core rotation, off the UI thread; every line it says is shown as it comes."""
        from wizard.inventory import InventoryError
        from wizard.providers.entra.rotate import RotateFailed, Rotator
        from wizard.providers.entra.rotate_journal import JournalError
        from wizard.providers.entra.rotate_plan import RotateRefused, rotation_target
        from wizard.providers.errors import ProviderError
        from wizard.secrets.resolver import SecretUnavailable
        from wizard.secrets.sinks import SecretSinkError

        app, state, conn = self.app, self.workspace_state, self.connections
        ws = state.workspace.model_copy(deep=True)
        assert state.path is not None

        def keep(saved: Updated) -> None:
            """Under the session lock: the app's copy follows the file (or takes the rotated objects)."""
            if not state.dirty:
                state.written_elsewhere(saved.workspace, saved.digest)
                return
            _take_rotated(state.workspace, saved.workspace, self.target_name)

        try:
            target = rotation_target(ws, self.target_name)
            parts = build_parts(ws, conn, target)
            Rotator(
                ws=ws,
                path=state.path,
                say=lambda line: app.call_from_thread(self._log, line),
                lock=state.lock,
                after_save=keep,
                **parts,
            ).run(self.target_name)
        except (RotateRefused, JournalError, ValueError) as exc:
            app.call_from_thread(self._finished, f"Not rotated: {exc}", True)
            return
        except (RotateFailed, SecretSinkError, SecretUnavailable, InventoryError) as exc:
            app.call_from_thread(self._finished, f"Stopped: {exc}. Rotate again to resume.", True)
            return
        except ProviderError as exc:
            app.call_from_thread(self._finished, f"Stopped: {exc.message}. Rotate again to resume.", True)
            return
        self.changed = True
        app.call_from_thread(
            self._finished, "Rotated. The old secret is gone; the inventory is saved.", False
        )

    def _finished(self, text: str, error: bool) -> None:
        self.running = False
        self._status(text, error=error)

    def action_learn(self) -> None:
        from wizard.providers.entra.rotate_plan import EXPLAINER

        self.idspine.open_screen("explainers", topic=EXPLAINER)

    def action_close(self) -> None:
        if self.running:
            self._status(
                "A rotation is running; it finishes its step first (or resumes next time).", error=True
            )
            return
        self.dismiss(self.changed)


def build_parts(ws: Workspace, conn: Connections, target: RotationTarget) -> dict[str, Any]:
    """What the dialog rotates with (tests put stand-ins here)."""
    return app_parts(ws, conn, target)


def _take_rotated(into: Workspace, saved: Workspace, name: str) -> None:
    """Copy the rotated service principal and its credentials from *saved* into the app's (changed) copy."""
    sp = saved.service_principal(name) or next(
        (saved.service_principal(c.identity) for c in saved.credentials if c.id == name), None
    )
    if sp is None:
        return
    into.service_principals = [sp if s.name == sp.name else s for s in into.service_principals]
    fresh = {c.id: c for c in saved.credentials if c.identity == sp.name}
    into.credentials = [fresh.get(c.id, c) for c in into.credentials]
