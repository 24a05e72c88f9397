"""The inventory inspector: every identity and credential in a table, filtered as you type, with fixes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static

from wizard.audit import SEVERITY_ORDER, Finding
from wizard.audit.rows import COLUMNS, Row, build_rows, detail_facts, filter_rows, refilter, sort_rows
from wizard.ui import heap
from wizard.ui.badges import WORDS, badge
from wizard.ui.fit import lead, wrap
from wizard.ui.markup import cell
from wizard.ui.markup import esc as escape
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.fast_table import FastTable
from wizard.ui.widgets.footer import Footer

if TYPE_CHECKING:
    from wizard.model import Workspace

PAGE = 200
FILTER_DELAY = 0.1  # seconds of quiet typing before filtering (each keystroke restarts it)
KIND_LABEL = {"credential": "cred", "service-principal": "sp", "group": "group"}  # narrow at 80 columns


class InspectorScreen(IdspineScreen[None]):
    """Inventory inspector, smooth at 10,000 rows: filtering is plain Python, the table shows one page."""

    CSS_PATH = "inspector.tcss"
    HELP_TITLE = "Inventory inspector"
    HELP_TEXT = (
        "Type to filter: words match anywhere; client:acme, method:pat, health:error, "
        "service:airtable, owner:alex, kind:group, tenant:home match one column. Enter in the filter moves to the "
        "table; the pane shows the highlighted row's findings and fixes; enter on a row opens the "
        "explainer of its worst finding. Click a column header (or press s) to sort; r reverses. "
        "e (or Edit in the pane) records a credential's secret location, owner, expiry and notes, or a service "
        "principal's owner, client id, audience and assignment. t rotates the "
        "client secret of the highlighted service principal (or of the one a credential belongs to)."
    )
    BINDINGS = [
        # priority, so / jumps to the filter even from inside it; the filter refuses / (no name, slug, e-mail or
        # date it searches holds one), so nothing is lost
        Binding("slash", "focus_filter", "Filter", priority=True),
        Binding("e", "edit", "Edit"),
        Binding(
            "t", "rotate", "Rotate", show=False
        ),  # the detail pane offers it where it applies (80x24 footer)
        Binding("s", "cycle_sort", "Sort"),
        Binding("r", "reverse_sort", "Reverse", show=False),
        Binding("right_square_bracket", "page(1)", "Next page"),
        Binding("left_square_bracket", "page(-1)", "Prev page", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, health: str = ""):
        super().__init__()
        self.rows: list[Row] = []
        self.findings: dict[str, list[Finding]] = {}
        self.matches: list[Row] = []
        self.page = 0
        self.sort_column = "health"
        self.sort_reverse = False
        self.initial_query = f"health:{health}" if health else ""
        self._debounce: Timer | None = None
        self._filtered: tuple[list[Row], str] = ([], "")  # the rows and the query `matches` came from

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            value=self.initial_query,
            placeholder="filter: words, client:acme, method:pat, health:error",
            id="filter",
            restrict=r"[^/]*",
        )
        with Horizontal(id="inspector-body"):
            with Vertical(id="table-column"):
                yield FastTable(id="rows", cursor_type="row", zebra_stripes=True)
                yield Static(id="page-status", classes="muted")
            with VerticalScroll(id="detail-scroll"):
                yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in COLUMNS:
            table.add_column(col, key=col)
        self.load_rows()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show_page())  # badge colours

    @work(thread=True, exclusive=True, group="inspector")
    def load_rows(self) -> None:
        """Flatten and audit the workspace off the UI thread."""
        state = self.workspace_state
        rows, findings = build_rows(state.workspace, state.today, self.idspine.audit_findings())
        self.app.call_from_thread(self._rows_ready, rows, findings)

    def _rows_ready(self, rows: list[Row], findings: dict[str, list[Finding]]) -> None:
        heap.settle()  # before sorting: a full collection now would walk every new row (wizard/ui/heap.py)
        self.rows, self.findings = sort_rows(rows, self.sort_column, self.sort_reverse), findings
        self.apply_filter()
        heap.settle()  # the rows live as long as the screen

    def on_unmount(self) -> None:
        # The subscription's callback holds the screen: left in place, every closed inspector (and its
        # rows, ~15 MB at 10,000 credentials) stayed alive for the rest of the session.
        self.app.theme_changed_signal.unsubscribe(self)
        self.app.call_after_refresh(heap.tidy)  # the rows and widgets go: collected once the screen is gone

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(FILTER_DELAY, self.apply_filter)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter: filter now and move to the table."""
        if self._debounce is not None:
            self._debounce.stop()
        self.apply_filter()
        self.query_one(DataTable).focus()

    def apply_filter(self) -> None:
        """Filter all rows and show the first page of matches (a longer query narrows the last matches)."""
        query = self.query_one("#filter", Input).value
        rows, last = self._filtered
        if rows is self.rows:  # same rows in the same order: typing on can narrow the last matches
            self.matches = refilter(self.rows, self.matches, last, query)
        else:
            self.matches = filter_rows(self.rows, query)
        self._filtered = (self.rows, query)
        self.page = 0
        self.show_page()

    def show_page(self) -> None:
        """Put one page of matches in the table."""
        table = self.query_one(DataTable)
        table.clear()
        start = self.page * PAGE
        chunk = self.matches[start : start + PAGE]
        for r in chunk:
            table.add_row(
                badge(self.app, r.health),
                KIND_LABEL.get(r.kind, r.kind),
                *map(cell, r.cells()[2:]),
                key=r.subject,
            )
        total = len(self.matches)
        pages = max(1, -(-total // PAGE))
        shown = f"{start + 1}–{start + len(chunk)}" if chunk else "0"
        arrow = "↑" if self.sort_reverse else "↓"
        self.query_one("#page-status", Static).update(
            f"{shown} of {total:,}{'' if total == len(self.rows) else f' matching ({len(self.rows):,} in all)'} "
            f"· page {self.page + 1}/{pages} · {self.sort_column} {arrow}"
        )
        if chunk:
            self.show_detail(chunk[0])
        else:
            self.query_one("#detail", Static).update("[i]Nothing matches the filter.[/]")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = self.page * PAGE + event.cursor_row
        if 0 <= index < len(self.matches):
            self.show_detail(self.matches[index])

    def show_detail(self, row: Row) -> None:
        """The selected row's facts, findings, fixes and explainer links.

        A Static with markup, not a Markdown widget: Markdown re-mounts a widget per block on every update,
        which cost 60–200 ms per highlighted row; this costs about a millisecond.
        """
        self._detail_row = row
        width = self.query_one("#detail", Static).size.width  # pre-wrapped: long e-mails break after . or @
        facts = [
            ("client", row.client or "internal"),
            ("status", row.status),
            ("service", row.service),
            ("method", row.method),
            ("owner", row.owner or "—"),
            ("expires", row.expires or "—"),
            ("tenant", row.tenant_label),
            *detail_facts(self.workspace_state.workspace, row.subject),
        ]
        lines = [lead("[b $text-accent]", "", row.name, width) + "[/]", f"[dim]{escape(row.kind)}[/]"]
        if row.subject.startswith(("credential:", "service-principal:")):
            can_rotate = _rotatable(self.workspace_state.workspace, row)
            rotate = "  [@click=screen.rotate()][u]Rotate[/u][/] [dim](t)[/]" if can_rotate else ""
            lines.append(f"[@click=screen.edit()][u]Edit[/u][/] [dim](e)[/]{rotate}")
        lines.append("")
        lines += [lead(f"[b]{k}:[/] ", f"{k}: ", v, width) for k, v in facts if v]
        lines.append("")
        found = sorted(self.findings.get(row.subject, []), key=lambda f: SEVERITY_ORDER[f.severity])
        if not found:
            lines.append("[$text-success]No findings.[/]")
        for f in found:
            link = wrap(f"Learn more: {f.explainer}", width)[len("Learn more:") :].lstrip(
                " "
            )  # breaks after -
            explain = f"[@click=screen.explain({f.explainer!r})][u]{escape(link)}[/u][/]"
            word = WORDS.get(f.severity.value, f.severity.value)
            lines += [
                lead(f"{badge(self.app, f.severity.value)} ", f"{word} ", f.message, width),
                "",
                lead("[b]Fix:[/] ", "Fix: ", f.fix, width),
                f"[b]Learn more:[/]{'' if link.startswith(chr(10)) else ' '}{explain}",
                "",
            ]
        self.query_one("#detail", Static).update("\n".join(lines))

    def on_resize(self) -> None:
        """The detail is wrapped to the pane's width: wrap it again at the new width."""
        row = getattr(self, "_detail_row", None)
        if row is not None:
            self.call_after_refresh(self.show_detail, row)

    def action_explain(self, topic: str) -> None:
        """Open an explainer in the reader (links in the detail pane)."""
        self.idspine.open_screen("explainers", topic=topic)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: read the explainer of its worst finding."""
        found = self.findings.get(str(event.row_key.value), [])
        if found:
            worst = min(found, key=lambda f: SEVERITY_ORDER[f.severity])
            self.idspine.open_screen("explainers", topic=worst.explainer)
        else:
            self.notify("No findings for this row: nothing to explain.", timeout=3)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        self.sort_by(column, reverse=not self.sort_reverse if column == self.sort_column else False)

    def sort_by(self, column: str, reverse: bool = False) -> None:
        """Sort all rows (not only the page) by a column."""
        self.sort_column, self.sort_reverse = column, reverse
        self.rows = sort_rows(self.rows, column, reverse)
        self.apply_filter()

    def action_reverse_sort(self) -> None:
        """Reverse the current order."""
        self.sort_by(self.sort_column, not self.sort_reverse)

    def action_cycle_sort(self) -> None:
        """Sort by the next column."""
        self.sort_by(COLUMNS[(COLUMNS.index(self.sort_column) + 1) % len(COLUMNS)])

    def action_page(self, delta: int) -> None:
        """Next or previous page of matches."""
        last = max(0, (len(self.matches) - 1) // PAGE)
        self.page = min(last, max(0, self.page + delta))
        self.show_page()

    def _highlighted(self) -> Row | None:
        table = self.query_one(DataTable)
        index = self.page * PAGE + table.cursor_row
        return self.matches[index] if table.row_count and 0 <= index < len(self.matches) else None

    def action_edit(self) -> None:
        """Open the edit form for the highlighted credential or service principal."""
        from wizard.ui.screens.credential_edit import edit_form_for

        row = self._highlighted()
        form = edit_form_for(self.workspace_state.workspace, row.subject) if row else None
        if form is None:
            self.notify("Highlight a credential or a service principal to edit it.", timeout=3)
            return
        self.app.push_screen(form, self._edited)

    def _edited(self, ws: Workspace | None) -> None:
        """Keep the edited workspace, save it (lock and digest check) and refresh the rows."""
        if ws is None:
            return
        state = self.workspace_state
        state.workspace = ws  # marks it changed until the save below has written it
        self.idspine.save_workspace()
        self.load_rows()

    def action_rotate(self) -> None:
        """Open the rotate dialog for the highlighted service principal or credential."""
        from wizard.ui.screens.rotate import RotateScreen

        row = self._highlighted()
        if row is None or not row.subject.startswith(("service-principal:", "credential:")):
            self.notify("Highlight a service principal or a credential to rotate its secret.", timeout=3)
            return
        name = row.subject.split(":", 1)[1]
        self.app.push_screen(RotateScreen(name), self._rotated)

    def _rotated(self, changed: bool | None) -> None:
        if changed:  # the rotation saved the file and the app's copy follows it
            self.load_rows()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_leave(self) -> None:
        self.dismiss()


def _rotatable(ws: Workspace, row: Row) -> bool:
    """Rows `t` rotates: a service principal with a client secret, or a credential that belongs to one."""
    kind, _, name = row.subject.partition(":")
    if kind == "credential":
        cred = ws.credential(name)
        name = cred.identity if cred is not None else ""
    from wizard.vocabulary import CredentialKind

    sp = ws.service_principal(name) if name else None
    return sp is not None and sp.credential_kind == CredentialKind.SECRET
