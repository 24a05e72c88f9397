"""Editing a service principal's recorded facts (owner, client id, sign-in audience, assignment, notes): one check
for every face.

`idspine edit-sp NAME` and the inspector's edit form on a service-principal row both call `sp_field_problem` and
`edit_service_principal`, so a value is accepted or refused the same way everywhere. As in
wizard.credential_edit, messages never repeat a value. The client id is for IdPs other than Entra (Okta 0oa…,
Auth0, authentik, Keycloak's chosen clientId): Entra's application id is a GUID that apply or discover records.
"""

from __future__ import annotations

import re

from wizard.credential_edit import EditProblems, email_problem, notes_problem
from wizard.idps.catalogue import ENTRA, profile_for
from wizard.model import ServicePrincipal, Workspace
from wizard.secrets.guard import find_secret_kind

SP_FIELDS = ("owner", "client_id", "sign_in_audience", "assignment_required", "notes")
AUDIENCES = ("single-tenant", "multi-tenant")
YES, NO = ("yes", "true"), ("no", "false")
CLIENT_ID = re.compile(r"^[A-Za-z0-9._:@/-]{1,200}$")  # the model's own pattern (ServicePrincipal.client_id)


def sp_fields_for(ws: Workspace) -> tuple[str, ...]:
    """The fields that can be edited in this workspace (the client id only when the IdP is not Entra)."""
    entra = profile_for(ws.consultancy.idp).key == ENTRA.key
    return tuple(f for f in SP_FIELDS if not (entra and f == "client_id"))


def _secret_problem(value: str) -> str:
    # The same judgement the inventory's save makes over the whole file (wizard.inventory_scan), so a value
    # accepted here is never refused at the save: a long random client id counts as a secret there too.
    if find_secret_kind(value):
        return "this looks like a secret value; idspine never stores secrets (record where it lives instead)"
    return ""


def sp_field_problem(ws: Workspace, name: str, field: str, value: str) -> str:
    """What is wrong with one new value ('' when fine; an empty value clears the field)."""
    value = value.strip()
    if field not in SP_FIELDS:
        return f"{field} cannot be edited here"
    if field not in sp_fields_for(ws):
        return "Entra's application id is recorded by apply or discover; the client id is for other IdPs"
    if not value:
        return ""
    if problem := _secret_problem(value):
        return problem
    if field == "owner":
        return email_problem(value)
    if field == "client_id":
        return (
            "" if CLIENT_ID.match(value) else "letters, digits and . _ : @ / - only, at most 200 characters"
        )
    if field == "sign_in_audience":
        return "" if value in AUDIENCES else "single-tenant or multi-tenant"
    if field == "assignment_required":
        return "" if value.lower() in YES + NO else "yes or no"
    return notes_problem(value)


def check_sp_fields(ws: Workspace, name: str, changes: dict[str, str]) -> dict[str, str]:
    """Problems per field with the new values (empty when every value can be recorded)."""
    if ws.service_principal(name) is None:
        return {"name": "no service principal with that name (`idspine check` and the inspector list them)"}
    return {f: p for f, value in changes.items() if (p := sp_field_problem(ws, name, f, value))}


def recorded_sp_values(sp: ServicePrincipal) -> dict[str, str]:
    """The fields as the form shows them."""
    required = sp.assignment_required
    return {
        "owner": sp.owner,
        "client_id": sp.client_id,
        "sign_in_audience": sp.sign_in_audience or "",
        "assignment_required": "" if required is None else ("yes" if required else "no"),
        "notes": sp.notes,
    }


def edit_service_principal(ws: Workspace, name: str, changes: dict[str, str]) -> Workspace:
    """A copy of the workspace with the service principal's fields changed (EditProblems, nothing changed, on
    error). Empty values clear a field (sign-in audience and assignment become 'not known')."""
    problems = check_sp_fields(ws, name, changes)
    if problems:
        raise EditProblems(problems)
    out = ws.model_copy(deep=True)
    sp = out.service_principal(name)
    assert sp is not None
    for field, raw in changes.items():
        value = raw.strip()
        try:
            if field == "owner":
                sp.owner = value
            elif field == "client_id":
                sp.client_id = value
            elif field == "sign_in_audience":
                sp.sign_in_audience = value or None  # type: ignore[assignment]  # checked above
            elif field == "assignment_required":
                sp.assignment_required = None if not value else value.lower() in YES
            elif field == "notes":
                sp.notes = value
        except ValueError:  # the model's own guard; its message may quote nothing but the field
            raise EditProblems({field: "this value cannot be recorded"}) from None
    return out
