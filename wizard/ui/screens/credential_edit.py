"""The inspector's edit forms, checked as you type: a credential's secret location, owner, expiry, notes, Google
publishing status (Google OAuth clients) and n8n credential id (wizard.credential_edit); a service principal's
owner, client id (IdPs other than Entra), sign-in audience, assignment and notes (wizard.sp_edit). The command
line's `idspine edit` and `idspine edit-sp` use the same core checks."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from wizard.credential_edit import EditProblems, edit_credential, field_problem, fields_for
from wizard.model import Workspace
from wizard.ui.markup import esc as escape
from wizard.ui.screens.base import IdspineModalScreen
from wizard.ui.widgets.footer import Footer

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
SP_LABELS = {
    "owner": ("Owner (e-mail)", "who answers for it"),
    "client_id": ("Client id", "as the IdP shows it (Okta 0oa…, a Keycloak clientId)"),
    "sign_in_audience": ("Sign-in audience", "single-tenant or multi-tenant; empty when not known"),
    "assignment_required": ("Assignment required", "yes or no; empty when not known"),
    "notes": ("Notes", "one line"),
}


class EditForm(IdspineModalScreen[Workspace | None]):
    """One entry's fields as inputs; dismisses with the changed workspace, or None when cancelled.

    Subclasses set the fields, their labels and recorded values, and the core check and change."""

    CSS_PATH = "credential_edit.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    title_text = ""
    subtitle = ""

    def __init__(self, ws: Workspace, fields: tuple[str, ...], labels: dict[str, tuple[str, str]]):
        super().__init__()
        self.ws = ws
        self.fields = fields
        self.labels = labels
        self.initial: dict[str, str] = {}

    def problem(self, field: str, value: str) -> str:
        raise NotImplementedError

    def changed(self, changes: dict[str, str]) -> Workspace:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="edit-box"):
            yield Static(
                f"[b]Edit {escape(self.title_text)}[/b]  [dim]{escape(self.subtitle)}[/dim]", id="edit-title"
            )
            for field in self.fields:
                label, hint = self.labels[field]
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
        """The same check the command line makes, shown under the field (never repeating the value)."""
        field = (event.input.id or "").removeprefix("edit-")
        if field in self.fields:
            self._show(field, self.problem(field, event.value))

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
            ws = self.changed(changes)
        except EditProblems as exc:
            for field in self.fields:
                self._show(field, exc.problems.get(field, ""))
            return
        self.dismiss(ws)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CredentialEditScreen(EditForm):
    """Edit one credential's recorded facts."""

    subtitle = "a reference, never the secret itself"

    def __init__(self, ws: Workspace, cred_id: str):
        super().__init__(ws, fields_for(ws, cred_id), LABELS)
        self.cred_id = self.title_text = cred_id
        cred = ws.credential(cred_id)
        assert cred is not None
        recorded = {
            "secret_ref": cred.secret_ref or "",
            "owner": cred.owner,
            "expires": cred.expires.isoformat() if cred.expires else "",
            "notes": cred.notes,
            "google_publishing_status": cred.google_publishing_status or "",
            "n8n_id": cred.n8n_id,
        }
        self.initial = {f: recorded[f] for f in self.fields}

    def problem(self, field: str, value: str) -> str:
        return field_problem(self.ws, self.cred_id, field, value)

    def changed(self, changes: dict[str, str]) -> Workspace:
        return edit_credential(self.ws, self.cred_id, changes)


class ServicePrincipalEditScreen(EditForm):
    """Edit one service principal's recorded facts."""

    subtitle = "what the IdP shows; never a secret"

    def __init__(self, ws: Workspace, name: str):
        from wizard.sp_edit import recorded_sp_values, sp_fields_for

        super().__init__(ws, sp_fields_for(ws), SP_LABELS)
        self.sp_name = self.title_text = name
        sp = ws.service_principal(name)
        assert sp is not None
        recorded = recorded_sp_values(sp)
        self.initial = {f: recorded[f] for f in self.fields}

    def problem(self, field: str, value: str) -> str:
        from wizard.sp_edit import sp_field_problem

        return sp_field_problem(self.ws, self.sp_name, field, value)

    def changed(self, changes: dict[str, str]) -> Workspace:
        from wizard.sp_edit import edit_service_principal

        return edit_service_principal(self.ws, self.sp_name, changes)


def edit_form_for(ws: Workspace, subject: str) -> EditForm | None:
    """The edit form for an inspector row's subject (credential:ID or service-principal:NAME), or None."""
    kind, _, key = subject.partition(":")
    if kind == "credential" and ws.credential(key) is not None:
        return CredentialEditScreen(ws, key)
    if kind == "service-principal" and ws.service_principal(key) is not None:
        return ServicePrincipalEditScreen(ws, key)
    return None
