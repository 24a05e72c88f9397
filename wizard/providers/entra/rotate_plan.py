"""What `idspine rotate NAME` would rotate: the service principal, the credentials carrying its secret, the plan.

NAME is a service principal, or an inventory credential that belongs to one (its `identity`). The
credentials carrying the principal's client secret are those of that identity whose secret reference is
the principal's own (or unset); those also in n8n (an n8n type and id) get a new n8n credential. The plan is
what --dry-run prints and what the app's rotate dialog shows before it asks: read-only, ids and names only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.model import Credential, CredentialKind, Method, ServicePrincipal, Status, Workspace
from wizard.safe_text import one_line

if TYPE_CHECKING:
    from wizard.providers.entra.client import GraphClient
    from wizard.providers.entra.rotate_journal import Journal
    from wizard.providers.n8n.client import N8nProvider

EXPLAINER = "dual-phase-rotation"  # explainers/dual-phase-rotation.md
IDSPINE_SECRET_PREFIX = "idspine "  # display names idspine gives client secrets (as apply does)
STEPS = ("add", "store", "verify", "n8n", "remove-old", "record")
STEP_WORDS = {
    "add": "add a new client secret in Entra (addPassword)",
    "store": "store its value in the secret store",
    "verify": "prove the new secret gets a token",
    "n8n": "replace the n8n credentials and re-point their workflows",
    "remove-old": "remove the old secret from Entra (removePassword)",
    "record": "record the new secret's reference, key id and dates in the inventory",
}


class RotateRefused(ValueError):
    """Rotation cannot start (or go on) as asked; nothing was changed by this call. One line, safe to show."""


@dataclass
class RotationTarget:
    """The service principal to rotate and the inventory credentials that carry its secret."""

    sp: ServicePrincipal
    credentials: list[Credential] = field(default_factory=list)

    @property
    def in_n8n(self) -> list[Credential]:
        return [c for c in self.credentials if c.n8n_type and c.n8n_id]

    @property
    def recorded_keys(self) -> set[str]:
        return {str(c.key_id) for c in self.credentials if c.key_id}


def carries_secret(sp: ServicePrincipal, cred: Credential) -> bool:
    """Whether *cred* uses *sp*'s client secret (same identity, and no secret reference of its own)."""
    return (
        cred.identity == sp.name
        and cred.status != Status.RETIRED
        and cred.method != Method.FEDERATION
        and (not cred.secret_ref or cred.secret_ref == sp.secret_ref)
    )


def rotation_target(ws: Workspace, name: str) -> RotationTarget:
    """The target for NAME (a service principal or a credential id of one); RotateRefused says what is wrong."""
    sp = ws.service_principal(name)
    if sp is None:
        cred = ws.credential(name)
        if cred is not None:
            if not cred.identity or ws.service_principal(cred.identity) is None:
                raise RotateRefused(
                    f"credential {one_line(name)} belongs to no service principal; rotate covers Entra client "
                    "secrets (for other keys see `idspine explain rotation-and-revocation`)"
                )
            sp = ws.service_principal(cred.identity)
    if sp is None:
        known = ", ".join(s.name for s in ws.service_principals if s.credential_kind == CredentialKind.SECRET)
        raise RotateRefused(
            f"no service principal or credential named {one_line(name)!r} (client-secret identities: "
            f"{one_line(known) or 'none'})"
        )
    if sp.credential_kind != CredentialKind.SECRET:
        raise RotateRefused(
            f"{sp.name} uses {sp.credential_kind.value} credentials, not a client secret; nothing to rotate"
        )
    if not sp.application_object_id:
        raise RotateRefused(
            f"{sp.name} has no app registration object id in the inventory: run `idspine entra apply` "
            "(or discover and adopt it) first"
        )
    if not sp.app_id:
        raise RotateRefused(f"{sp.name} has no app id in the inventory: run `idspine entra apply` first")
    return RotationTarget(sp, [c for c in ws.credentials if carries_secret(sp, c)])


def old_and_kept(target: RotationTarget, passwords: list[dict]) -> tuple[list[str], list[str]]:
    """(key ids to remove after the new secret is proven, key ids left alone) among the app's *passwords*.

    The old secret is the one the inventory records (Credential.key_id). When no key id is recorded, the
    secrets idspine made (display name "idspine …") are the old ones; any other secret is never touched.
    """
    present = [str(p.get("keyId")) for p in passwords if p.get("keyId")]
    recorded = target.recorded_keys & set(present)
    if recorded:
        old = [k for k in present if k in recorded]
    else:
        old = [
            str(p["keyId"])
            for p in passwords
            if p.get("keyId") and str(p.get("displayName") or "").startswith(IDSPINE_SECRET_PREFIX)
        ]
    return old, [k for k in present if k not in old]


def render_plan(
    ws: Workspace,
    name: str,
    *,
    graph: GraphClient | None = None,
    n8n: N8nProvider | None = None,
    journal: Journal | None = None,
    store_where: str = "",
) -> list[str]:
    """The steps a rotation of NAME would take, one line each (reads only; no value, no write)."""
    target = rotation_target(ws, name)
    sp = target.sp
    lines = [f"Rotate the client secret of {sp.name} (app {sp.app_id}); see `idspine explain {EXPLAINER}`."]
    if journal is not None:
        lines.append(
            f"An interrupted rotation started {journal.started} resumes at step: {journal.step}"
            + (f" (new key {journal.new_key})" if journal.new_key else "")
            + "."
        )
    old: list[str] = list(journal.old_keys) if journal else []
    kept: list[str] = list(journal.kept_keys) if journal else []
    if journal is None and graph is not None:
        passwords = graph.password_credentials(str(sp.application_object_id))
        old, kept = old_and_kept(target, passwords)
    for i, step in enumerate(STEPS, 1):
        detail = ""
        if step == "store":
            detail = f": {store_where}" if store_where else ""
        elif step == "n8n":
            names = ", ".join(f"{c.id} (n8n {c.n8n_id})" for c in target.in_n8n)
            detail = f": {names}" if names else ": none of its credentials is in n8n; skipped"
            if n8n is not None:
                for cred in target.in_n8n:
                    using = n8n.workflows_using(cred.n8n_id)
                    wf = ", ".join(str(w.get("name") or w.get("id")) for w in using) or "none"
                    detail += f"; workflows using {cred.n8n_id}: {wf}"
        elif step == "remove-old":
            if graph is None and journal is None:
                detail = (
                    ": the secret the inventory records (the app's secrets are read from Graph when it runs)"
                )
            else:
                detail = f": {', '.join(old) if old else 'none found'}"
                if kept:
                    detail += f"; left in place (not idspine's, not recorded): {', '.join(kept)}"
        lines.append(f"  {i}. {STEP_WORDS[step]}{detail}")
    lines.append("The old secret is removed only after the new one has got a token.")
    return [one_line(line) for line in lines]
