"""The Entra screen: per tenant, sign in with a device code, review the plan, apply it with progress; verify.

Objects live in the tenant wizard.placement gives them; the plan has one section per tenant and the screen
keeps one sign-in (token) per tenant (wizard.ui.widgets.entra_signin): `s` signs in to the tenant of the
selected row, and apply runs each tenant's steps with that tenant's own token only. Apply and verify are the
core operations the command line runs too (wizard.providers.entra.apply_tenants and .verify).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, ProgressBar, Static

from wizard.providers.entra.signin_config import verify_scopes_for
from wizard.providers.http_settings import http_settings_for
from wizard.ui.fit import clip, lead
from wizard.ui.markup import cell, esc, safe_content
from wizard.ui.widgets.entra_signin import TenantSignin
from wizard.ui.widgets.entra_steps import (
    STATUS_STYLE,
    RetryCountdown,
    RevealingSink,
    step_link,
    tenant_column,
)
from wizard.ui.widgets.footer import Footer

if TYPE_CHECKING:
    from wizard.inventory_writer import Updated
    from wizard.model import Verification
    from wizard.providers.entra.apply_report import ApplyReport
    from wizard.providers.entra.plan import Plan, PlanStep


class EntraScreen(TenantSignin):
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
        super().__init__()
        self._wait = RetryCountdown(self, self._status)  # while apply waits to retry
        self._planned: object = None  # the workspace object the plan was built from

    def on_screen_resume(self) -> None:
        """Back from a wizard that changed the workspace: re-plan (not while applying, not after our own apply)."""
        ws = self.workspace_state.workspace
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

    def show_summary(self) -> None:
        conn = self.connections
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
        tenant = max((len(tenant_column(p)) for p in self.plans), default=6)
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

    def _highlighted(self) -> PlanStep | None:
        table = self.query_one(DataTable)
        if not self.plans or not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")
        plan = self._plan_of_step(key)
        return plan.step(key) if plan is not None else None

    def _show_step(self, step: PlanStep | None) -> None:
        """The highlighted step in full, wrapped so an address breaks only after / ? & (y copies it)."""
        box = self.query_one("#step-detail", Static)
        if step is None:
            box.update("")
            return
        link = " · y copies the link" if step_link(step.summary) else ""
        box.update(
            lead(f"[b]{esc(step.key)}[/]: ", f"{step.key}: ", step.summary, box.size.width or 70)
            + f"[dim]{link}[/]"
        )

    def action_copy_link(self) -> None:
        """Copy the address in the highlighted step (an admin consent link, for example)."""
        step = self._highlighted()
        url = step_link(step.summary) if step else ""
        if url:
            self.app.copy_to_clipboard(url)
            self.notify("Link copied")
        else:
            self.notify("This step has no link to copy.", timeout=3)

    def action_plan(self) -> None:
        """Build the per-tenant plans from the inventory and list their steps, a tenant column on each row."""
        from wizard.providers.entra.apply_tenants import checked_plans

        keep = self.plan.key if self.plan is not None else None
        ws = self.workspace_state.workspace
        self._planned = ws
        self.plans = checked_plans(ws)  # every tenant, as `idspine entra plan` without filters
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
                    cell(tenant_column(plan)),
                    cell(clip(step.summary, room)),
                    "[yellow]manual[/]" if step.manual else "planned",
                    key=step.key,
                )
        first = next((p.steps[0] for p in self.plans if p.steps), None)
        self._show_step(self._highlighted() or first)
        auto = sum(len(p.automatic) for p in self.plans)
        manual = sum(len(p.manual) for p in self.plans)
        self.query_one(
            "#wiring-table-box"
        ).border_title = f"Plan: {len(self.plans)} tenant(s), {auto} automatic, {manual} manual"

    def _plan_of_step(self, key: str) -> Plan | None:
        return next((p for p in self.plans if p.step(key) is not None), None)

    def action_apply(self) -> None:
        if not self.plans:
            self.action_plan()
        from wizard.providers.entra.apply_tenants import ApplyRefused, tenants_to_apply

        try:  # the same refusal as the command line: a tenant with automatic steps needs its id or domain
            todo = tenants_to_apply(self.plans)
        except ApplyRefused as exc:
            self._status(str(exc), True)
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
        """Run the plan (the core apply); the inventory is saved after every step, so a failure can be re-run."""
        from wizard.inventory import InventoryError
        from wizard.inventory_writer import InventoryWriter
        from wizard.providers.entra.apply_tenants import acquire_tokens, apply_tenants
        from wizard.providers.entra.retry import RetryPolicy
        from wizard.providers.secret_store import workspace_sink

        app, state, conn = self.app, self.workspace_state, self.connections
        ws = state.workspace.model_copy(deep=True)
        sinks: list[RevealingSink] = []

        def sink_for() -> RevealingSink:  # the workspace's store, built when a step first needs it
            if not sinks:
                sinks.append(RevealingSink(workspace_sink(ws, conn)))
            return sinks[0]

        # the same lock and digest check as every save; a change saved elsewhere meanwhile is merged, not reverted
        writer = InventoryWriter(state.path, state.digest)

        def waiting(key: str, seconds: float, why: str) -> None:
            app.call_from_thread(self._wait.start, key, seconds, why)

        def progress_for(plan: Plan, offset: int) -> Callable[[int, int, PlanStep, str], None]:
            def progress(index: int, total: int, step: PlanStep, status: str) -> None:
                if status != "running":
                    with state.lock:
                        state.written_elsewhere(ws, writer.digest if isinstance(writer.digest, str) else None)
                app.call_from_thread(self._step_status, offset + index, step.key, status)

            return progress

        todo = [p for p in self.plans if p.steps]  # home first; each tenant with its own token only
        try:
            tokens = acquire_tokens(todo, lambda plan, signing: self.tokens.get(plan.key) or "")
            run = apply_tenants(
                ws,
                todo,
                tokens,
                graph_url=conn.graph_url,
                http_settings=http_settings_for(conn),
                writer=writer,
                retry=RetryPolicy(on_wait=waiting),
                sink_for=sink_for,
                progress_for=progress_for,
            )
        except InventoryError as exc:
            app.call_from_thread(self._status, f"Stopped: the inventory could not be saved ({exc})", True)
            return
        except ValueError as exc:  # ApplyRefused, TokenMismatch: nothing more was changed
            app.call_from_thread(self._status, str(exc), True)
            return
        if run.last is not None:
            app.call_from_thread(self._applied, run.last, sinks[0].new if sinks else [])

    def _step_status(self, index: int, key: str, status: str) -> None:
        table = self.query_one(DataTable)
        style = STATUS_STYLE.get(status, "white")
        with contextlib.suppress(Exception):  # a row may be missing if the plan changed; progress is cosmetic
            table.update_cell(key, "status", f"[{style}]{status}[/]")
            table.move_cursor(row=index - 1)
        if status != "running":
            self.query_one("#apply-progress", ProgressBar).update(progress=index)

    def _applied(self, report: ApplyReport, new_secrets: list[tuple[str, str, str]]) -> None:
        from wizard.ui.screens.secret_reveal import SecretRevealScreen

        self._wait.wait = None
        self._planned = self.workspace_state.workspace  # our own result: keep statuses
        summary = report.render_text().strip().splitlines()[-1]
        if report.stopped_at:
            summary = f"Stopped at {report.stopped_at}: {report.error}\nRun apply again to continue from it."
        self._status(summary, not report.ok)
        for name, value, ref in reversed(new_secrets):
            self.app.push_screen(SecretRevealScreen(name, value, ref))
        new_secrets.clear()

    def action_verify(self) -> None:
        table = self.query_one(DataTable)
        name = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
            plan = self._plan_of_step(key)
            step = plan.step(key) if plan else None
            name = step.subject if step else None
        from wizard.providers.oidc_verify import default_client_id as client_id

        ws = self.workspace_state.workspace
        sp = ws.service_principal(name) if name else None
        if sp is None or not client_id(ws, sp) or not sp.secret_ref:
            candidates = [s for s in ws.service_principals if client_id(ws, s) and s.secret_ref]
            sp = candidates[0] if candidates else None
        if sp is None:
            self._status("No identity with a client id and a secret reference yet: apply first.", True)
            return
        self._status(f"asking for a token as {sp.name}…", busy=True)
        self.verify(sp.name)

    @work(thread=True, exclusive=True, group="entra-verify")
    @work(thread=True, exclusive=True, group="entra-verify")
    def verify(self, name: str) -> None:
        """The core verify: client credentials with the identity's own secret, the answer recorded in the file."""
        from wizard.providers.entra.verify import VerifyRefused, verify_and_record
        from wizard.providers.oidc_verify import where_to_ask

        app, state, conn = self.app, self.workspace_state, self.connections

        def keep(updated: Updated | None, verification: Verification) -> None:
            """Under the session lock: our copy follows the file when nobody else wrote meanwhile."""
            if updated is not None and updated.before == state.digest:
                state.digest = updated.digest
            current = state.workspace.service_principal(name)
            if current is not None:
                current.verification = verification

        try:
            outcome = verify_and_record(
                state.workspace,
                name,
                **where_to_ask(state.workspace, conn),  # Entra, or the consultancy's other IdP
                resolve_secret=conn.resolve,
                scopes=verify_scopes_for(conn),
                path=state.path,
                lock=state.lock,
                after_save=keep,
            )
        except VerifyRefused as exc:  # nothing was asked of the IdP, so nothing is recorded
            app.call_from_thread(self._status, f"{name} was not verified: {exc}", True)
            return
        if outcome.save_error:
            app.call_from_thread(
                self._status, f"Verified, but the result was not saved: {outcome.save_error}", True
            )
            return
        result = outcome.verification
        app.call_from_thread(
            self._status, f"{name}: {'works' if result.ok else 'FAILED'} — {result.detail}", not result.ok
        )

    def action_explain(self) -> None:
        self.idspine.open_screen("explainers", topic="service-principals")

    def action_leave(self) -> None:
        if self.cancel_signin():  # cancel a waiting sign-in rather than leave it running
            return
        self.dismiss()
