"""The inspector's edit form: a credential's secret location, owner, expiry, notes, Google publishing status (Google
OAuth clients) and n8n credential id, checked as you type."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static

from wizard.credential_edit import EditProblems, edit_credential, field_problem, fields_for
from wizard.model import Workspace
from wizard.ui.markup import esc as escape
from wizard.ui.screens.base import IdspineModalScreen

LABELS = {
    "secret_ref": (
        "Where the secret lives",
        "env:NAME, keyvault://vault/name, op://vault/item/field or file:PATH",
    ),
    "owner": ("Owner (e-mail)", "who rotates it and answers for it"),
    "expires": ("Expires (YYYY-MM-DD)", "the end date the service shows; empty when none"),
    "notes": ("Notes", "one line"),
    "google_publishing_status": (
        "Publishing status (Google)",
        "testing or in-production, as the OAuth consent screen shows; empty when not known",
    ),
    "n8n_id": ("n8n credential id", "from the credential's address in n8n; empty when not in n8n"),
}


class CredentialEditScreen(IdspineModalScreen[Workspace | None]):
    """Edit one credential's recorded facts; dismisses with the changed workspace, or None when cancelled."""

    CSS_PATH = "credential_edit.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, ws: Workspace, cred_id: str):
        super().__init__()
        self.ws = ws
        self.cred_id = cred_id
        cred = ws.credential(cred_id)
        assert cred is not None
        self.fields = fields_for(ws, cred_id)
        recorded = {
            "secret_ref": cred.secret_ref or "",
            "owner": cred.owner,
            "expires": cred.expires.isoformat() if cred.expires else "",
            "notes": cred.notes,
            "google_publishing_status": cred.google_publishing_status or "",
            "n8n_id": cred.n8n_id,
        }
        self.initial = {f: recorded[f] for f in self.fields}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="edit-box"):
            yield Static(
                f"[b]Edit {escape(self.cred_id)}[/b]  [dim]a reference, never the secret itself[/dim]",
                id="edit-title",
            )
            for field in self.fields:
                label, hint = LABELS[field]
                yield Label(label, classes="edit-label")
                yield Input(value=self.initial[field], placeholder=hint, id=f"edit-{field}", compact=True)
                yield Static("", id=f"problem-{field}", classes="edit-problem", markup=False)
            with Horizontal(id="edit-buttons"):
                yield Button("Cancel", id="edit-cancel")
                yield Button("Save", id="edit-save", variant="primary")
        yield Footer()

    def values(self) -> dict[str, str]:
        """The fields as typed."""
        return {f: self.query_one(f"#edit-{f}", Input).value for f in self.fields}

    def changes(self) -> dict[str, str]:
        """Only the fields whose value differs from what is recorded."""
        return {f: v for f, v in self.values().items() if v.strip() != self.initial[f]}

    def _show(self, field: str, message: str) -> None:
        problem = self.query_one(f"#problem-{field}", Static)
        problem.update(message)
        problem.display = bool(message)
        self.query_one(f"#edit-{field}", Input).set_class(bool(message), "has-problem")

    @on(Input.Changed)
    def check_as_typed(self, event: Input.Changed) -> None:
        """The same check `idspine edit` makes, shown under the field (never repeating the value)."""
        field = (event.input.id or "").removeprefix("edit-")
        if field in self.fields:
            self._show(field, field_problem(self.ws, self.cred_id, field, event.value))

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        """Check every field; close with the changed workspace when all can be recorded."""
        changes = self.changes()
        if not changes:
            self.dismiss(None)
            return
        try:
            ws = edit_credential(self.ws, self.cred_id, changes)
        except EditProblems as exc:
            for field in self.fields:
                self._show(field, exc.problems.get(field, ""))
            return
        self.dismiss(ws)

    def action_cancel(self) -> None:
        self.dismiss(None)
