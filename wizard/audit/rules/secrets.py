"""Audit rules on where secrets live: unrecorded, colliding or shared store entries, and secrets keyless could replace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from wizard.audit import Finding, Severity
from wizard.audit.rules.scope import credential_subject, live
from wizard.keyless import credential_kind_for
from wizard.model import (
    CredentialKind,
    Status,
    Workspace,
)


def missing_secret_reference(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Secrets whose storage place is not recorded: push, verify and rotation cannot find them."""
    from wizard.secrets.refs import credential_needs_secret

    sps = {sp.name: sp for sp in ws.service_principals}
    for c in live(ws.credentials):
        if c.secret_ref or not credential_needs_secret(c, sps.get):
            continue
        if (
            c.n8n_id and not c.identity
        ):  # kept in n8n alone (adopted from its workflows): n8n is where it lives
            continue
        if c.expires is not None and c.expires < today:  # dead already: the `expired` finding says remove it
            continue
        when = (
            "is planned but nothing records where its secret will live"
            if c.status == Status.PLANNED
            else "is active but the inventory does not say where its secret lives"
        )
        yield Finding(
            "no-secret-ref",
            Severity.WARNING,
            credential_subject(c),
            f"{c.label or c.id} {when}.",
            "Record the reference (env:NAME, keyvault://vault/name, op://vault/item/field, file:PATH): "
            f"the wizard's secrets step, the inspector (e), or `idspine edit {c.id} --secret-ref REF`.",
            "secret-stores",
        )
    for sp in live(ws.service_principals):
        if sp.status == Status.ACTIVE and sp.credential_kind == CredentialKind.SECRET and not sp.secret_ref:
            yield Finding(
                "no-secret-ref",
                Severity.WARNING,
                f"service-principal:{sp.name}",
                f"{sp.name} uses a client secret but its storage place is not recorded.",
                "Record the secret store reference.",
                "secret-stores",
            )


def secret_store_collisions(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Two credentials or identities whose secrets land in one store entry, so one overwrites the other."""
    from wizard.secrets.refs import collisions

    for hit in collisions(ws):
        for subject, other in ((hit.first, hit.second), (hit.second, hit.first)):
            yield Finding(
                "secret-collision",
                Severity.ERROR,
                subject,
                f"Its secret maps to the same store entry as {other.split(':', 1)[1]}: {hit.where}.",
                "Give one of them its own reference (or rename the service principal) so neither secret "
                "replaces the other.",
                "secret-stores",
            )


def secret_not_keyless(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """A client secret on an identity whose tool can present its own token (federation) or use a managed
    identity, judged by the same table the service-principal flow chooses with. Mirrors Maester MT.1057."""
    for sp in live(ws.service_principals):
        if sp.credential_kind != CredentialKind.SECRET:
            continue
        keyless = credential_kind_for(sp.tool, "auto")
        if keyless == CredentialKind.SECRET:
            continue
        federated = keyless == CredentialKind.FEDERATED
        yield Finding(
            "secret-not-keyless",
            Severity.WARNING,
            f"service-principal:{sp.name}",
            f"{sp.name} holds a client secret, but {sp.tool} can sign in with "
            f"{'a federated credential' if federated else 'a managed identity'} and hold no secret.",
            "Add the federated credential (exact subject) and switch the workload to it, then delete the "
            "client secret."
            if federated
            else "Turn on the resource's managed identity, grant it the same access, then delete the app's "
            "client secret.",
            "workload-identity-federation" if federated else "managed-identity",
        )


def secret_shared_across_clients(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """One secret store entry used by entries of two clients (or a client and the consultancy): revoking it for one
    breaks the other, and one client's leak opens the other's data."""
    from wizard.secrets.refs import StoreKey, describe, store_key

    users: dict[StoreKey, list[tuple[str, str]]] = {}
    refs = [(credential_subject(c), c.client, c.secret_ref) for c in live(ws.credentials)]
    refs += [(f"service-principal:{sp.name}", sp.client, sp.secret_ref) for sp in live(ws.service_principals)]
    keys: dict[str, StoreKey | None] = {}  # one reference is often on many entries: worked out once
    for subject, client, ref in refs:
        if not ref:
            continue
        if ref not in keys:
            try:
                keys[ref] = store_key(ref)
            except ValueError:
                keys[ref] = None
        key = keys[ref]
        if key is not None:
            users.setdefault(key, []).append((subject, client))
    for key, entries in users.items():
        clients = {client for _, client in entries}
        if len(clients) < 2:
            continue
        names = ", ".join(sorted(c or "your own consultancy" for c in clients))
        for subject, _ in entries:
            yield Finding(
                "secret-shared-across-clients",
                Severity.ERROR,
                subject,
                f"Its secret ({describe(key)}) is also used for {names}.",
                "Issue a separate secret per client and store each under its own reference, then revoke "
                "the shared one.",
                "secret-stores",
            )


def secret_beside_federation(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """A service principal with both a federated credential and a client secret: the secret is usually left over
    from before federation and still works for anyone who holds it. Mirrors Maester MT.1057."""
    for sp in live(ws.service_principals):
        if sp.federated_credentials and (sp.credential_kind == CredentialKind.SECRET or sp.secret_ref):
            yield Finding(
                "secret-beside-federation",
                Severity.WARNING,
                f"service-principal:{sp.name}",
                f"{sp.name} has federated credential(s) and also a client secret"
                f"{f' ({sp.secret_ref})' if sp.secret_ref else ''}.",
                "Once the federated sign-in works, delete the client secret in the IdP, remove it from the "
                "store and clear its reference here.",
                "workload-identity-federation",
            )


def onepassword_ref_without_field(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """A 1Password reference naming a vault and an item but no field: `op read` resolves only
    op://vault/item/[section/]field (developer.1password.com/docs/cli/secrets-reference-syntax), so push,
    verify and rotation can never read it. The reference guard still accepts the short form, so older
    inventories load; this rule says what to add."""
    refs = [(credential_subject(c), c.secret_ref) for c in live(ws.credentials)]
    refs += [(f"service-principal:{sp.name}", sp.secret_ref) for sp in live(ws.service_principals)]
    for subject, ref in refs:
        if not ref or not ref.startswith(("1password://", "op://")):
            continue
        parts = ref.split("://", 1)[1].split("/")
        if len(parts) >= 3 and all(parts):
            continue
        yield Finding(
            "secret-ref-no-field",
            Severity.WARNING,
            subject,
            "Its 1Password reference names a vault and an item but no field, so `op read` cannot resolve it.",
            "Add the field: op://vault/item/field (e.g. op://Clients/Acme-n8n/credential), with "
            f"`idspine edit {subject.split(':', 1)[1]} --secret-ref REF` or the inspector (e)."
            if subject.startswith("credential:")
            else "Add the field: op://vault/item/field (e.g. op://Clients/Acme-n8n/credential).",
            "secret-stores",
        )
