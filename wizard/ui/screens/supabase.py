"""The Supabase wiring screen: turn on sign-in with Microsoft (Auth's Azure provider) and read it back."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Label, Static

from wizard.model import ChecklistItem, Workspace
from wizard.providers.errors import ErrorKind, Service, advice
from wizard.ui.markup import esc, plain
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.footer import Footer


def failure_advice(kind: ErrorKind) -> str:
    """The advice under a Supabase failure: the same table the command line uses (wizard.providers.errors)."""
    return advice(kind, Service.SUPABASE)


def _guess_app(ws: Workspace) -> tuple[str, str]:
    """(client id, secret reference) of a service principal meant for Supabase sign-in, if one exists."""
    for sp in ws.service_principals:
        if "supabase" in f"{sp.tool} {sp.purpose} {sp.name}".lower():
            return sp.app_id or "", sp.secret_ref or ""
    return "", ""


class SupabaseScreen(IdspineScreen[None]):
    """Enable Supabase Auth's Azure provider for the workspace's project, idempotently."""

    CSS_PATH = "wiring.tcss"
    HELP_TITLE = "Supabase"
    HELP_TEXT = (
        "Fill in the Entra app (client id and where its secret lives) and press ctrl+r. idspine reads the "
        "project's Auth settings, changes them only if needed, and reads them back to confirm."
    )
    BINDINGS = [
        # not ctrl+e: that is end-of-line in the Inputs this screen is made of, so it would never arrive here
        Binding("ctrl+r", "enable", "Enable Azure sign-in"),
        Binding("f3", "explain", "Explainer"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        ws = self.workspace_state.workspace
        client_id, secret_ref = _guess_app(ws)
        yield Header()
        with VerticalScroll(id="wiring-body"):
            yield Static(id="wiring-summary", classes="panel")
            yield Label("Entra app (Application) client ID")
            yield Input(value=client_id, placeholder="00000000-0000-0000-0000-000000000000", id="client-id")
            yield Label("Where the app's client secret lives (reference)")
            yield Input(value=secret_ref, placeholder="env:SUPABASE_AZURE_SECRET", id="secret-ref")
            yield Label("Tenant (GUID preferred)")
            yield Input(value=ws.consultancy.home_tenant, id="tenant")
            yield Static(id="wiring-status")
        yield Footer()

    _shown: Workspace | None = None  # the workspace object last rendered

    def on_mount(self) -> None:
        self.query_one("#wiring-summary").border_title = "Supabase"
        self.show()

    def on_screen_resume(self) -> None:
        """Back from the Supabase wizard (or anything that replaced the workspace): show the new values."""
        ws = self.workspace_state.workspace
        if self._shown is None or self._shown is ws:
            return
        old_app, new_app = _guess_app(self._shown), _guess_app(ws)
        for selector, old, new in (
            ("#client-id", old_app[0], new_app[0]),
            ("#secret-ref", old_app[1], new_app[1]),
            (
                "#tenant",
                self._shown.consultancy.home_tenant,
                ws.consultancy.home_tenant,
            ),
        ):
            field = self.query_one(selector, Input)
            if field.value == old:  # not edited here: follow the workspace
                field.value = new
        self.show()

    def show(self) -> None:
        """The project and what Supabase and Entra each need."""
        from wizard.providers.supabase import redirect_uri

        self._shown = self.workspace_state.workspace
        i = self._shown.consultancy.integrations
        ref = i.supabase_project_ref
        lines = [
            f"Project: {esc(ref) if ref else '[b]not set[/b] (run the Supabase wizard)'}",
            f"Management API token: {esc(i.supabase_access_token_ref or '') or '[b]no reference[/b]'}",
        ]
        if ref:
            lines.append(f"Redirect URI to add on the Entra app: {esc(redirect_uri(ref))}")
        lines.append(
            "[dim]Secret and service_role keys bypass Row Level Security and stay out of workflows: "
            "f3 explains why.[/dim]"
        )
        self.query_one("#wiring-summary", Static).update("\n".join(lines))

    def action_enable(self) -> None:
        self._status("reading the project's Auth settings…", busy=True)
        self.enable(
            self.query_one("#client-id", Input).value.strip(),
            self.query_one("#secret-ref", Input).value.strip(),
            self.query_one("#tenant", Input).value.strip(),
        )

    @work(thread=True, exclusive=True, group="supabase")
    def enable(self, client_id: str, secret_ref: str, tenant: str) -> None:
        """Enable the Azure provider with read-back; record it as done on the checklist only on success."""
        from wizard.inventory import InventoryError
        from wizard.providers import ProviderError, supabase
        from wizard.secrets.resolver import SecretUnavailable

        app, state = self.idspine, self.workspace_state
        i = state.workspace.consultancy.integrations
        try:
            if not i.supabase_project_ref or not i.supabase_access_token_ref:
                raise SecretUnavailable(
                    "set the project ref and the token reference first (the Supabase wizard)"
                )
            result = supabase.enable_azure_signin(
                self.connections,
                i.supabase_project_ref,
                i.supabase_access_token_ref,
                client_id,
                secret_ref or None,
                tenant,
            )
        except SecretUnavailable as exc:
            app.call_from_thread(self._status, str(exc), True)
            return
        except ProviderError as exc:
            app.call_from_thread(self._status, f"{exc.message}\n{failure_advice(exc.kind)}".strip(), True)
            return
        ws = state.workspace.model_copy(deep=True)
        item_id = f"org:supabase-azure-enable:{i.supabase_project_ref}"
        existing = next((c for c in ws.checklist if c.id == item_id), None)
        if existing:
            existing.done = True
        else:
            ws.checklist.append(
                ChecklistItem(
                    id=item_id,
                    done=True,
                    text=f"Supabase Auth: Azure provider enabled (tenant {result.tenant_url})",
                )
            )
        try:
            state.workspace = ws
            state.save()
        except InventoryError as exc:
            app.call_from_thread(
                self._status, f"Enabled in Supabase, but the inventory was not saved: {exc}", True
            )
            return
        text = (
            "Already enabled with these settings; nothing sent."
            if result.status == "unchanged"
            else f"Enabled and confirmed by read-back ({', '.join(result.changed_fields)})."
        )
        warning = supabase.tenant_warning(tenant)
        app.call_from_thread(
            self._status,
            f"{text}\nRedirect URI for the Entra app: {result.redirect_uri}"
            + (f"\n{warning}" if warning else ""),
            False,
        )

    def _status(self, text: str, error: bool = False, busy: bool = False) -> None:
        """Show `text` (often a provider's message) as plain text, dimmed while busy."""
        status = self.query_one("#wiring-status", Static)
        status.set_class(error, "problem")
        status.update(plain(text).stylize("dim") if busy else plain(text))

    def action_explain(self) -> None:
        self.idspine.open_screen("explainers", topic="supabase-keys")

    def action_leave(self) -> None:
        self.dismiss()
