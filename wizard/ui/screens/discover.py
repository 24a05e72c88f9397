"""The Discover screen: read a tenant (read-only), review what is there, adopt what you select.

The reading is `wizard.providers.entra.discover.discover_tenant` in a worker; the review and the adoption are
`wizard.discovery.adopt` (`review`, `adopt_and_save`), the same functions `idspine discover entra` runs. The
token is the tenant's cached sign-in with read-only scopes (or one a test sets on `token`); when there is none,
the screen signs in on its own through the core sign-in chain (wizard.providers.entra.signin_chain.sign_in,
as the Entra screen's sign-in does): an Azure CLI sign-in first, else the device code with the code shown here
and counted down, and the system browser when the tenant refuses device codes. A token issued by another
tenant is refused. Adopting saves through the inventory writer: the lock, the digest check, and a change
saved elsewhere meanwhile is kept.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static

from wizard.ui.markup import cell, esc, safe_content
from wizard.ui.paging import PagedScreen, Pages
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.fast_table import FastTable
from wizard.ui.widgets.footer import Footer

if TYPE_CHECKING:
    from wizard.discovery.adopt import AdoptReport, ReviewItem
    from wizard.discovery.entra_snapshot import EntraSnapshot
    from wizard.providers.entra.device_flow import DeviceCode

STATUS_STYLE = {"new": "bold", "changed": "yellow", "in inventory": "green"}
MARK = "✔"


class DiscoverScreen(PagedScreen, IdspineScreen[None]):
    """Review what a tenant holds and adopt the selected objects into the inventory."""

    CSS_PATH = "discover.tcss"
    HELP_TITLE = "Discover"
    HELP_TEXT = (
        "Reads the app registrations, service principals, credentials (ids and dates, never values), owners "
        "and naming-convention groups of a tenant through Microsoft Graph, read-only. Nothing enters the "
        "inventory until you select rows (space) and adopt them (a); adopting an app adopts its secrets and "
        "certificates too. Rows say whether the inventory already has the object (matched by ids, never by "
        "name), lacks it, or records it differently. r reads again. Not signed in to the tenant yet, the "
        "screen signs in by itself: an Azure CLI sign-in when there is one, else a device code shown here "
        "(c copies it, escape cancels), else the browser."
    )
    BINDINGS = [
        Binding("space", "toggle_row", "Select"),
        Binding("n", "select_new", "Select new"),
        Binding("a", "adopt", "Adopt selected"),
        Binding("r", "read", "Read again"),
        Binding("right_square_bracket", "page(1)", "Next page"),
        Binding("left_square_bracket", "page(-1)", "Prev page", show=False),
        Binding("c", "copy_code", "Copy code", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(
        self,
        tenant: str | None = None,
        client: str | None = None,
        token: str = "",
        now: dt.datetime | None = None,
    ) -> None:
        super().__init__()
        self.now = now  # the read time to record (tests freeze it); None: the real time
        self.tenant_arg, self.client_arg = tenant, client
        self.token = token  # '' : the cached sign-in for the tenant is used
        self.target = ""
        self.client = ""
        self.snapshot: EntraSnapshot | None = None
        self.items: list[ReviewItem] = []
        self.selected: set[str] = set()
        self.pages = Pages(size=100)  # the table shows one page of the review: 25,000 rows cost what 100 do
        self.device: DeviceCode | None = None  # the device code while a sign-in waits for the user
        self.signed_in_as = ""  # the way the screen's own sign-in went ('' : none was needed)
        self._countdown: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="discover-summary", classes="panel")
        yield Static(id="discover-device", classes="panel")
        with Vertical(id="discover-box", classes="panel"):
            yield FastTable(id="discover-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="discover-status")
        yield Footer()

    def on_mount(self) -> None:
        from wizard.discovery.entra_match import TargetError, discover_target

        self.query_one("#discover-summary").border_title = "Discover: Entra ID"
        self.query_one("#discover-box").border_title = "Found"
        device = self.query_one("#discover-device")
        device.border_title = "Sign in"
        device.display = False
        table = self.query_one(DataTable)
        for key, label in (
            ("sel", " "),
            ("status", "status"),
            ("kind", "kind"),
            ("name", "name"),
            ("detail", "detail"),
        ):
            table.add_column(label, key=key)
        try:
            self.target, self.client = discover_target(
                self.workspace_state.workspace, self.tenant_arg, self.client_arg
            )
        except TargetError as exc:
            self._status(str(exc), error=True)
            return
        self.query_one("#discover-summary", Static).update(
            esc(
                f"Tenant {self.target}{f' (client {self.client})' if self.client else ''}: apps, credentials "
                "(ids and dates, never values), owners and naming-convention groups, read-only. Nothing is "
                "written until you adopt."
            )
        )
        self.action_read()

    # ------------------------------------------------------------------ reading
    def action_read(self) -> None:
        if not self.target:
            return
        if self.workspace_state.is_demo and not self.token:
            self._status(
                "The demo's tenant is made up: open your own inventory (idspine --file PATH) to read a real one.",
                error=True,
            )
            return
        self._status(f"reading {self.target}…")
        self.read()

    @work(thread=True, exclusive=True, group="discover-read")
    def read(self) -> None:
        from wizard.discovery.entra_match import group_prefixes
        from wizard.providers import ProviderError
        from wizard.providers.entra.discover import discover_tenant
        from wizard.providers.http_settings import http_settings_for

        app, conn = self.app, self.connections
        token = self.token or self._cached_token() or self._sign_in()
        if not token:
            return
        self.token = token  # r reads again without signing in again
        try:
            snapshot = discover_tenant(
                self.target,
                token,
                graph_url=conn.graph_url,
                http_settings=http_settings_for(conn),
                group_prefixes=group_prefixes(self.workspace_state.workspace, self.client),
                progress=lambda line: app.call_from_thread(self._status, f"reading {self.target}: {line}"),
                now=self.now,
            )
        except ProviderError as exc:
            app.call_from_thread(self._status, exc.message, True)
            return
        app.call_from_thread(self._show, snapshot)

    def _cached_token(self) -> str:
        from wizard.providers.entra.discover import DISCOVER_SCOPES
        from wizard.providers.entra.signin_chain import cached_token
        from wizard.providers.entra.signin_config import signin_config_for

        try:
            config = signin_config_for(self.connections, self.target, public_fallback=True)
            result, _way = cached_token(config, DISCOVER_SCOPES)
        except Exception:  # noqa: BLE001 - no sign-in configured or cached: the screen says so
            return ""
        return result.access_token if result is not None and result.ok else ""

    def _sign_in(self) -> str:
        """Sign in to the target (in the read worker) through the core chain; the token, or '' after saying why."""
        from wizard.providers.entra.discover import DISCOVER_SCOPES
        from wizard.providers.entra.signin_chain import sign_in
        from wizard.providers.entra.signin_config import SigninError, signin_config_for
        from wizard.providers.entra.tenant_tokens import TenantTokens, TokenMismatch

        app = self.app
        app.call_from_thread(self._status, f"Not signed in to {self.target}: signing in…")
        try:
            config = signin_config_for(self.connections, self.target, public_fallback=True)
            result, way = sign_in(
                config,
                DISCOVER_SCOPES,
                say=lambda line: app.call_from_thread(self._status, line),
                show_code=lambda code: app.call_from_thread(self._show_code, code),
                open_browser=lambda url: app.call_from_thread(self._open_browser, url),
            )
        except SigninError as exc:
            app.call_from_thread(self._signin_failed, str(exc))
            return ""
        if not result.ok or not result.access_token:
            app.call_from_thread(self._signin_failed, f"Sign-in did not complete ({way}): {result.detail}")
            return ""
        try:
            TenantTokens().put("discover", self.target, result.access_token, self.target)
        except TokenMismatch as exc:
            app.call_from_thread(self._signin_failed, str(exc))
            return ""
        self.signed_in_as = way
        app.call_from_thread(self._hide_code)
        app.call_from_thread(self._status, f"Signed in to {self.target} ({way}); reading…")
        return result.access_token

    def _signin_failed(self, message: str) -> None:
        self._hide_code()
        self._status(f"{message}. Press r to try again.", error=True)

    def _show_code(self, code: DeviceCode) -> None:
        self.device = code
        self.query_one("#discover-device").display = True
        self._tick()
        if self._countdown is not None:
            self._countdown.stop()
        self._countdown = self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        code = self.device
        if code is None:
            return
        left = code.seconds_left(time.time())
        self.query_one("#discover-device", Static).update(
            f"Open [b]{esc(code.verification_uri)}[/b] on any device and enter "
            f"[b reverse] {esc(code.user_code)} [/]  ·  expires in {left // 60}:{left % 60:02d}  ·  "
            "c copies the code  ·  escape cancels"
        )

    def _hide_code(self) -> None:
        self.device = None
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None
        self.query_one("#discover-device").display = False

    def _open_browser(self, url: str) -> None:
        """The browser's part of a sign-in: open it where there is one, and show the address either way."""
        from wizard.providers.entra.signin import browser_available

        self._hide_code()
        self._status(f"Sign in in the browser: {url}")
        if browser_available():
            import webbrowser

            webbrowser.open(url)

    def action_copy_code(self) -> None:
        if self.device is not None:
            self.app.copy_to_clipboard(self.device.user_code)
            self.notify("Code copied")

    def _show(self, snapshot: EntraSnapshot, page: int = 0) -> None:
        from wizard.discovery.adopt import review

        self.snapshot = snapshot
        self.items = review(self.workspace_state.workspace, snapshot)
        self.selected &= {i.key for i in self.items}
        self.pages.show(len(self.items), page)
        self.show_page()
        counts = {s: sum(1 for i in self.items if i.status == s) for s in ("new", "changed", "in inventory")}
        notes = "".join(f"\nnote: {n}" for n in snapshot.notes)
        self.query_one("#discover-summary", Static).update(
            safe_content(
                "Tenant [b]$tenant[/b], read $at UTC: $total found, $new new, $changed changed, $known in inventory.$notes",
                tenant=snapshot.tenant,
                at=snapshot.read_at.strftime("%Y-%m-%d %H:%M"),
                total=len(self.items),
                new=counts["new"],
                changed=counts["changed"],
                known=counts["in inventory"],
                notes=notes,
            )
        )
        self._status("space selects a row, n selects everything new or changed, a adopts the selection")

    def show_page(self) -> None:
        """Put the current page of the review in the table (the box's subtitle says which, when there are more)."""
        table = self.query_one(DataTable)
        table.clear()
        for item in self.items[self.pages.start : self.pages.start + self.pages.size]:
            table.add_row(
                cell(MARK if item.key in self.selected else ""),
                cell(item.status, STATUS_STYLE.get(item.status, "")),
                cell(item.kind),
                cell(("  " if item.parent else "") + item.name),
                cell(item.detail),
                key=item.key,
            )
        self.paged(self.query_one("#discover-box"))

    # ------------------------------------------------------------------ selection
    def _mark(self, key: str, on: bool) -> None:
        (self.selected.add if on else self.selected.discard)(key)
        table = self.query_one(DataTable)
        if key in table.rows:  # on the page shown; other pages show their marks when they are shown
            table.update_cell(key, "sel", cell(MARK if on else ""))

    def action_toggle_row(self) -> None:
        table = self.query_one(DataTable)
        index = self.pages.index(table.cursor_row)
        if index < 0:
            return
        key = self.items[index].key
        self._mark(key, key not in self.selected)
        self._status(f"{len(self.selected)} selected; a adopts them")

    def action_select_new(self) -> None:
        table = self.query_one(DataTable)
        for item in self.items:
            if item.status != "in inventory" and item.key not in self.selected:
                self.selected.add(item.key)
                if item.key in table.rows:
                    table.update_cell(item.key, "sel", cell(MARK))
        self._status(f"{len(self.selected)} selected; a adopts them")

    # ------------------------------------------------------------------ adopting
    def action_adopt(self) -> None:
        if self.snapshot is None or not self.selected:
            self._status("Select rows first (space, or n for everything new or changed).", error=True)
            return
        self._status(f"adopting {len(self.selected)}…")
        self.adopt(set(self.selected))

    @work(thread=True, exclusive=True, group="discover-adopt")
    def adopt(self, keys: set[str]) -> None:
        from wizard.discovery.adopt import adopt_and_save
        from wizard.inventory import InventoryError
        from wizard.inventory_writer import InventoryWriter

        state, snapshot = self.workspace_state, self.snapshot
        assert snapshot is not None
        ws = state.workspace.model_copy(deep=True)
        writer = InventoryWriter(state.path, state.digest)  # the lock and digest check of every save
        try:
            report = adopt_and_save(writer, ws, snapshot, keys, client=self.client)
        except (InventoryError, ValueError) as exc:
            self.app.call_from_thread(self._status, f"Nothing adopted: {exc}", True)
            return
        with state.lock:
            if state.is_demo:
                state.workspace = ws  # the demo is never written; the change stays in memory
            else:
                state.written_elsewhere(ws, writer.digest if isinstance(writer.digest, str) else None)
        self.app.call_from_thread(self._adopted, report)

    def _adopted(self, report: AdoptReport) -> None:
        self.selected.clear()
        if self.snapshot is not None:
            self._show(self.snapshot, page=self.pages.page)  # the review again, on the page the user was on
        notes = f" ({'; '.join(report.notes)})" if report.notes else ""
        self._status(
            f"Adopted {len(report.added)} new, updated {len(report.updated)}, "
            f"{len(report.unchanged)} already recorded.{notes}"
        )

    def _status(self, text: str, error: bool = False) -> None:
        self.query_one("#discover-status", Static).update(
            safe_content("[red]$text[/red]" if error else "$text", text=text)
        )

    def on_unmount(self) -> None:
        """Leaving (or quitting) while a device code waits cancels it, so the sign-in thread ends now, not
        when the code expires."""
        if self.device is not None:
            self.device.cancel()

    def action_leave(self) -> None:
        if self.device is not None:  # escape first cancels a waiting device code sign-in
            self.device.cancel()
            self._hide_code()
            self._status("Sign-in cancelled. Press r to try again.", error=True)
            return
        self.dismiss()
