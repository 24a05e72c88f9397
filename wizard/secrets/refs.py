"""Where a secret lives, as its store sees it: one store key per reference, suggested names, and collisions.

Two references that look different can name the same entry in a store, and then one secret silently
replaces the other. The key normalises a reference the way its store compares names:

- `env:NAME` - an environment variable; compared upper-case with every character outside [A-Z0-9_] as `_`
  (how idspine's env-file sink makes keys, and what Windows does with case).
- `file:PATH#KEY` - a KEY=VALUE line in an env file: the file plus the key normalised as above;
  `file:PATH` - the whole file.
- `keyvault://VAULT/NAME[/VERSION]` - a Key Vault secret. Key Vault names allow only alphanumerics and
  dashes and its identifiers compare case-insensitively
  (https://learn.microsoft.com/en-us/azure/key-vault/about-keys-secrets-and-certificates); the version is
  the same secret.
- `1password://VAULT/ITEM[/FIELD]` and `op://VAULT/ITEM/[SECTION/]FIELD` - a 1Password item field; secret
  references are case-insensitive (https://developer.1password.com/docs/cli/secrets-reference-syntax).

New client secrets that `apply` creates go to a sink under a name made from the service principal's name
(`wizard.secrets.sinks.env_key` / `vault_secret_name`): `svc-a` and `svc_a` both become SVC_A, `svc.n8n.acme`
and `svc-n8n-acme` both become svc-n8n-acme. `collisions` reports those too, before anything is stored.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from wizard.model import Credential, CredentialKind, Method, ServicePrincipal, Status, Workspace
from wizard.secrets.guard import validate_reference

StoreKey = tuple[str, ...]

NEEDS_SECRET = frozenset(
    {
        Method.PAT,
        Method.API_KEY,
        Method.SERVICE_ACCOUNT_KEY,
        Method.OAUTH_USER,
        Method.OAUTH_CLIENT_CREDENTIALS,
    }
)
METHOD_SUFFIX = {
    Method.PAT: "pat",
    Method.API_KEY: "api-key",
    Method.SERVICE_ACCOUNT_KEY: "sa-key",
    Method.OAUTH_USER: "oauth-client",
    Method.OAUTH_CLIENT_CREDENTIALS: "client-secret",
}
SECRET_KINDS = (CredentialKind.SECRET, CredentialKind.CERTIFICATE)


def env_name(name: str) -> str:
    """An environment variable name as compared: upper-case, [^A-Z0-9_] as '_'."""
    return re.sub(r"[^A-Z0-9_]", "_", name.upper())


def keyvault_name(name: str) -> str:
    """A Key Vault secret name as compared: [^0-9a-zA-Z-] as '-', lower-case."""
    return re.sub(r"[^0-9a-zA-Z-]", "-", name).lower()


def store_key(ref: str) -> StoreKey:
    """The entry a reference names in its store (ValueError for something that is not a reference)."""
    validate_reference(ref)
    if ref.startswith("env:"):
        return ("env", env_name(ref.removeprefix("env:")))
    if ref.startswith("file:"):
        path, _, key = ref.removeprefix("file:").partition("#")
        where = os.path.normpath(os.path.expanduser(path))
        return ("env-file", where, env_name(key)) if key else ("file", where)
    if ref.startswith("keyvault://"):
        vault, name = ref.removeprefix("keyvault://").split("/")[:2]
        return ("keyvault", vault.lower(), keyvault_name(name))
    if ref.startswith("1password://"):
        parts = ref.removeprefix("1password://").split("/")
        return (
            "1password",
            parts[0].casefold(),
            parts[1].casefold(),
            parts[2].casefold() if len(parts) > 2 else "",
        )
    parts = ref.removeprefix("op://").split("/")  # op://vault/item/[section/]field
    return ("1password", parts[0].casefold(), parts[1].casefold(), parts[-1].casefold())


def describe(key: StoreKey) -> str:
    """A store key in words (it holds names, never values)."""
    kind = key[0]
    if kind == "env":
        return f"environment variable {key[1]}"
    if kind == "env-file":
        return f"{key[2]} in {key[1]}"
    if kind == "file":
        return f"file {key[1]}"
    if kind == "keyvault":
        return f"Key Vault {key[1]} secret {key[2]}"
    return f"1Password {key[1]}/{key[2]}" + (f" field {key[3]}" if key[3] else "")


def sink_keys(sp_name: str) -> set[StoreKey]:
    """The names a new client secret for this service principal gets in the env-file and Key Vault sinks."""
    from wizard.secrets.sinks import env_key, vault_secret_name

    return {
        ("sink-env", env_name(env_key(sp_name))),
        ("sink-keyvault", keyvault_name(vault_secret_name(sp_name))),
    }


def needs_secret(ws: Workspace, cred_id: str) -> bool:
    """True for a live credential whose method needs a stored secret of its own (not its identity's)."""
    cred = ws.credential(cred_id)
    return cred is not None and credential_needs_secret(cred, ws.service_principal)


def credential_needs_secret(cred: Credential, identity: Callable[[str], ServicePrincipal | None]) -> bool:
    """`needs_secret` for one credential, with a way to find its service principal (a dict's get at scale)."""
    if cred.status == Status.RETIRED or cred.method not in NEEDS_SECRET:
        return False
    sp = identity(cred.identity) if cred.identity else None
    return not (sp is not None and sp.secret_ref)


@dataclass(frozen=True)
class Collision:
    """Two objects whose secrets would land in one store entry."""

    first: str  # subject, e.g. credential:acme-airtable
    second: str
    where: str  # the entry, in words


def _owners(ws: Workspace) -> dict[StoreKey, list[tuple[str, str, str]]]:
    """Store key -> [(subject, reference or '', service principal it may share with)]."""
    out: dict[StoreKey, list[tuple[str, str, str]]] = defaultdict(list)
    for c in ws.credentials:
        if c.status != Status.RETIRED and c.secret_ref:
            try:
                out[store_key(c.secret_ref)].append((f"credential:{c.id}", c.secret_ref, c.identity))
            except ValueError:
                continue
    for sp in ws.service_principals:
        if sp.status == Status.RETIRED:
            continue
        subject = f"service-principal:{sp.name}"
        if sp.secret_ref:
            with contextlib.suppress(ValueError):
                out[store_key(sp.secret_ref)].append((subject, sp.secret_ref, sp.name))
        elif sp.credential_kind in SECRET_KINDS:
            for key in sink_keys(sp.name):
                out[key].append((subject, "", sp.name))
    return out


def collisions(ws: Workspace) -> list[Collision]:
    """Pairs of live objects mapped to one store entry by references spelled differently, or by the names
    new secrets would get. The same reference on two credentials is reported by the audit's duplicate rule;
    a credential sharing its service principal's secret is fine."""
    found: list[Collision] = []
    for key, owners in _owners(ws).items():
        if len({ref for _, ref, _ in owners}) == 1 and owners[0][1]:
            continue  # one reference spelled one way: every pair is skipped below (pairs cost O(n²))
        for i, (subject_a, ref_a, sp_a) in enumerate(owners):
            for subject_b, ref_b, sp_b in owners[i + 1 :]:
                if subject_a == subject_b or (ref_a and ref_a == ref_b) or (sp_a and sp_a == sp_b):
                    continue
                found.append(Collision(subject_a, subject_b, _where(key)))
    return found


def _where(key: StoreKey) -> str:
    if key[0] == "sink-env":
        return f"the secret env file key {key[1]} (where apply stores new client secrets)"
    if key[0] == "sink-keyvault":
        return f"the Key Vault secret name {key[1]} (where apply stores new client secrets)"
    return describe(key)


def taken_keys(
    ws: Workspace, except_subjects: frozenset[str] | set[str] = frozenset()
) -> dict[StoreKey, str]:
    """Store key -> a subject holding it, for every recorded reference except these subjects'."""
    out: dict[StoreKey, str] = {}
    for key, owners in _owners(ws).items():
        for subject, ref, _ in owners:
            if ref and subject not in except_subjects:
                out.setdefault(key, subject)
    return out


def suggest_reference(ws: Workspace, cred_id: str, taken: set[StoreKey] | None = None) -> str:
    """A reference for a credential's secret from the naming convention: the convention's prefix, the
    credential id (context and service) and the method, in the consultancy's secret store; a number is
    added when that entry is taken."""
    cred = ws.credential(cred_id)
    if cred is None:
        raise KeyError(cred_id)
    taken = set(taken_keys(ws, {f"credential:{cred_id}"})) if taken is None else taken
    prefix = ws.consultancy.naming.prefix
    base = f"{prefix}{cred.id}-{METHOD_SUFFIX.get(cred.method, cred.method.value)}"
    integrations = ws.consultancy.integrations
    for n in range(1, 100):
        name = base if n == 1 else f"{base}-{n}"
        if integrations.secret_store == "keyvault" and integrations.keyvault_name:
            ref = f"keyvault://{integrations.keyvault_name}/{keyvault_name(name)[:127]}"
        else:
            ref = f"env:{env_name(name).strip('_')[:120]}"
        try:
            if store_key(ref) not in taken:
                return ref
        except ValueError:
            break
    return f"env:{env_name(base).strip('_')[:110]}_{len(taken)}"
