"""Step 4 of a rotation: hand the new client secret to n8n, which cannot update a credential in place.

n8n's public API has no update for credentials (POST and DELETE /api/v1/credentials only; see
wizard.providers.n8n.client), so each n8n credential carrying the secret is replaced: a new credential is
created with the new secret, every workflow whose nodes used the old one is re-pointed to it (PUT
/api/v1/workflows/{id}), then the old one is deleted. Every id is written to the journal as it is known,
so a rerun re-points only what still uses an old id and never deletes before the new credential exists.
A create whose answer was lost leaves a credential idspine has no id for; n8n's security audit lists
credentials no workflow uses, so the rerun finds it by its name and deletes it (when the API key may
generate audits; otherwise it says which name to delete by hand).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wizard.providers.entra.rotate_journal import Journal, N8nSwitch, save_journal
from wizard.providers.errors import ProviderError
from wizard.safe_text import one_line

if TYPE_CHECKING:
    from wizard.model import Credential
    from wizard.providers.entra.rotate import Rotator
    from wizard.providers.n8n.client import N8nProvider


def switch_n8n(rotator: Rotator, j: Journal, jpath: Path) -> None:
    """Replace every n8n credential of the rotation (new one, workflows re-pointed, old deleted)."""
    from wizard.providers.entra.rotate import RotateFailed

    n8n = rotator.n8n
    if not j.n8n:
        return
    if n8n is None:
        raise RotateFailed("the rotation has n8n credentials to replace but no n8n connection was given")
    for cred_id, switch in j.n8n.items():
        cred = rotator.ws.credential(cred_id)
        if cred is None:
            raise RotateFailed(f"credential {cred_id} left the inventory during the rotation; add it back")
        if not switch.new_id:
            _create(rotator, n8n, cred, switch, j, jpath)
        _repoint_and_delete(rotator, n8n, cred, switch, j, jpath)
    rotator.say(f"4/6 n8n: {len(j.n8n)} credential(s) replaced")


def _create(
    rotator: Rotator, n8n: N8nProvider, cred: Credential, switch: N8nSwitch, j: Journal, jpath: Path
) -> None:
    from wizard.providers.entra.rotate import RotateFailed
    from wizard.providers.n8n.client import build_context, n8n_name
    from wizard.providers.n8n.credentials import CredentialBuildError, build_data, schema_problems

    name = n8n_name(cred)
    if switch.pending_name:  # a create whose answer may have been lost: find and delete what it made
        _delete_lost(rotator, n8n, switch)
    try:
        data = build_data(cred.n8n_type, rotator._value, build_context(rotator.ws, cred))
        problems = schema_problems(data, n8n.credential_schema(cred.n8n_type))
    except CredentialBuildError as exc:
        raise RotateFailed(f"n8n credential {cred.id}: {exc}") from None
    if problems:
        raise RotateFailed(f"n8n credential {cred.id} does not match n8n's schema: " + "; ".join(problems))
    switch.pending_name = name
    save_journal(jpath, j)
    rotator.checkpoint("n8n:creating")
    new_id = n8n.create_credential(name, cred.n8n_type, data)
    rotator.checkpoint("n8n:created")
    switch.new_id, switch.pending_name = new_id, ""
    save_journal(jpath, j)
    rotator.say(f"4/6 n8n: created credential {new_id} for {cred.id}")


def _delete_lost(rotator: Rotator, n8n: N8nProvider, switch: N8nSwitch) -> None:
    """Delete credentials named like the pending create that no workflow uses and idspine holds no id of."""
    known = set(switch.old_ids) | set(switch.deleted)
    try:
        unused = n8n.unused_credentials()
    except ProviderError as exc:
        rotator.say(
            f"could not check n8n for a credential named {switch.pending_name!r} whose creation was "
            f"interrupted ({exc.message}); delete it in n8n if it is there"
        )
        return
    for entry in unused:
        if entry.get("name") == switch.pending_name and str(entry.get("id")) not in known:
            n8n.delete_credential(str(entry["id"]))
            rotator.say(f"deleted n8n credential {entry['id']}, made by an interrupted earlier run")


def _repoint_and_delete(
    rotator: Rotator, n8n: N8nProvider, cred: Credential, switch: N8nSwitch, j: Journal, jpath: Path
) -> None:
    from wizard.providers.n8n.client import n8n_name

    for old in switch.old_ids:
        if old in switch.deleted:
            continue
        for workflow in n8n.workflows_using(old):
            n8n.repoint_workflow(workflow, old, switch.new_id, n8n_name(cred))
            wf_id = str(workflow.get("id"))
            wf_name = one_line(str(workflow.get("name") or wf_id))[:120]  # n8n's text: one line, never markup
            if wf_id not in switch.repointed:
                switch.repointed.append(wf_id)
            if wf_name not in switch.workflow_names:
                switch.workflow_names.append(wf_name)
            save_journal(jpath, j)
            rotator.checkpoint("n8n:repointed")
            rotator.say(f"4/6 n8n: workflow {wf_name} now uses {switch.new_id}")
        n8n.delete_credential(old)  # False when already gone: a delete whose answer was lost
        switch.deleted.append(old)
        save_journal(jpath, j)
        rotator.checkpoint("n8n:deleted")
        rotator.say(f"4/6 n8n: deleted the old credential {old}")
