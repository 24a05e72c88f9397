"""Editing a credential's recorded facts (secret location, owner, expiry, notes, Google publishing status, n8n
credential id): one check for every face.

The inspector's edit form and `idspine edit` both call `check_fields` and `edit_credential`, so a value is
accepted or refused the same way everywhere. Messages never repeat a value: a pasted secret must not reach
the screen, a log or the terminal.
"""

from __future__ import annotations

import datetime as dt
import re

from wizard.model import Workspace, is_google_service
from wizard.secrets.guard import find_secret_kind, validate_reference

FIELDS = ("secret_ref", "owner", "expires", "notes", "google_publishing_status", "n8n_id")
MAX_NOTES = 500
PUBLISHING_STATUSES = (
    "testing",
    "in-production",
)  # the model's Literal, as the Google consent screen says it
# n8n's own ids: 16 characters from its nanoid alphabet (letters and digits; n8n-io/n8n packages/@n8n/utils/src/
# workflowId.ts, generateNanoId); instances from before 1.0 numbered them. Both fit; nothing else does.
N8N_ID = re.compile(r"^[A-Za-z0-9]{1,36}$")
# A pragmatic address check (owners are mailboxes people type): one @, a dotted domain, no spaces or markup.
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


class EditProblems(ValueError):
    """Values that cannot be recorded, per field; messages never contain the values."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def email_problem(value: str) -> str:
    """'' for an e-mail address, else what is wrong."""
    return "" if EMAIL.match(value) and len(value) <= 254 else "an e-mail address, e.g. alex@yourdomain.com"


def notes_problem(value: str) -> str:
    """'' for one line of plain notes, else what is wrong."""
    from wizard.safe_text import has_unsafe

    if "\n" in value or has_unsafe(value):  # the one definition of a control character (C0, C1, bidi)
        return "notes are one line of plain text (no control characters)"
    return "" if len(value) <= MAX_NOTES else f"at most {MAX_NOTES} characters"


def fields_for(ws: Workspace, cred_id: str) -> tuple[str, ...]:
    """The fields this credential has (the Google publishing status only for Google services)."""
    cred = ws.credential(cred_id)
    google = cred is not None and is_google_service(cred.service)
    return tuple(f for f in FIELDS if google or f != "google_publishing_status")


def field_problem(ws: Workspace, cred_id: str, field: str, value: str) -> str:
    """What is wrong with one new value ('' when fine; an empty value clears the field)."""
    value = value.strip()
    if field == "google_publishing_status" and field not in fields_for(ws, cred_id):
        return "only Google OAuth clients have a publishing status"
    if not value:
        return ""
    if field == "google_publishing_status":
        return "" if value in PUBLISHING_STATUSES else "testing or in-production"
    if field == "n8n_id":
        if not N8N_ID.match(value):
            return "n8n's credential id: letters and digits (n8n shows it in the credential's address)"
        other = next((c.id for c in ws.credentials if c.n8n_id == value and c.id != cred_id), None)
        return f"{other} already records that n8n credential" if other else ""
    if field == "secret_ref":
        try:
            validate_reference(value)
        except ValueError as exc:
            return str(exc).splitlines()[0]
        from wizard.secrets.refs import describe, store_key, taken_keys

        key = store_key(value)
        holder = taken_keys(ws, {f"credential:{cred_id}"}).get(key)
        cred = ws.credential(cred_id)
        if holder is not None and not (
            cred is not None and cred.identity and holder == f"service-principal:{cred.identity}"
        ):
            return f"{describe(key)} already holds the secret of {holder.split(':', 1)[1]}"
        return ""
    if find_secret_kind(value):
        return "this looks like a secret value; idspine never stores secrets (record where it lives instead)"
    if field == "owner":
        return email_problem(value)
    if field == "expires":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "a date as YYYY-MM-DD, e.g. 2027-03-31"
        return "" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else "a date as YYYY-MM-DD, e.g. 2027-03-31"
    if field == "notes":
        return notes_problem(value)
    return f"{field} cannot be edited here"


def check_fields(ws: Workspace, cred_id: str, changes: dict[str, str]) -> dict[str, str]:
    """Problems per field with the new values (empty when every value can be recorded)."""
    if ws.credential(cred_id) is None:
        return {"id": "no credential with that id (`idspine check` and the inspector list them)"}
    problems = {f: p for f, value in changes.items() if (p := field_problem(ws, cred_id, f, value))}
    return problems


def edit_credential(ws: Workspace, cred_id: str, changes: dict[str, str]) -> Workspace:
    """A copy of the workspace with the credential's fields changed (EditProblems, nothing changed, on error).

    Empty values clear a field (secret_ref, expires) or set it empty (owner, notes).
    """
    problems = check_fields(ws, cred_id, changes)
    if problems:
        raise EditProblems(problems)
    out = ws.model_copy(deep=True)
    cred = out.credential(cred_id)
    assert cred is not None
    for field, raw in changes.items():
        value = raw.strip()
        try:
            if field == "secret_ref":
                cred.secret_ref = value or None
            elif field == "expires":
                cred.expires = dt.date.fromisoformat(value) if value else None
            elif field == "owner":
                cred.owner = value
            elif field == "notes":
                cred.notes = value
            elif field == "n8n_id":
                cred.n8n_id = value
            elif field == "google_publishing_status":
                cred.google_publishing_status = value or None  # type: ignore[assignment]  # checked above
        except ValueError:  # the model's own guard; its message may quote nothing but the field
            raise EditProblems({field: "this value cannot be recorded"}) from None
    return out
