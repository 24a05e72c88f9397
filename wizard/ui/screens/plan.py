"""The plan screen: the dry run in the chosen IdP's own API, for a consultancy whose IdP is not Entra ID.

Live apply is Entra-only for now, so this screen only shows: the steps (with the calls each would make), the
manual steps and links, and a plain line saying so. Home and the command palette open it instead of the Entra
screen when the IdP is Okta, Auth0, Google Cloud Identity, Keycloak or authentik. The plan itself is
wizard.providers.idp_plan (the same `idspine plan` prints).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from wizard.providers.idp_plan import LIVE_APPLY_LINE, IdpPlan, build_idp_plan
from wizard.ui.markup import cell, esc
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.footer import Footer


class PlanScreen(IdspineScreen[None]):
    """The chosen IdP's dry-run plan: steps, calls, manual steps; apply is Entra-only for now."""

    DEFAULT_CSS = """
    PlanScreen #plan-body { height: 1fr; padding: 0 1; }
    PlanScreen #plan-steps { height: auto; max-height: 18; }
    PlanScreen #plan-summary, PlanScreen #plan-manual, PlanScreen #plan-apply { height: auto; padding: 0 1; }
    """
    HELP_TITLE = "Plan"
    HELP_TEXT = (
        "The steps idspine would take in your identity provider's own API, in order: one row per step, with "
        "the calls below it. Live apply is Entra-only for now: carry the plan out by hand, or export the "
        "checklist or Terraform (command palette)."
    )
    BINDINGS = [
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="plan-body"):
            yield Static(id="plan-summary", classes="panel")
            yield DataTable(id="plan-steps", cursor_type="row", zebra_stripes=True)
            yield Static(id="plan-calls")
            yield Static(id="plan-manual")
            yield Static(id="plan-apply")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#plan-summary").border_title = "Plan (dry run)"
        self.show_plan()

    def on_screen_resume(self) -> None:
        self.show_plan()

    def show_plan(self) -> None:
        """Build the plan from the open workspace and show it."""
        ws = self.workspace_state.workspace
        try:
            plan = build_idp_plan(ws)
        except ValueError as exc:  # Entra (its plan is on the Entra screen), or no IdP chosen yet
            where = " (on the Entra screen: press a on home)" if ws.consultancy.idp else ""
            self.query_one("#plan-summary", Static).update(esc(str(exc) + where))
            self.query_one("#plan-steps", DataTable).clear(columns=True)
            self._plan: IdpPlan | None = None
            return
        self._plan = plan
        summary = (
            f"[b]{esc(plan.name)}[/b] — {esc(plan.api)}: {len(plan.automatic)} step(s), "
            f"{len(plan.manual)} manual step(s). Nothing has been changed.\nBase address: {esc(plan.base)}"
        )
        if plan.base_note:
            summary += f"\n[dim]{esc(plan.base_note)}[/dim]"
        self.query_one("#plan-summary", Static).update(summary)
        table = self.query_one("#plan-steps", DataTable)
        table.clear(columns=True)
        # widths set from the content: columns added to a cleared table do not grow with later rows
        table.add_column("#", width=max(1, len(str(len(plan.automatic)))))
        table.add_column("calls", width=5)
        table.add_column("step", width=max([4, *(len(s.summary) for s in plan.automatic)]))
        for i, step in enumerate(plan.automatic, 1):
            table.add_row(str(i), str(len(step.calls)), cell(step.summary), key=step.key)
        self._show_calls(0)
        manual = "\n".join(f"• {esc(s.summary)}" for s in plan.manual)
        links = "\n".join(f"• {esc(subject)}: {esc(link)}" for subject, link in plan.links)
        text = f"[b]Manual steps[/b]\n{manual}" if manual else ""
        if links:
            text += f"\n\n[b]Consent and grant links[/b]\n{links}"
        self.query_one("#plan-manual", Static).update(text)
        self.query_one("#plan-apply", Static).update(f"[b]{esc(LIVE_APPLY_LINE)}[/b]")

    def _show_calls(self, row: int) -> None:
        plan = getattr(self, "_plan", None)
        steps = plan.automatic if plan else []
        if not steps or row >= len(steps):
            self.query_one("#plan-calls", Static).update("")
            return
        step = steps[row]
        calls = "\n".join(f"  {esc(c.text)}" for c in step.calls)
        self.query_one("#plan-calls", Static).update(f"[dim]{esc(step.key)}[/dim]\n{calls}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_calls(event.cursor_row)

    def action_refresh(self) -> None:
        self.show_plan()

    def action_leave(self) -> None:
        self.dismiss()
