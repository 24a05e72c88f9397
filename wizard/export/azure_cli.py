"""Export: an idempotent Azure CLI script that creates the inventory's groups, apps, service principals,
owners, app roles, group-to-role assignments and federated credentials, one section per tenant.

Each object goes to the tenant wizard.placement gives it. `az ad` commands act on the tenant az is signed in
to, so every section starts with `az login --tenant <that tenant> --allow-no-subscriptions` (a directory-only
sign-in: https://learn.microsoft.com/en-us/cli/azure/reference-index#az-login); the home tenant comes first,
so a multi-tenant app is registered (AzureADMultipleOrgs) before its service principal is made in the client's
tenant. A section whose tenant is not recorded asks for it (TENANT_<CLIENT>) before it runs.

Safe to run again: every object, owner, permission, role assignment and stored secret is looked up before
it is created, and an existing app registration is never rewritten (missing app roles are reported).
Injection-safe: every value from the inventory reaches bash through `shlex.quote` (or a quoted heredoc
holding JSON, whose lines are always indented or brackets, so they can never end the heredoc); comments are
flattened to one line. Secrets never touch a command line, the terminal or the script: `az ad app credential
reset` is piped through `tr` straight into `az keyvault secret set --file /dev/stdin` (or a 0600 file); the
value is never held in a variable or an argument, where `ps` or shell history could see it.

Commands and flags are checked against the azure-cli 2.67 command modules (tests/peers/test_az_command_table)
and the reference at https://learn.microsoft.com/en-us/cli/azure/ad/app, .../ad/sp, .../ad/group,
.../ad/app/federated-credential, .../ad/app/credential, .../ad/app/owner, .../ad/app/permission,
.../keyvault/secret and https://learn.microsoft.com/en-us/cli/azure/reference-index#az-rest
(appRoleAssignedTo: https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from wizard import placement
from wizard.export import NotForThisIdp
from wizard.export.entra_objects import (
    GRAPH_APP_ID,
    MEMBER_TYPES,
    role_id,
    secret_end,
    selected,
    split_redirects,
)
from wizard.export.script_text import comment, jmes, q
from wizard.idps.catalogue import ENTRA, profile_for
from wizard.model import CredentialKind, Group, GroupKind, ServicePrincipal, Workspace
from wizard.settings import GRAPH_URL


class Vars:
    """Shell variable names for objects: readable, and unique within one script (a counter is added when
    two names sanitise alike, e.g. "a-b" and "a_b")."""

    def __init__(self) -> None:
        self._by_name: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, name: str) -> str:
        if name not in self._by_name:
            base = re.sub(r"[^A-Za-z0-9]", "_", name).upper()[:56]
            candidate, n = base, 1
            while candidate in self._taken:
                n += 1
                candidate = f"{base}_{n}"
            self._taken.add(candidate)
            self._by_name[name] = candidate
        return self._by_name[name]


def _filter(field: str, value: str) -> str:
    return f"{field} eq '{value.replace(chr(39), chr(39) * 2)}'"


def _lookup_group(g_name: str, var: Vars) -> str:
    v = var(f"grp_{g_name}")
    return f"{v}=$(az ad group list --filter {q(_filter('displayName', g_name))} --query '[0].id' -o tsv)"


def _user_id(owner: str, target: str) -> list[str]:
    """Set OWNER_ID to the owner's object id, or warn (a missing user must not stop the script)."""
    return [
        f"OWNER_ID=$(az ad user show --id {q(owner)} --query id -o tsv 2>/dev/null || true)",
        f'[ -n "$OWNER_ID" ] || echo {q(f"warning: no user {owner}; add the owner of {target} by hand")} >&2',
    ]


def _group(g: Group, var: Vars) -> list[str]:
    v = var(f"grp_{g.name}")
    nick = re.sub(r"[^A-Za-z0-9._-]", "", g.name)[:64] or "group"
    lines = [
        comment(f"# group {g.name}{' (admin)' if g.admin else ''}"),
        _lookup_group(g.name, var),
        f'if [ -z "${v}" ]; then',
    ]
    if g.kind == GroupKind.M365:
        lines.append(
            f"  echo {q(g.name + ': Microsoft 365 groups are created in the admin center; skipped')} >&2"
        )
    else:
        desc = f" --description {q(g.description)}" if g.description else ""
        lines.append(
            f"  {v}=$(az ad group create --display-name {q(g.name)} --mail-nickname {q(nick)}{desc} "
            "--query id -o tsv)"
        )
    lines.append("fi")
    for owner in g.owners:
        lines += [
            f'if [ -n "${v}" ]; then',
            *("  " + u for u in _user_id(owner, g.name)),
            f'  if [ -n "$OWNER_ID" ] && [ -z "$(az ad group owner list --group "${v}" '
            f'--query "[?id==\'$OWNER_ID\'].id" -o tsv)" ]; then',
            f'    az ad group owner add --group "${v}" --owner-object-id "$OWNER_ID"',
            "  fi",
            "fi",
        ]
    if g.membership_rule:
        lines.append(
            comment(f"# dynamic membership rule to set in the portal or with Graph: {g.membership_rule}")
        )
    return lines + [""]


def _roles_json(sp: ServicePrincipal) -> str:
    roles = [
        {
            "allowedMemberTypes": MEMBER_TYPES[r.allowed],
            "description": r.display_name,
            "displayName": r.display_name,
            "id": role_id(sp.name, r.value),
            "isEnabled": True,
            "value": r.value,
        }
        for r in sp.app_roles
    ]
    return json.dumps(roles, indent=2)


def _app(sp: ServicePrincipal, ws: Workspace, store: str, today: dt.date, var: Vars) -> list[str]:
    """The app registration part: the app, its owner, permissions, federated credentials and a first secret."""
    if sp.credential_kind == CredentialKind.MANAGED_IDENTITY:
        return [
            comment(
                f"# {sp.name}: a managed identity; it is created with its Azure resource "
                "(az identity create in the subscription), not as an app registration"
            ),
            "",
        ]
    app, key = var(f"app_{sp.name}"), var(sp.name)
    audience = placement.sign_in_audience(ws, sp)
    multi = (
        f", multi-tenant: its service principal is made in {placement.service_principal_tenant(ws, sp).label}"
        if audience == "AzureADMultipleOrgs"
        else ""
    )
    lines = [comment(f"# application {sp.name} ({sp.credential_kind}{multi})")]
    web, public = split_redirects(sp.redirect_uris)
    create = f"  {app}=$(az ad app create --display-name {q(sp.name)} --sign-in-audience {audience}"
    if web:
        create += " --web-redirect-uris " + " ".join(q(u) for u in web)
    if public:
        create += " --public-client-redirect-uris " + " ".join(q(u) for u in public)
    if sp.app_roles:
        lines.append(f"cat > \"$WORK/{key}-roles.json\" <<'JSON'\n{_roles_json(sp)}\nJSON")
        create += f' --app-roles "@$WORK/{key}-roles.json"'
    lines += [
        f"{app}=$(az ad app list --filter {q(_filter('displayName', sp.name))} --query '[0].appId' -o tsv)",
        f'if [ -z "${app}" ]; then',
        create + " --query appId -o tsv)",
    ]
    if sp.app_roles:  # an existing app is never rewritten: say which roles it lacks
        lines.append("else")
        for r in sp.app_roles:
            lines.append(
                f'  [ -n "$(az ad app show --id "${app}" --query {q(f"appRoles[?value=={jmes(r.value)}].id")}'
                f' -o tsv)" ] || echo {q(f"warning: {sp.name} exists without app role {r.value}; add it")} >&2'
            )
    lines.append("fi")
    if sp.owner:
        lines += [
            *_user_id(sp.owner, sp.name),
            f'if [ -n "$OWNER_ID" ] && [ -z "$(az ad app owner list --id "${app}" '
            f'--query "[?id==\'$OWNER_ID\'].id" -o tsv)" ]; then',
            f'  az ad app owner add --id "${app}" --owner-object-id "$OWNER_ID"',
            "fi",
        ]
    for p in sp.permissions:
        if p.resource.lower() != "microsoft graph":
            lines.append(
                comment(f"# add permission {p.name} on {p.resource} in the portal (API permissions)")
            )
            continue
        kind = "Role" if p.type == "application" else "Scope"
        field = "appRoles" if kind == "Role" else "oauth2PermissionScopes"
        pid = var(f"perm_{sp.name}_{p.name}")
        lines += [
            f"{pid}=$(az ad sp show --id {GRAPH_APP_ID} --query {q(f'{field}[?value=={jmes(p.name)}].id | [0]')}"
            " -o tsv)",
            f'if [ -z "$(az ad app permission list --id "${app}" '
            f'--query "[].resourceAccess[?id==\'${pid}\'].id | []" -o tsv)" ]; then',
            f'  az ad app permission add --id "${app}" --api {GRAPH_APP_ID} --api-permissions "${pid}={kind}"',
            "fi",
        ]
    for fc in sp.federated_credentials:
        body = {
            "name": fc.name,
            "issuer": fc.issuer,
            "subject": fc.subject,
            "audiences": fc.audiences,
            "description": fc.description,
        }
        path = f"$WORK/{key}-{var(fc.name)}.json"
        lines += [
            f"cat > \"{path}\" <<'JSON'\n{json.dumps(body, indent=2)}\nJSON",
            f'if [ -z "$(az ad app federated-credential list --id "${app}" '
            f'--query {q(f"[?name=={jmes(fc.name)}].id")} -o tsv)" ]; then',
            f'  az ad app federated-credential create --id "${app}" --parameters "@{path}" >/dev/null',
            "fi",
        ]
    if sp.credential_kind == CredentialKind.SECRET and not sp.secret_ref:
        lines += _secret(sp, app, store, today, var(f"file_{sp.name}"))
    return lines


def _service_principal(sp: ServicePrincipal, ws: Workspace, known: set[str], var: Vars) -> list[str]:
    """The service principal part, in its own tenant: the enterprise app, role assignments, the consent link."""
    if sp.credential_kind == CredentialKind.MANAGED_IDENTITY:
        return []
    app, spv = var(f"app_{sp.name}"), var(f"sp_{sp.name}")
    there = placement.service_principal_tenant(ws, sp)
    lines = [comment(f"# service principal {sp.name}")]
    if placement.is_multi_tenant(ws, sp):  # the app id comes from the home tenant's section above
        missing = q(
            f"{sp.name}: its app registration was not made at home; run the home tenant section first"
        )
        lines.append(f'[ -n "${{{app}:-}}" ] || {{ echo {missing} >&2; exit 1; }}')
    lines += [
        f"{spv}=$(az ad sp list --filter \"appId eq '${app}'\" --query '[0].id' -o tsv)",
        f'[ -n "${spv}" ] || {spv}=$(az ad sp create --id "${app}" --query id -o tsv)',
    ]
    if any(r.groups for r in sp.app_roles):  # only assigned users and groups may sign in or get tokens
        lines.append(
            f'az rest --method PATCH --uri "{GRAPH_URL}/servicePrincipals/${spv}" '
            "--body '{\"appRoleAssignmentRequired\": true}' >/dev/null"
        )
    if any(p.admin_consent for p in sp.permissions):
        tenant = re.sub(r"[^A-Za-z0-9.-]", "", there.tenant) or "<tenant>"
        lines.append(
            f"# admin consent needed, by an administrator of that tenant: https://login.microsoftonline.com/"
            f"{tenant}/adminconsent?client_id=<appId of {comment(sp.name)}>"
        )
    for role in sp.app_roles:
        for gname in role.groups:
            problem = placement.role_assignment_problem(ws, sp, gname)
            if problem:
                lines.append(comment(f"# not assigned: {problem}"))
                continue
            gv = var(f"grp_{gname}")
            if gname not in known:
                lines.append(f'[ -n "${{{gv}:-}}" ] || {_lookup_group(gname, var)}')
            rid = role_id(sp.name, role.value)
            lines += [
                f'if [ -n "${{{gv}:-}}" ] && [ -z "$(az rest --method GET --uri '
                f'"{GRAPH_URL}/servicePrincipals/${spv}/appRoleAssignedTo" '
                f"--query \"value[?principalId=='${gv}' && appRoleId=='{rid}'].id\" -o tsv)\" ]; then",
                f'  az rest --method POST --uri "{GRAPH_URL}/servicePrincipals/${spv}/appRoleAssignedTo" '
                f'--body "{{\\"principalId\\":\\"${gv}\\",\\"resourceId\\":\\"${spv}\\",'
                f'\\"appRoleId\\":\\"{rid}\\"}}" >/dev/null',
                "fi",
            ]
    return lines


def _secret(sp: ServicePrincipal, app: str, store: str, today: dt.date, file_name: str) -> list[str]:
    """Create a client secret once, straight into the secret store (never a variable, argument or screen)."""
    end = secret_end(sp, today).isoformat()
    reset = (
        f'az ad app credential reset --id "${app}" --append --display-name idspine --end-date {end} '
        "--query password -o tsv | tr -d '\\r\\n'"
    )
    if store == "keyvault":
        name = re.sub(r"[^A-Za-z0-9-]", "-", sp.name)[:127]
        return [
            f'if [ -z "$(az keyvault secret show --vault-name "$VAULT" --name {q(name)} --query id -o tsv '
            '2>/dev/null || true)" ]; then',
            f'  {reset} | az keyvault secret set --vault-name "$VAULT" --name {q(name)} --file /dev/stdin '
            f"--expires {end}T00:00:00Z >/dev/null",
            "fi",
            comment(f"# record in idspine: secret_ref = keyvault://<vault>/{name}, secret_expires = {end}"),
        ]
    path = f'"$SECRETS_DIR/{file_name}"'
    return [
        f"if [ ! -s {path} ]; then",
        f"  ( umask 077; {reset} > {path} )",
        "fi",
        comment(f"# record in idspine: secret_ref = file:<secrets dir>/{file_name}, secret_expires = {end}"),
    ]


def _section(
    ws: Workspace,
    tenant: placement.Tenant,
    groups: list[Group],
    sps: list[ServicePrincipal],
    store: str,
    today: dt.date,
    known: set[str],
    var: Vars,
) -> list[str]:
    """The commands for one tenant, after signing in to it."""
    mine = [g for g in groups if placement.group_tenant(ws, g).key == tenant.key]
    apps = [sp for sp in sps if placement.app_registration_tenant(ws, sp).key == tenant.key]
    principals = [sp for sp in sps if placement.service_principal_tenant(ws, sp).key == tenant.key]
    head = [
        comment(
            f"# ==== {tenant.label}: {len(mine)} group(s), {len(apps)} app registration(s), "
            f"{len(principals)} service principal(s) ===="
        )
    ]
    if tenant.recorded:
        out = head + [f"sign_in {q(tenant.tenant)}", ""]
    else:  # not in the inventory: the person running the script names it (slugs are [a-z0-9-], safe here)
        who = f"client {tenant.client}" if tenant.client else "your home tenant"
        name = "TENANT_" + re.sub(r"[^A-Za-z0-9]", "_", tenant.client or "home").upper()
        out = head + [
            f"# the tenant is not recorded in idspine: set {name} (its id or domain) before running",
            f'sign_in "${{{name}:?set {name} to the tenant id or domain of {who}}}"',
            "",
        ]
    for g in mine:
        out += _group(g, var)
    for sp in sps:
        part = _app(sp, ws, store, today, var) if sp in apps else []
        if sp in principals:
            part += _service_principal(sp, ws, known, var)
        out += part + [""] if part else []
    return out


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """The script for every client, or one, a section per tenant (KeyError when the client is unknown;
    NotForThisIdp when the consultancy's IdP is not Entra ID)."""
    profile = profile_for(ws.consultancy.idp)
    if profile.key != ENTRA.key:
        raise NotForThisIdp(
            f"the az script is for Microsoft Entra ID; {ws.consultancy.name} uses {profile.name}: "
            "use `idspine export terraform` or `idspine export checklist`"
        )
    if client is not None and ws.client(client) is None:
        raise KeyError(client)
    today = today or dt.date.today()
    groups, sps = selected(ws, client)
    store = ws.consultancy.integrations.secret_store
    vault = ws.consultancy.integrations.keyvault_name or ""
    scope = f"client {client}" if client else "all clients and the consultancy itself"
    out = [
        "#!/usr/bin/env bash",
        comment(f"# idspine export: Azure CLI for {ws.consultancy.name} ({scope}). Generated {today}."),
        "# Safe to run again: every object is looked up before it is created. No secret is ever printed:",
        "# client secrets go from `az ad app credential reset` through a pipe into the secret store.",
        "set -euo pipefail",
        'WORK="$(mktemp -d)"; trap \'rm -rf "$WORK"\' EXIT',
        f'VAULT="${{VAULT:-{vault}}}"' if re.fullmatch(r"[A-Za-z0-9-]*", vault) else 'VAULT="${VAULT:-}"',
        'SECRETS_DIR="${SECRETS_DIR:-$HOME/.config/idspine/secrets}"; ( umask 077; mkdir -p "$SECRETS_DIR" )',
        "sign_in() {  # every az ad command after this acts on tenant $1 (a directory-only sign-in)",
        '  az login --tenant "$1" --allow-no-subscriptions >/dev/null',
        "}",
        "",
    ]
    if store == "keyvault" and any(
        sp.credential_kind == CredentialKind.SECRET and not sp.secret_ref for sp in sps
    ):
        out[-1:] = [': "${VAULT:?set VAULT to the Key Vault that receives client secrets}"', ""]
    known, var = {g.name for g in groups}, Vars()
    for tenant in placement.tenants(ws, groups, sps):
        out += _section(ws, tenant, groups, sps, store, today, known, var)
    out.append('echo "done: groups and applications are in place"')
    return "\n".join(out) + "\n"
