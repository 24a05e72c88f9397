"""The n8n wiring screen: SSO values for the IdP, and pushing the inventory's credentials through n8n's API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Static

from wizard.providers.errors import ErrorKind, Service, advice
from wizard.ui.fit import wrap
from wizard.ui.markup import cell, plain, safe_content
from wizard.ui.paging import PagedScreen, Pages
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.fast_table import FastTable
from wizard.ui.widgets.footer import Footer

if TYPE_CHECKING:
    from wizard.model import Credential, Workspace

RESULT_STYLE = {"created": "green", "adopted": "cyan", "planned": "blue", "failed": "red", "skipped": "dim"}


def failure_advice(kind: ErrorKind | None) -> str:
    """The advice under an n8n failure: the same table the command line uses (wizard.providers.errors)."""
    return advice(kind, Service.N8N) if kind else ""


class N8nScreen(PagedScreen, IdspineScreen[None]):
    """Wire n8n: what the IdP needs for SSO, and which workflow credentials n8n holds."""

    CSS_PATH = "wiring.tcss"
    HELP_TITLE = "n8n"
    HELP_TEXT = (
        "The top panel lists what to enter in your IdP for SSO into the n8n editor. The table lists the "
        "inventory's credentials that live in n8n; push creates the missing ones through n8n's public "
        "API and records their ids. The API key is read from its reference at that moment only."
    )
    BINDINGS = [
        Binding("p", "push(False)", "Push"),
        Binding("d", "push(True)", "Dry run"),
        Binding("c", "copy_values", "Copy SSO values"),  # addresses too long for the screen stay usable
        Binding(
            "f3", "explain", "Explainer", show=False
        ),  # named in the summary panel; the footer must fit 80
        Binding("escape", "leave", "Back"),
        Binding("right_square_bracket", "page(1)", "Next page"),
        Binding("left_square_bracket", "page(-1)", "Prev page", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="wiring-body"):
            yield Static(id="wiring-summary", classes="panel")
            yield Static(id="wiring-values", classes="panel")
            with Vertical(classes="panel", id="wiring-table-box"):
                yield FastTable(id="wiring-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="wiring-status")
        yield Footer()

    def __init__(self) -> None:
        super().__init__()
        self._outcomes: dict[str, Any] = {}
        self._shown: object = None  # the workspace object last rendered
        self._credentials: list[Credential] = []  # the table's rows, of which one page is shown
        self.pages = Pages()

    def on_screen_resume(self) -> None:
        """Back from a wizard (or anything that replaced the workspace): show the new values."""
        if self._shown is not None and self._shown is not self.workspace_state.workspace:
            self.show(self._outcomes)

    def on_mount(self) -> None:
        self.query_one("#wiring-summary").border_title = "n8n"
        self.query_one("#wiring-values").border_title = "For your IdP (SSO into the editor)"
        self.query_one("#wiring-table-box").border_title = "Workflow credentials"
        table = self.query_one(DataTable)
        # no client column (ids start with the client) and no detail column (failures are listed below the
        # table), so the columns fit whole at 80 columns
        table.add_column("credential", key="credential")
        table.add_column("n8n type", key="type")
        table.add_column("result", key="result")
        table.add_column("n8n id", key="id")
        self.show()

    def on_resize(self) -> None:
        """The SSO values are wrapped to the panel's width: wrap them again."""
        self.call_after_refresh(self.show, self._outcomes)

    def show(self, outcomes: dict[str, Any] | None = None) -> None:
        """Render the workspace's n8n facts (and the last push's outcomes)."""
        from wizard.providers.n8n.client import credentials_for_n8n
        from wizard.providers.n8n.sso import SsoAddressError, sso_values

        ws = self.workspace_state.workspace
        self._shown, self._outcomes = ws, outcomes or {}
        integrations = ws.consultancy.integrations
        url, ref = integrations.n8n_url or "", integrations.n8n_api_key_ref or ""
        self.query_one("#wiring-summary", Static).update(
            safe_content(
                f"Address: {'$url' if url else '[b]not set[/b] (run the n8n wizard)'}\nAPI key: "
                f"{'$ref' if ref else '[b]no reference[/b]'}  (a reference; the key itself is read only when pushing)\n"
                "[dim]f3: n8n credentials vs n8n SSO[/dim]",
                url=url,
                ref=ref,
            )
        )
        box = self.query_one("#wiring-values", Static)
        try:
            allow = self.connections.allow_loopback_http
            rows = sso_values(url, allow_http_loopback=allow).rows() if url else []
            self._values = "\n".join(f"{k}: {v}" for k, v in rows)
            # an address starts its own line and breaks only after / ? & when wider than the panel
            values = plain(wrap(self._values, box.size.width or 72) or "Set the n8n address first.")
        except SsoAddressError as exc:
            self._values = ""
            values = plain(str(exc)).stylize("red")
        box.update(values)
        self._credentials = credentials_for_n8n(ws)
        self.pages.show(len(self._credentials), self.pages.page)
        self.show_page()

    def show_page(self) -> None:
        """One page of the credentials n8n holds, with the last push's outcome for each."""
        table = self.query_one(DataTable)
        table.clear()
        outcomes = self._outcomes
        for cred in self._credentials[self.pages.start : self.pages.start + self.pages.size]:
            o = outcomes.get(cred.id)
            result = f"[{RESULT_STYLE.get(o.result, 'white')}]{o.result}[/]" if o else ""
            table.add_row(
                cell(cred.id),
                cell(cred.n8n_type),
                result,
                cell((o.n8n_id if o else "") or cred.n8n_id or "—"),
                key=cred.id,
            )
        self.paged(self.query_one("#wiring-table-box"))

    def action_push(self, dry_run: bool) -> None:
        """Push (or dry-run) the credentials in a worker."""
        self.query_one("#wiring-status", Static).update("[dim]talking to n8n…[/dim]")
        self.push(dry_run)

    @work(thread=True, exclusive=True, group="n8n-push")
    def push(self, dry_run: bool) -> None:
        """Create missing credentials, adopt known ones; each new id is saved as soon as it exists."""
        from wizard.inventory import InventoryError
        from wizard.providers import ProviderError
        from wizard.providers.n8n import push
        from wizard.secrets.resolver import SecretUnavailable

        app = self.idspine
        state = self.workspace_state
        ws = state.workspace.model_copy(deep=True)
        integrations = ws.consultancy.integrations
        url, key_ref = integrations.n8n_url or "", integrations.n8n_api_key_ref or ""
        try:
            if not dry_run and (not url or not key_ref):
                raise _Problem("Set the n8n address and the API key reference first (the n8n wizard).")

            def saved(changed: Workspace) -> None:
                state.workspace = changed
                state.save()

            report = push.push_to_n8n(
                ws, self.connections, url, key_ref, dry_run=dry_run, on_change=None if dry_run else saved
            )
        except _Problem as exc:
            app.call_from_thread(self._status, str(exc), error=True)
            return
        except SecretUnavailable as exc:  # its message starts "API key:"
            app.call_from_thread(self._status, str(exc), error=True)
            return
        except ProviderError as exc:
            app.call_from_thread(self._status, f"{exc.message}\n{failure_advice(exc.kind)}", error=True)
            return
        except InventoryError as exc:
            app.call_from_thread(self._status, f"Not saved: {exc}", error=True)
            return
        outcomes = {o.credential: o for o in report.outcomes}
        summary = (
            f"created {report.count('created')}, adopted {report.count('adopted')}, "
            f"failed {report.count('failed')}" + (f", planned {report.count('planned')}" if dry_run else "")
        )
        if report.aborted:
            summary += f"\nStopped: {report.aborted}\n{failure_advice(report.aborted_kind)}"
        app.call_from_thread(self._finished, outcomes, summary, not report.ok)

    def _finished(self, outcomes: dict[str, Any], summary: str, error: bool) -> None:
        self.show(outcomes)
        details = [
            f"{o.credential}: {o.result}, {o.detail}"
            for o in outcomes.values()
            if o.detail and o.result in ("failed", "skipped")
        ]
        summary = "\n".join([summary, *details])
        self._status(summary, error=error)

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#wiring-status", Static)
        status.set_class(error, "problem")
        status.update(plain(text))  # provider messages: shown as they are, never as markup

    def action_copy_values(self) -> None:
        """Copy the SSO values (public addresses, no secrets) to paste into the IdP."""
        if getattr(self, "_values", ""):
            self.app.copy_to_clipboard(self._values)
            self.notify("SSO values copied")
        else:
            self.notify("Set the n8n address first (the n8n wizard).", timeout=3)

    def action_explain(self) -> None:
        self.idspine.open_screen("explainers", topic="n8n-credentials-vs-sso")

    def action_leave(self) -> None:
        self.dismiss()


class _Problem(Exception):
    """A precondition the user must fix; the message is safe to show."""
