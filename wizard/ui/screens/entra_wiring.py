"""The Entra screen: sign in with a device code, review the plan, apply it with progress, verify identities."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static

from wizard.ui.fit import clip, lead
from wizard.ui.markup import safe_content

STATUS_STYLE = {"created": "green", "adopted": "cyan", "exists": "cyan", "updated": "green", "manual": "yellow",
                "failed": "red", "running": "blue"}


def _link(text: str) -> str:
    """The first https:// address in a text, or ''."""
    match = re.search(r"https://\S+", text)
    return match.group().rstrip(".,;)") if match else ""


class RevealingSink:
    """Hands each new secret to the real store, and keeps it in memory only until it has been shown once."""

    def __init__(self, sink: Any):
        self.sink = sink
        self.new: list[tuple[str, str, str]] = []  # (name, value, reference)

    def store(self, name: str, value: str, expires: dt.datetime | None = None) -> str:
        ref = self.sink.store(name, value, expires)
        self.new.append((name, value, ref))
        return ref


class EntraScreen(Screen[None]):
    """Carry out the plan in Entra: sign-in, plan, apply, verify."""

    CSS_PATH = "wiring.tcss"
    HELP_TITLE = "Entra"
    HELP_TEXT = ("Sign in with a device code (enter the code on any device), review what the plan will create, "
                 "apply it — each step is recorded in the inventory as it succeeds, and a rerun continues where a "
                 "failure stopped — then verify that a service principal's secret really gets a token.")
    BINDINGS = [
        Binding("s", "signin", "Sign in"),
        Binding("b", "browser_signin", "Browser sign-in", show=False),
        Binding("p", "plan", "Plan"),
        Binding("a", "apply", "Apply"),
        Binding("v", "verify", "Verify"),
        Binding("c", "copy_code", "Copy code", show=False),
        Binding("y", "copy_link", "Copy link", show=False),  # the highlighted step's address (consent links)
        Binding("f3", "explain", "Explainer", show=False),  # named in the summary panel; the footer must fit 80
        Binding("escape", "leave", "Back"),  # also cancels a waiting sign-in (see the help text)
    ]

    def __init__(self) -> None:
        super().__init__()
        self.token = ""
        self.account = ""
        self.device: Any = None  # the DeviceCode while a sign-in is waiting
        self.plan: Any = None
        self._countdown: Timer | None = None
        self._planned: object = None  # the workspace object the plan was built from

    def on_screen_resume(self) -> None:
        """Back from a wizard that changed the workspace: re-plan (not while applying, not after our own apply)."""
        ws = self.app.state.workspace  # type: ignore[attr-defined]
        busy = any(w.node is self and w.is_running for w in self.app.workers)
        if self._planned is not None and self._planned is not ws and not busy:
            self.show_summary()
            self.action_plan()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="wiring-body"):
            yield Static(id="wiring-summary", classes="panel")
            yield Static(id="device", classes="panel")
            with Vertical(classes="panel", id="wiring-table-box"):
                yield DataTable(id="wiring-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="step-detail")
            yield ProgressBar(id="apply-progress", show_eta=False)
            yield Static(id="wiring-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#wiring-summary").border_title = "Entra ID"
        self.query_one("#device").border_title = "Sign in"
        self.query_one("#device").display = False
        self.query_one("#apply-progress").display = False
        self.query_one("#wiring-table-box").border_title = "Plan"
        table = self.query_one(DataTable)
        table.add_column("#", key="n")
        table.add_column("what", key="what")
        table.add_column("status", key="status")
        self.show_summary()
        self.action_plan()

    @property
    def tenant(self) -> str:
        return self.app.state.workspace.consultancy.home_tenant  # type: ignore[attr-defined]

    def show_summary(self) -> None:
        conn = self.app.connections  # type: ignore[attr-defined]
        where = conn.oidc_authority or f"https://login.microsoftonline.com/{self.tenant or '<tenant>'}"
        who = f"signed in{f' as {self.account}' if self.account else ''}" if self.token else "not signed in"
        self.query_one("#wiring-summary", Static).update(safe_content(
            f"Tenant: {self.tenant or '[b]not set[/b]'}   Authority: {where}\nStatus: {who}\n"
            "[dim]s sign in (device code) · b browser sign-in · p plan · a apply · v verify the selected "
            "identity · f3 what is a service principal?[/dim]"))

    # ------------------------------------------------------------------ sign-in (device code)

    def action_signin(self) -> None:
        self._status("[dim]asking the IdP for a device code…[/dim]")
        self.start_signin()

    @work(thread=True, exclusive=True, group="entra-signin")
    def start_signin(self) -> None:
        """Start the device code flow, show the code, then wait for the user in this worker."""
        from wizard.signin import DeviceSignin, SigninError, silent_token

        app = self.app
        conn = app.connections  # type: ignore[attr-defined]
        try:
            config = conn.signin_config(self.tenant)
            cached = silent_token(config, conn.scopes_for_admin())
            if cached is not None and cached.ok:
                app.call_from_thread(self._signed_in, cached.access_token, cached.account, "from the token cache")
                return
            signin = DeviceSignin(config, conn.scopes_for_admin())
            code = signin.start()
            app.call_from_thread(self._show_code, code)
            result = signin.finish(code)
        except SigninError as exc:
            app.call_from_thread(self._status, str(exc), True)
            app.call_from_thread(self._hide_code)
            return
        app.call_from_thread(self._hide_code)
        if result.ok:
            app.call_from_thread(self._signed_in, result.access_token, result.account, "")
        else:
            app.call_from_thread(self._status, f"Sign-in did not complete: {result.detail}", True)

    def action_browser_signin(self) -> None:
        """Sign in through the system browser (code flow with PKCE), where a browser exists."""
        from wizard.signin import browser_available

        if not browser_available():
            self._status("No browser here: use the device code sign-in (s).", True)
            return
        self._status("[dim]waiting for the browser sign-in…[/dim]")
        self.browser_signin()

    @work(thread=True, exclusive=True, group="entra-signin")
    def browser_signin(self) -> None:
        from wizard.signin import SigninError, interactive_signin

        app = self.app
        conn = app.connections  # type: ignore[attr-defined]
        try:
            result = interactive_signin(conn.signin_config(self.tenant), conn.scopes_for_admin())
        except SigninError as exc:
            app.call_from_thread(self._status, str(exc), True)
            return
        if result.ok:
            app.call_from_thread(self._signed_in, result.access_token, result.account, "browser")
        else:
            app.call_from_thread(self._status, f"Sign-in did not complete: {result.detail}", True)

    def _show_code(self, code: Any) -> None:
        self.device = code
        box = self.query_one("#device", Static)
        box.display = True
        self._tick()
        self._countdown = self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        code = self.device
        if code is None:
            return
        left = code.seconds_left(time.time())
        self.query_one("#device", Static).update(
            f"Open [b]{code.verification_uri}[/b] on any device and enter\n\n    [b reverse] {code.user_code} [/]\n\n"
            f"Expires in {left // 60}:{left % 60:02d} · c copies the code · escape cancels")

    def _hide_code(self) -> None:
        self.device = None
        if self._countdown is not None:
            self._countdown.stop()
        self.query_one("#device").display = False

    def _signed_in(self, token: str, account: str, how: str) -> None:
        self.token, self.account = token, account
        self.show_summary()
        self._status(f"Signed in{f' ({how})' if how else ''}. Press a to apply the plan.")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.plan is not None and event.row_key.value:
            self._show_step(self.plan.step(str(event.row_key.value)))

    def on_resize(self) -> None:
        """Shorten the summaries again for the new width (statuses stay)."""
        self.call_after_refresh(self._fit_summaries)

    def _what_width(self) -> int:
        table = self.query_one(DataTable)
        steps = len(self.plan.steps) if self.plan else 1
        return max(20, (table.scrollable_content_region.width or self.app.size.width - 10) - len(str(steps)) - 15)

    def _fit_summaries(self) -> None:
        table = self.query_one(DataTable)
        if self.plan is None:
            return
        room = self._what_width()
        for step in self.plan.steps:
            with contextlib.suppress(Exception):  # a row missing while the plan changes: cosmetic
                table.update_cell(step.key, "what", clip(step.summary, room))
        self._show_step(self._highlighted())

    def _highlighted(self) -> Any:
        table = self.query_one(DataTable)
        if self.plan is None or not table.row_count:
            return None
        return self.plan.step(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""))

    def _show_step(self, step: Any) -> None:
        """The highlighted step in full, wrapped so an address breaks only after / ? & (y copies it)."""
        box = self.query_one("#step-detail", Static)
        if step is None:
            box.update("")
            return
        link = " · y copies the link" if _link(step.summary) else ""
        box.update(lead(f"[b]{escape(step.key)}[/]: ", f"{step.key}: ", step.summary, box.size.width or 70)
                   + f"[dim]{link}[/]")

    def action_copy_link(self) -> None:
        """Copy the address in the highlighted step (an admin consent link, for example)."""
        step = self._highlighted()
        url = _link(step.summary) if step else ""
        if url:
            self.app.copy_to_clipboard(url)
            self.notify("Link copied")
        else:
            self.notify("This step has no link to copy.", timeout=3)

    def action_copy_code(self) -> None:
        if self.device is not None:
            self.app.copy_to_clipboard(self.device.user_code)
            self.notify("Code copied")

    # ------------------------------------------------------------------ plan and apply

    def action_plan(self) -> None:
        """Build the plan from the inventory and list its steps."""
        from wizard.entra_plan import build_plan

        ws = self.app.state.workspace  # type: ignore[attr-defined]
        self._planned = ws
        self.plan = build_plan(ws, self.tenant or None)
        table = self.query_one(DataTable)
        table.clear()
        # the summary is shortened at a word to fit beside # and status; the highlighted step shows in full below
        room = self._what_width()
        for i, step in enumerate(self.plan.steps, 1):
            table.add_row(str(i), clip(step.summary, room),
                          "[yellow]manual[/]" if step.manual else "planned", key=step.key)
        self._show_step(self.plan.steps[0] if self.plan.steps else None)
        auto, manual = len(self.plan.automatic), len(self.plan.manual)
        self.query_one("#wiring-table-box").border_title = f"Plan: {auto} automatic, {manual} manual"

    def action_apply(self) -> None:
        if not self.token:
            self._status("Sign in first (s).", True)
            return
        if self.plan is None:
            self.action_plan()
        bar = self.query_one("#apply-progress", ProgressBar)
        bar.display = True
        bar.update(total=len(self.plan.steps), progress=0)
        self._status("[dim]applying…[/dim]")
        self.apply()

    @work(thread=True, exclusive=True, group="entra-apply")
    def apply(self) -> None:
        """Run the plan; the inventory is saved after every step, so a failure can simply be re-run."""
        from wizard.entra_apply import apply_plan
        from wizard.inventory import InventoryError
        from wizard.providers.graph import GraphClient
        from wizard.providers.http_safety import build_client
        from wizard.secret_sink import EnvFileSink

        app = self.app
        state, conn = app.state, app.connections  # type: ignore[attr-defined]
        ws = state.workspace.model_copy(deep=True)
        settings = conn.http_settings()
        graph = GraphClient(conn.graph_url, build_client(settings), self.token, settings)
        sink = RevealingSink(EnvFileSink(conn.secrets_file()))

        def progress(index: int, total: int, step: Any, status: str) -> None:
            if status != "running":
                state.workspace = ws
                state.save()
            app.call_from_thread(self._step_status, index, step.key, status)

        try:
            report = apply_plan(ws, self.plan, graph, sink=sink, progress=progress)
        except InventoryError as exc:
            app.call_from_thread(self._status, f"Stopped: the inventory could not be saved ({exc})", True)
            return
        app.call_from_thread(self._applied, report, sink.new)

    def _step_status(self, index: int, key: str, status: str) -> None:
        table = self.query_one(DataTable)
        style = STATUS_STYLE.get(status, "white")
        try:
            table.update_cell(key, "status", f"[{style}]{status}[/]")
            table.move_cursor(row=index - 1)
        except Exception:  # noqa: BLE001 - a row may be missing if the plan changed; progress is cosmetic
            pass
        if status != "running":
            self.query_one("#apply-progress", ProgressBar).update(progress=index)

    def _applied(self, report: Any, new_secrets: list[tuple[str, str, str]]) -> None:
        from wizard.ui.screens.secret_reveal import SecretRevealScreen

        self._planned = self.app.state.workspace  # type: ignore[attr-defined]  # our own result: keep statuses
        summary = report.render_text().strip().splitlines()[-1]
        if report.stopped_at:
            summary = f"Stopped at {report.stopped_at}: {report.error}\nRun apply again to continue from there."
        self._status(summary, not report.ok)
        for name, value, ref in reversed(new_secrets):
            self.app.push_screen(SecretRevealScreen(name, value, ref))
        new_secrets.clear()

    # ------------------------------------------------------------------ verify

    def action_verify(self) -> None:
        table = self.query_one(DataTable)
        name = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
            step = self.plan.step(key) if self.plan else None
            name = step.subject if step else None
        ws = self.app.state.workspace  # type: ignore[attr-defined]
        sp = ws.service_principal(name) if name else None
        if sp is None or not sp.app_id or not sp.secret_ref:
            candidates = [s for s in ws.service_principals if s.app_id and s.secret_ref]
            sp = candidates[0] if candidates else None
        if sp is None:
            self._status("No service principal with an app id and a secret reference yet: apply first.", True)
            return
        self._status(f"[dim]asking for a token as {sp.name}…[/dim]")
        self.verify(sp.name)

    @work(thread=True, exclusive=True, group="entra-verify")
    def verify(self, name: str) -> None:
        """Client credentials with the identity's own secret; the IdP's answer is recorded in the inventory."""
        from wizard.inventory import InventoryError
        from wizard.model import Verification
        from wizard.secret_guard import find_secret_kind
        from wizard.secret_resolver import SecretUnavailable
        from wizard.signin import SigninError, client_credentials

        app = self.app
        state, conn = app.state, app.connections  # type: ignore[attr-defined]
        ws = state.workspace.model_copy(deep=True)
        sp = ws.service_principal(name)
        assert sp is not None and sp.app_id and sp.secret_ref
        client = ws.client(sp.client) if sp.client else None
        tenant = (client.tenant if client and client.tenant else "") or self.tenant
        try:
            config = conn.signin_config(tenant, client_id=sp.app_id)
            result = client_credentials(config, conn.resolve(sp.secret_ref), conn.scopes_for_verify())
            ok, detail = result.ok, result.detail
        except (SigninError, SecretUnavailable) as exc:
            ok, detail = False, str(exc)
        if find_secret_kind(detail):
            detail = "the IdP's answer looked like it contained a secret and was not recorded"
        sp.verification = Verification(at=dt.datetime.now(dt.UTC).replace(microsecond=0), ok=ok,
                                       detail=detail[:300])
        try:
            state.workspace = ws
            state.save()
        except InventoryError as exc:
            app.call_from_thread(self._status, f"Verified, but the result was not saved: {exc}", True)
            return
        app.call_from_thread(self._status, f"{name}: {'works' if ok else 'FAILED'} — {detail}", not ok)

    # ------------------------------------------------------------------ misc

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#wiring-status", Static)
        status.set_class(error, "problem")
        status.update(safe_content(text))  # provider messages may hold [ ]

    def action_explain(self) -> None:
        self.app.open_screen("explainers", topic="service-principals")  # type: ignore[attr-defined]

    def action_leave(self) -> None:
        if self.device is not None:  # cancel a waiting sign-in rather than leave it running
            self.device.cancel()
            self._hide_code()
            self._status("Sign-in cancelled.")
            return
        self.dismiss()
