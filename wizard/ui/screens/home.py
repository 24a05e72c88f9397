"""Home: the consultancy at a glance, its clients, inventory health, and what to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from wizard.inventory_preview import Preview, of_workspace
from wizard.ui.badges import WORDS, badge
from wizard.ui.markup import cell
from wizard.ui.markup import esc as escape
from wizard.ui.screens import route_for
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.footer import Footer

if TYPE_CHECKING:  # the model and the audit load with the workspace, after the first frame
    from wizard.audit import Finding, Severity
    from wizard.model import Workspace


def next_steps(ws: Workspace, findings_by_severity: dict[Severity, int]) -> list[tuple[str, str]]:
    """(action id, label) suggestions, most useful first."""
    from wizard.audit import Severity
    from wizard.idps import profile_for

    steps: list[tuple[str, str]] = []
    setup = ws.flow_progress("first-setup")
    if setup is None and ws.consultancy.idp is None:
        steps.append(("wizard:first-setup", "Start first-time setup (about 15 minutes)"))
    elif setup is not None and not setup.completed:
        steps.append(("wizard:first-setup", f"Resume first-time setup at step {setup.step + 1}"))
    for progress in ws.progress:  # any other flow left halfway
        if progress.flow != "first-setup" and not progress.completed and progress.step > 0:
            steps.append(
                (
                    f"resume:{progress.flow}",
                    f"Resume {_flow_title(progress.flow)} at step {progress.step + 1}",
                )
            )
    if findings_by_severity[Severity.ERROR]:
        steps.append(
            ("inspector:error", f"Fix {findings_by_severity[Severity.ERROR]} error(s) in the inventory")
        )
    if findings_by_severity[Severity.WARNING]:
        steps.append(("inspector:warning", f"Review {findings_by_severity[Severity.WARNING]} warning(s)"))
    if any(g.object_id is None for g in ws.groups) or any(s.app_id is None for s in ws.service_principals):
        profile = profile_for(ws.consultancy.idp.value if ws.consultancy.idp else None)
        if profile.live_apply:
            steps.append(("entra", "Carry out the plan in Entra (sign in, apply, verify)"))
        else:  # live apply is Entra-only for now: the dry run in that IdP's own API
            steps.append(("plan", f"See the plan in {profile.name} (dry run; apply is Entra-only for now)"))
    steps.append(("wizard:client-onboarding", "Onboard a client"))
    if not ws.consultancy.integrations.n8n_url:
        steps.append(("wizard:n8n", "Wire n8n: SSO values and workflow credentials"))
    else:
        steps.append(("n8n", "Push workflow credentials to n8n"))
    if not ws.consultancy.integrations.supabase_project_ref:
        steps.append(("wizard:supabase", "Wire Supabase: sign-in with Microsoft, keys out of workflows"))
    else:
        steps.append(("supabase", "Turn on Supabase sign-in with Microsoft"))
    steps.append(("catalogue", "Browse the service catalogue"))
    steps.append(("explainers", "Read the explainers"))
    steps.append(("export", "Export the checklist"))
    return steps


def _flow_title(flow_id: str) -> str:
    from flows import get_flow

    try:
        return get_flow(flow_id).title.lower()
    except KeyError:
        return flow_id


# On returning to the screen, up to this size the audit runs inline (a millisecond or two once the catalogue
# is cached, and no flicker); larger inventories are audited in a worker so the screen appears at once.
INLINE_AUDIT_LIMIT = 2000
TOP_FINDINGS = 8  # findings listed under the counts; the inspector has them all
CLIENT_COLUMNS = ("", "client", "creds", "residency", "tenant model")  # most needed first
ENTRA = "entra"  # wizard.vocabulary.IdP.ENTRA, without importing the IdP tables before the first frame


class HomeScreen(IdspineScreen[None]):
    """The first screen after loading."""

    CSS_PATH = "home.tcss"
    AUTO_FOCUS = "#next"  # focused as the screen composes: one focus change, one footer rebuild
    HELP_TITLE = "Home"
    HELP_TEXT = "Your consultancy, its clients and the health of the inventory. Pick a next step with enter."
    BINDINGS = [
        Binding("s", "open('wizard:first-setup')", "Setup"),
        Binding("o", "open('wizard:client-onboarding')", "Onboard"),
        Binding("i", "open('inspector')", "Inspect"),
        Binding("c", "open('catalogue')", "Catalogue"),
        Binding("e", "open('explainers')", "Explain"),
        Binding("n", "open('n8n')", "n8n", show=False),
        Binding("u", "open('supabase')", "Supabase", show=False),
        Binding("a", "open('entra')", "Entra", show=False),
        Binding("r", "refresh", "Refresh", show=False),
    ]

    def __init__(self, preview: Preview | None = None):
        """preview: what to show before the workspace has loaded (the app opens nothing until it has)."""
        super().__init__()
        self._preview = preview

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-body"):
            with Vertical(id="home-left"):
                yield Static(id="consultancy", classes="panel")
                yield DataTable(id="clients", cursor_type="row", zebra_stripes=True, classes="panel")
                yield OptionList(id="next", classes="panel")
            with VerticalScroll(id="home-right", classes="panel"):
                yield Static(id="health")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#consultancy").border_title = "Consultancy"
        self.query_one("#clients").border_title = "Clients"
        self.query_one("#home-right").border_title = "Inventory health"
        self.query_one("#next").border_title = "Next steps"
        self._client_columns: tuple[str, ...] = ()
        if self.idspine.state is None and self._preview is not None:
            # Painted from the preview while the workspace loads; workspace_loaded() takes over.
            self._show_consultancy(self._preview)
            self._show_clients(self._preview, None)
            self.query_one("#health", Static).update("[dim]reading the inventory…[/dim]")
        else:
            self.workspace_loaded()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh_view())  # badge colours

    def workspace_loaded(self) -> None:
        """Show the loaded workspace. The first audit loads and validates the catalogue (~40 ms): done in a
        worker, started once the frame is painted, so the consultancy and the clients show at once; the
        health panel and the clients' badges fill in a moment later."""
        self._preview = None
        self.refresh_view(inline=False)

    def on_screen_resume(self) -> None:
        if getattr(self, "_resumed_once", False):  # the first resume is the first show: on_mount did it
            self.refresh_view()
        self._resumed_once = True

    def refresh_view(self, inline: bool = True) -> None:
        """Show the workspace now; the audit (which loads the catalogue) follows from a worker."""
        if self.idspine.state is None:  # still the preview: workspace_loaded() follows
            return
        state = self.workspace_state
        self._show_consultancy(of_workspace(state.workspace))
        if inline and len(state.workspace.credentials) <= INLINE_AUDIT_LIMIT:
            self._show_health(state.workspace, self.idspine.audit_findings())
            return
        if not self._client_columns:  # first show: the names now, their health after the audit
            self._show_clients(of_workspace(state.workspace), None)
        self.query_one("#health", Static).update("[dim]auditing…[/dim]")
        self.call_after_refresh(self.audit_in_background)

    @work(thread=True, exclusive=True, group="home-audit")
    def audit_in_background(self) -> None:
        """Run the audit off the UI thread so the first screen appears without waiting for it."""
        state = self.workspace_state
        findings = self.idspine.audit_findings()
        self.app.call_from_thread(self._show_health, state.workspace, findings)

    def _show_consultancy(self, p: Preview) -> None:
        hats = ", ".join(p.hats) or "not set"
        idp = p.idp or "not chosen yet"
        where = f"Home tenant: {escape(p.home_tenant or '—')}"
        workloads = "service principals"
        if p.idp and p.idp != ENTRA:  # the chosen IdP's own name, address and workload identities
            from wizard.idps import profile_for

            profile = profile_for(p.idp)
            idp, workloads = profile.name, f"{profile.workload.short}s"
            where = f"{profile.name} address: {escape(p.idp_address or 'not recorded yet')}"
        self.query_one("#consultancy", Static).update(
            f"[b]{escape(p.name)}[/b]  ({p.slug})\nIdentity provider: {idp}\n{where}\n"
            f"Hats: {hats}\nInventory: {p.groups} groups, {p.service_principals} {workloads}, "
            f"{p.credentials} credentials"
        )

    def _show_health(self, ws: Workspace, findings: list[Finding]) -> None:
        from wizard.audit import Severity, counts

        totals = counts(findings)
        worst: dict[str, str] = {}
        client_of = {f"credential:{x.id}": x.client for x in ws.credentials}
        client_of |= {f"service-principal:{x.name}": x.client for x in ws.service_principals}
        client_of |= {f"group:{x.name}": x.client for x in ws.groups}
        for f in findings:
            slug = client_of.get(f.subject, "")
            if slug and worst.get(slug) != "error":
                worst[slug] = f.severity.value if f.severity != Severity.INFO else worst.get(slug, "ok")
        self._show_clients(of_workspace(ws), worst)
        top = "\n".join(
            f"{badge(self.app, f.severity.value, '●')} {escape(f.message)}" for f in findings[:TOP_FINDINGS]
        )
        if len(findings) > TOP_FINDINGS:
            top += f"\n[dim]… and {len(findings) - TOP_FINDINGS} more: press i to inspect them all[/dim]"
        self.query_one("#health", Static).update(
            f"{badge(self.app, 'error', '●')} {totals[Severity.ERROR]} errors   {badge(self.app, 'warning', '●')} {totals[Severity.WARNING]} "
            f"warnings   {badge(self.app, 'info', '●')} {totals[Severity.INFO]} suggestions\n{self._drift_line()}\n{top}"
        )
        options = self.query_one("#next", OptionList)
        options.clear_options()
        options.add_options([Option(label, id=action) for action, label in next_steps(ws, totals)])

    def _drift_line(self) -> str:
        """The last `idspine drift` result for this inventory (a line and a blank); nothing for the demo or
        an inventory not saved yet."""
        state = self.workspace_state
        path = state.path
        if path is None or state.is_new:
            return ""
        from wizard.discovery.drift_store import describe, load_last

        last = load_last(path)
        health = "warning" if last is None else ("ok", "warning", "error")[last.exit_code]
        return f"{badge(self.app, health, '●')} {escape(describe(last))}\n"

    def _show_clients(self, p: Preview, worst: dict[str, str] | None) -> None:
        """The clients table with as many columns as fit whole (narrow screens drop the least needed);
        worst None: not audited yet (the health column shows … until it is)."""
        table = self.query_one("#clients", DataTable)
        rows: list[tuple[str, dict[str, tuple[str | Text, str | Text]]]] = []  # cell: (shown, measured)
        for cl in p.clients:
            health = worst.get(cl.slug, "ok") if worst is not None else ""
            cells: dict[str, tuple[str | Text, str | Text]] = {
                "": (badge(self.app, health), WORDS.get(health, health))
                if health
                else (Text("…", style="dim"), "…")
            }
            for column, value in (
                ("client", cell(cl.name)),
                ("creds", cell(cl.credentials)),
                ("residency", cell(cl.residency or "—")),
                ("tenant model", cell(cl.tenant_model)),
            ):
                cells[column] = (value, value)
            rows.append((cl.slug, cells))
        room = table.scrollable_content_region.width or 1000
        chosen: list[str] = []
        used = 0
        for column in CLIENT_COLUMNS:  # most needed first; a column is shown whole or not at all
            width = max([len(column)] + [len(r[column][1]) for _, r in rows]) + 2
            if used + width <= room:
                chosen.append(column)
                used += width
        if tuple(chosen) != self._client_columns:
            table.clear(columns=True)
            table.add_columns(*[Text(column) for column in chosen])  # plain labels: no markup parse
            self._client_columns = tuple(chosen)
        table.clear()
        for slug, r in rows:
            table.add_row(*[r[c][0] for c in chosen], key=slug)

    def on_resize(self) -> None:
        """Columns are chosen to fit the width: choose again."""
        if self._client_columns:
            self.call_after_refresh(self.refresh_view)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open(event.option.id or "")

    def action_open(self, action: str) -> None:
        """Open a screen or flow named like 'inspector', 'inspector:error' or 'wizard:first-setup'."""
        app = self.idspine
        if app.state is None:  # the preview: nothing opens before the workspace has loaded and validated
            return
        name, _, arg = action.partition(":")
        if name == "wizard":
            restart = arg == "client-onboarding"  # each onboarding is a new client
            app.open_screen("wizard", flow_id=arg, restart=restart)
        elif name == "resume":
            app.open_screen("wizard", flow_id=arg, restart=False)
        elif name == "inspector":
            app.open_screen("inspector", health=arg or "")
        elif name == "export":
            app.export_checklist()
        else:
            from wizard.idps import profile_for

            idp = app.state.workspace.consultancy.idp if app.state else None
            app.open_screen(route_for(name, profile_for(idp.value if idp else None).live_apply))

    def action_refresh(self) -> None:
        self.refresh_view()
