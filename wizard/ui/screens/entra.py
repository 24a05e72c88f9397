"""The Entra screen: per tenant, sign in with a device code, review the plan, apply it with progress; verify.

Objects live in the tenant wizard.placement gives them; the plan has one section per tenant and the screen
keeps one sign-in (token) per tenant: `s` signs in to the tenant of the selected row, and apply runs each
tenant's steps with that tenant's own token only.
"""

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
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static

from wizard.ui.fit import clip, lead
from wizard.ui.markup import cell, esc, plain, safe_content
from wizard.ui.markup import esc as escape

STATUS_STYLE = {
    "created": "green",
    "adopted": "cyan",
    "exists": "cyan",
    "updated": "green",
    "manual": "yellow",
    "failed": "red",
    "running": "blue",
}


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
    HELP_TEXT = (
        "The plan has one section per tenant (your home tenant, and each client tenant that holds apps). "
        "Select a row and press s to sign in to its tenant with a device code (enter the code on any "
        "device); apply needs a sign-in for every tenant with automatic steps and uses each tenant's token "
        "only for that tenant. Each step is recorded in the inventory as it succeeds, and a rerun continues "
        "where a failure stopped; then verify that a service principal's secret really gets a token."
    )
    BINDINGS = [
        Binding("s", "signin", "Sign in"),
        Binding("b", "browser_signin", "Browser sign-in", show=False),
        Binding("p", "plan", "Plan"),
        Binding("a", "apply", "Apply"),
        Binding("v", "verify", "Verify"),
        Binding("c", "copy_code", "Copy code", show=False),
        Binding("y", "copy_link", "Copy link", show=False),  # the highlighted step's address (consent links)
        Binding(
            "f3", "explain", "Explainer", show=False
        ),  # named in the summary panel; the footer must fit 80
        Binding("escape", "leave", "Back"),  # also cancels a waiting sign-in (see the help text)
    ]

    def __init__(self) -> None:
        from wizard.providers.entra.tenant_tokens import TenantTokens

        super().__init__()
        self.tokens = TenantTokens()
        self.accounts: dict[str, str] = {}  # tenant key -> the account signed in there
        self.device: Any = None  # the DeviceCode while a sign-in is waiting
        self.plans: list[Any] = []
        self.plan: Any = None  # the plan of the selected row (the tenant `s` signs in to)
        self._signing: Any = None  # the plan whose tenant the running sign-in is for
        self._countdown: Timer | None = None
        self._wait: tuple[float, str, str] | None = None  # (until, step key, why) while apply waits to retry
        self._wait_timer: Timer | None = None
        self._planned: object = None  # the workspace object the plan was built from

    @property
    def token(self) -> str:
        """The token of the selected tenant ('' when not signed in there)."""
        return self.tokens.get(self.plan.key) or "" if self.plan is not None else ""

    @token.setter
    def token(self, value: str) -> None:
        """Record *value* as the selected tenant's token (what a sign-in there does)."""
        if self.plan is not None:
            self.tokens.put(self.plan.key, self.plan.tenant, value, self.plan.title)

    @property
    def account(self) -> str:
        return self.accounts.get(self.plan.key, "") if self.plan is not None else ""

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
        table.add_column("tenant", key="tenant")
        table.add_column("what", key="what")
        table.add_column("status", key="status")
        self.action_plan()
        self.show_summary()

    @property
    def tenant(self) -> str:
        """The tenant `s` signs in to: the selected row's (else the home tenant)."""
        if self.plan is not None:
            return str(self.plan.tenant)
        return self.app.state.workspace.consultancy.home_tenant  # type: ignore[attr-defined]

    def show_summary(self) -> None:
        conn = self.app.connections  # type: ignore[attr-defined]
        where = conn.oidc_authority or f"https://login.microsoftonline.com/{self.tenant or '<tenant>'}"
        lines = []
        for plan in self.plans or ([self.plan] if self.plan is not None else []):
            token = self.tokens.get(plan.key)
            who = self.accounts.get(plan.key, "")
            state = f"signed in{f' as {who}' if who else ''}" if token else "not signed in"
            mark = "▶ " if self.plan is not None and plan.key == self.plan.key else "  "
            lines.append(
                f"{mark}{esc(plan.title)}: {len(plan.automatic)} automatic, {len(plan.manual)} manual "
                f"— {esc(state)}"
            )
        title = esc(self.plan.title) if self.plan is not None else "your home tenant"
        self.query_one("#wiring-summary", Static).update(
            safe_content(
                "\n".join(lines or ["Nothing to plan."])
                + f"\n[b]s[/b] signs in to {title} (authority {esc(where)})\n"
                "[dim]s sign in to the selected row's tenant (device code) · b browser sign-in · p plan · a apply "
                "every tenant · v verify the selected identity · f3 what is a service principal?[/dim]"
            )
        )

    # ------------------------------------------------------------------ sign-in (device code)

    def action_signin(self) -> None:
        self._signing = self.plan
        self._status(f"asking the IdP for a device code for {self.tenant or 'the tenant'}…", busy=True)
        self.start_signin()

    @work(thread=True, exclusive=True, group="entra-signin")
    def start_signin(self) -> None:
        """Start the device code flow, show the code, then wait for the user in this worker."""
        from wizard.providers.entra.signin import DeviceSignin, SigninError, silent_token

        app = self.app
        conn = app.connections  # type: ignore[attr-defined]
        try:
            config = conn.signin_config(self.tenant)
            cached = silent_token(config, conn.scopes_for_admin())
            if cached is not None and cached.ok:
                app.call_from_thread(
                    self._signed_in, cached.access_token, cached.account, "from the token cache"
                )
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
        from wizard.providers.entra.signin import browser_available

        if not browser_available():
            self._status("No browser here: use the device code sign-in (s).", True)
            return
        self._signing = self.plan
        self._status("waiting for the browser sign-in…", busy=True)
        self.browser_signin()

    @work(thread=True, exclusive=True, group="entra-signin")
    def browser_signin(self) -> None:
        from wizard.providers.entra.signin import SigninError, interactive_signin

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
            f"Open [b]{esc(code.verification_uri)}[/b] on any device and enter\n\n    [b reverse] {esc(code.user_code)} [/]\n\n"
            f"Expires in {left // 60}:{left % 60:02d} · c copies the code · escape cancels"
        )

    def _hide_code(self) -> None:
        self.device = None
        if self._countdown is not None:
            self._countdown.stop()
        self.query_one("#device").display = False

    def _signed_in(self, token: str, account: str, how: str) -> None:
        from wizard.providers.entra.tenant_tokens import TokenMismatch

        plan = self._signing or self.plan
        key, title = (plan.key, plan.title) if plan is not None else ("home", "your home tenant")
        try:
            self.tokens.put(key, plan.tenant if plan is not None else self.tenant, token, title)
        except TokenMismatch as exc:
            self._status(str(exc), True)
            return
        self.accounts[key] = account
        self.show_summary()
        missing = [p.title for p in self.plans if p.automatic and not self.tokens.get(p.key)]
        nxt = (
            f" Still to sign in: {'; '.join(missing)} (select its rows, press s)."
            if missing
            else " Press a to apply the plan."
        )
        self._status(f"Signed in to {title}{f' ({how})' if how else ''}.{nxt}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The selected row's tenant is the one `s` signs in to; its step shows in full below the table."""
        key = str(event.row_key.value) if event.row_key is not None and event.row_key.value else ""
        plan = self._plan_of_step(key) if key else None
        if plan is not None and (self.plan is None or plan.key != self.plan.key):
            self.plan = plan
            self.show_summary()
        if plan is not None:
            self._show_step(plan.step(key))

    def on_resize(self) -> None:
        """Shorten the summaries again for the new width (statuses stay)."""
        self.call_after_refresh(self._fit_summaries)

    def _what_width(self) -> int:
        table = self.query_one(DataTable)
        steps = sum(len(p.steps) for p in self.plans) or 1
        tenant = max((len(self._short(p)) for p in self.plans), default=6)
        return max(
            20,
            (table.scrollable_content_region.width or self.app.size.width - 10)
            - len(str(steps))
            - tenant
            - 17,
        )

    def _fit_summaries(self) -> None:
        table = self.query_one(DataTable)
        if not self.plans:
            return
        room = self._what_width()
        for step in (step for plan in self.plans for step in plan.steps):
            with contextlib.suppress(Exception):  # a row missing while the plan changes: cosmetic
                table.update_cell(step.key, "what", clip(step.summary, room))
        self._show_step(self._highlighted())

    def _highlighted(self) -> Any:
        table = self.query_one(DataTable)
        if not self.plans or not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")
        plan = self._plan_of_step(key)
        return plan.step(key) if plan is not None else None

    def _show_step(self, step: Any) -> None:
        """The highlighted step in full, wrapped so an address breaks only after / ? & (y copies it)."""
        box = self.query_one("#step-detail", Static)
        if step is None:
            box.update("")
            return
        link = " · y copies the link" if _link(step.summary) else ""
        box.update(
            lead(f"[b]{escape(step.key)}[/]: ", f"{step.key}: ", step.summary, box.size.width or 70)
            + f"[dim]{link}[/]"
        )

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
        """Build the per-tenant plans from the inventory and list their steps, a tenant column on each row."""
        from wizard.providers.entra.plan import build_plans

        keep = self.plan.key if self.plan is not None else None
        ws = self.app.state.workspace  # type: ignore[attr-defined]
        self._planned = ws
        self.plans = build_plans(ws)
        self.plan = next((p for p in self.plans if p.key == keep), self.plans[0] if self.plans else None)
        table = self.query_one(DataTable)
        table.clear()
        # the summary is shortened at a word to fit beside #, tenant and status; the highlighted step shows in
        # full below
        room = self._what_width()
        i = 0
        for plan in self.plans:
            for step in plan.steps:
                i += 1
                table.add_row(
                    str(i),
                    cell(self._short(plan)),
                    cell(clip(step.summary, room)),
                    "[yellow]manual[/]" if step.manual else "planned",
                    key=step.key,
                )
        first = next((p.steps[0] for p in self.plans if p.steps), None)
        self._show_step(self._highlighted() or first)
        auto = sum(len(p.automatic) for p in self.plans)
        manual = sum(len(p.manual) for p in self.plans)
        self.query_one("#wiring-table-box").border_title = (
            f"Plan: {len(self.plans)} tenant(s), {auto} automatic, {manual} manual"
        )

    @staticmethod
    def _short(plan: Any) -> str:
        """The tenant column: 'home' or the client's slug."""
        return "home" if plan.key == "home" else str(plan.key).removeprefix("client:")

    def _plan_of_step(self, key: str) -> Any:
        return next((p for p in self.plans if p.step(key) is not None), None)

    def action_apply(self) -> None:
        if not self.plans:
            self.action_plan()
        todo = [p for p in self.plans if p.steps]
        unrecorded = [p.title for p in todo if p.automatic and not p.tenant]
        if unrecorded:
            self._status(f"{'; '.join(unrecorded)}: record the tenant id or domain first.", True)
            return
        missing = [p.title for p in todo if p.automatic and not self.tokens.get(p.key)]
        if missing:
            self._status(
                f"Sign in first to: {'; '.join(missing)} (select a row of that tenant, press s).", True
            )
            return
        bar = self.query_one("#apply-progress", ProgressBar)
        bar.display = True
        bar.update(total=sum(len(p.steps) for p in todo), progress=0)
        self._status("applying…", busy=True)
        self.apply()

    @work(thread=True, exclusive=True, group="entra-apply")
    def apply(self) -> None:
        """Run the plan; the inventory is saved after every step, so a failure can simply be re-run."""
        from functools import partial

        from wizard.inventory import InventoryError
        from wizard.inventory_writer import InventoryWriter
        from wizard.providers.entra.apply import RetryPolicy, apply_plan
        from wizard.providers.entra.client import GraphClient
        from wizard.providers.entra.plan import pin_placement
        from wizard.providers.http import build_client
        from wizard.secrets.sinks import EnvFileSink

        app = self.app
        state, conn = app.state, app.connections  # type: ignore[attr-defined]
        ws = state.workspace.model_copy(deep=True)
        settings = conn.http_settings()
        sink = RevealingSink(EnvFileSink(conn.secrets_file()))
        # the same lock and digest check as every save; a change saved elsewhere meanwhile is merged, not reverted
        writer = InventoryWriter(state.path, state.digest if state.digest is not None else None)

        def waiting(key: str, seconds: float, why: str) -> None:
            app.call_from_thread(self._show_wait, key, seconds, why)

        done = 0
        report = None
        for plan in [p for p in self.plans if p.steps]:  # home first; each tenant with its own token only
            graph = GraphClient(
                conn.graph_url, build_client(settings), self.tokens.get(plan.key) or "", settings
            )

            def progress(index: int, total: int, step: Any, status: str, offset: int = done) -> None:
                if status != "running":
                    with state._lock:
                        state.workspace = ws
                        if isinstance(writer.digest, str):
                            state.digest = writer.digest
                        state.dirty = False
                app.call_from_thread(self._step_status, offset + index, step.key, status)

            try:
                writer.change(ws, partial(pin_placement, plan=plan))  # replayed if merged
                report = apply_plan(
                    ws,
                    plan,
                    graph,
                    sink=sink,
                    progress=progress,
                    writer=writer,
                    retry=RetryPolicy(on_wait=waiting),
                )
            except InventoryError as exc:
                app.call_from_thread(self._status, f"Stopped: the inventory could not be saved ({exc})", True)
                return
            done += len(plan.steps)
            if not report.ok:
                break
        if report is not None:
            app.call_from_thread(self._applied, report, sink.new)

    def _show_wait(self, key: str, seconds: float, why: str) -> None:
        """A wait before a retry (throttling, replication), counted down in the status line."""
        self._wait = (time.time() + seconds, key, why)
        self._tick_wait()
        if self._wait_timer is None:
            self._wait_timer = self.set_interval(1.0, self._tick_wait)

    def _tick_wait(self) -> None:
        if self._wait is None:
            return
        until, key, why = self._wait
        left = int(until - time.time() + 0.999)
        if left <= 0:
            self._wait = None
            self._status("[dim]applying…[/dim]")
            return
        self._status(f"Waiting {left // 60}:{left % 60:02d} before retrying {key}: {why}")

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

        self._wait = None
        self._planned = self.app.state.workspace  # type: ignore[attr-defined]  # our own result: keep statuses
        summary = report.render_text().strip().splitlines()[-1]
        if report.stopped_at:
            summary = (
                f"Stopped at {report.stopped_at}: {report.error}\nRun apply again to continue from there."
            )
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
            plan = self._plan_of_step(key)
            step = plan.step(key) if plan else None
            name = step.subject if step else None
        ws = self.app.state.workspace  # type: ignore[attr-defined]
        sp = ws.service_principal(name) if name else None
        if sp is None or not sp.app_id or not sp.secret_ref:
            candidates = [s for s in ws.service_principals if s.app_id and s.secret_ref]
            sp = candidates[0] if candidates else None
        if sp is None:
            self._status("No service principal with an app id and a secret reference yet: apply first.", True)
            return
        self._status(f"asking for a token as {sp.name}…", busy=True)
        self.verify(sp.name)

    @work(thread=True, exclusive=True, group="entra-verify")
    def verify(self, name: str) -> None:
        """Client credentials with the identity's own secret; the IdP's answer is recorded in the inventory."""
        from wizard.inventory import InventoryError
        from wizard.model import Verification
        from wizard.providers.entra.signin import SigninError
        from wizard.providers.entra.verify import record_verification, verify_service_principal
        from wizard.secrets.resolver import SecretUnavailable

        app = self.app
        state, conn = app.state, app.connections  # type: ignore[attr-defined]
        sp = state.workspace.service_principal(name)
        assert sp is not None and sp.app_id and sp.secret_ref
        from wizard.placement import service_principal_tenant

        # tokens for an app come from the tenant its service principal lives in (wizard.placement)
        tenant = (
            service_principal_tenant(state.workspace, sp).tenant or state.workspace.consultancy.home_tenant
        )
        try:
            config = conn.signin_config(tenant, client_id=sp.app_id)
            result = verify_service_principal(
                sp, config, conn.resolve(sp.secret_ref), conn.scopes_for_verify()
            )
        except (SigninError, SecretUnavailable) as exc:
            result = Verification(
                at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                ok=False,
                detail=" ".join(str(exc).split())[:300],
            )
        try:
            with state._lock:
                if state.path is not None:  # saved into the file as it is now: nothing else is reverted
                    updated = record_verification(state.path, name, result)
                    if (
                        updated.before == state.digest
                    ):  # nobody else wrote meanwhile: our copy is still current
                        state.digest = updated.digest
                current = state.workspace.service_principal(name)
                if current is not None:
                    current.verification = result
        except InventoryError as exc:
            app.call_from_thread(self._status, f"Verified, but the result was not saved: {exc}", True)
            return
        app.call_from_thread(
            self._status, f"{name}: {'works' if result.ok else 'FAILED'} — {result.detail}", not result.ok
        )

    # ------------------------------------------------------------------ misc

    def _status(self, text: str, error: bool = False, busy: bool = False) -> None:
        """Show `text` (often a provider's message) as plain text, dimmed while busy."""
        status = self.query_one("#wiring-status", Static)
        status.set_class(error, "problem")
        status.update(plain(text).stylize("dim") if busy else plain(text))

    def action_explain(self) -> None:
        self.app.open_screen("explainers", topic="service-principals")  # type: ignore[attr-defined]

    def action_leave(self) -> None:
        if self.device is not None:  # cancel a waiting sign-in rather than leave it running
            self.device.cancel()
            self._hide_code()
            self._status("Sign-in cancelled.")
            return
        self.dismiss()
