"""Export: an idempotent Azure CLI script that creates the inventory's groups, apps, service principals,
app roles, role assignments and federated credentials.

Every object is looked up before it is created, so the script can be run again safely. Names from the
inventory are shell-quoted; JSON bodies are written with quoted heredocs (no expansion). Client secrets
never appear on a command line or in the terminal: `az ad app credential reset` is piped straight into
Key Vault (or a 0600 file). Checked against https://learn.microsoft.com/en-us/cli/azure/ad (group, app,
sp, app federated-credential, app permission, app credential) and .../keyvault/secret#az-keyvault-secret-set.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import uuid

from wizard.model import CredentialKind, Group, GroupKind, ServicePrincipal, Status, Workspace

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
SECRET_DAYS = 180
ROLE_NAMESPACE = uuid.UUID("6f1c7c1e-4b1a-4c53-9a59-1d2d7f3b0e55")  # stable app role ids across runs


def q(value: str) -> str:
    """Shell-quote one value."""
    return shlex.quote(value)


def var(name: str) -> str:
    """A shell variable name for an object."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()[:60]


def role_id(app: str, value: str) -> str:
    """A stable id for an app role (same name, same id, every run)."""
    return str(uuid.uuid5(ROLE_NAMESPACE, f"{app}/{value}"))


def _filter(field: str, value: str) -> str:
    return f"{field} eq '{value.replace(chr(39), chr(39) * 2)}'"


def _selected(ws: Workspace, client: str | None) -> tuple[list[Group], list[ServicePrincipal]]:
    groups = [g for g in ws.groups if g.status != Status.RETIRED and (client is None or g.client == client)]
    sps = [s for s in ws.service_principals if s.status != Status.RETIRED and (client is None or s.client == client)]
    return groups, sps


def _group(g: Group) -> list[str]:
    v = var(f"grp_{g.name}")
    nick = re.sub(r"[^A-Za-z0-9._-]", "", g.name)[:64] or "group"
    lines = [f"# group {g.name}{' (admin)' if g.admin else ''}",
             f"{v}=$(az ad group list --filter {q(_filter('displayName', g.name))} --query '[0].id' -o tsv)",
             f'if [ -z "${v}" ]; then']
    if g.kind == GroupKind.M365:
        lines.append(f"  echo {q(g.name + ': Microsoft 365 groups are created in the admin center; skipped')} >&2")
    else:
        desc = f" --description {q(g.description)}" if g.description else ""
        lines.append(f"  {v}=$(az ad group create --display-name {q(g.name)} --mail-nickname {q(nick)}{desc} "
                     "--query id -o tsv)")
    lines.append("fi")
    for owner in g.owners:
        lines.append(f'[ -n "${v}" ] && az ad group owner add --group "${v}" '
                     f"--owner-object-id \"$(az ad user show --id {q(owner)} --query id -o tsv)\" 2>/dev/null || true")
    if g.membership_rule:
        lines.append(f"# dynamic membership rule to set in the portal or with Graph: {g.membership_rule}")
    return lines + [""]


def _app(sp: ServicePrincipal, ws: Workspace, store: str, today: dt.date) -> list[str]:
    app, spv = var(f"app_{sp.name}"), var(f"sp_{sp.name}")
    lines = [f"# application + service principal {sp.name} ({sp.credential_kind})",
             f"{app}=$(az ad app list --filter {q(_filter('displayName', sp.name))} --query '[0].appId' -o tsv)",
             f'if [ -z "${app}" ]; then']
    create = f"  {app}=$(az ad app create --display-name {q(sp.name)} --sign-in-audience AzureADMyOrg"
    if sp.redirect_uris:
        create += " --web-redirect-uris " + " ".join(q(u) for u in sp.redirect_uris)
    if sp.app_roles:
        roles = [{"allowedMemberTypes": {"user": ["User"], "application": ["Application"],
                                         "both": ["User", "Application"]}[r.allowed],
                  "description": r.display_name, "displayName": r.display_name, "id": role_id(sp.name, r.value),
                  "isEnabled": True, "value": r.value} for r in sp.app_roles]
        lines.insert(1, f"cat > \"$WORK/{var(sp.name)}-roles.json\" <<'JSON'\n{json.dumps(roles, indent=2)}\nJSON")
        create += f' --app-roles "@$WORK/{var(sp.name)}-roles.json"'
    lines += [create + " --query appId -o tsv)", "fi",
              f"{spv}=$(az ad sp list --filter \"appId eq '${app}'\" --query '[0].id' -o tsv)",
              f'[ -n "${spv}" ] || {spv}=$(az ad sp create --id "${app}" --query id -o tsv)']
    for p in sp.permissions:
        if p.resource.lower() != "microsoft graph":
            lines.append(f"# add permission {p.name} on {p.resource} in the portal (API permissions)")
            continue
        kind = "Role" if p.type == "application" else "Scope"
        field = "appRoles" if kind == "Role" else "oauth2PermissionScopes"
        pid = var(f"perm_{sp.name}_{p.name}")
        lines += [f"{pid}=$(az ad sp show --id {GRAPH_APP_ID} --query \"{field}[?value=='{p.name}'].id | [0]\" -o tsv)",
                  f'az ad app permission add --id "${app}" --api {GRAPH_APP_ID} --api-permissions "${pid}={kind}"'
                  " 2>/dev/null || true"]
        if p.admin_consent:
            lines.append(f"# admin consent needed: https://login.microsoftonline.com/{ws.consultancy.home_tenant or '<tenant>'}"
                         f"/adminconsent?client_id=${app}")
    for fc in sp.federated_credentials:
        body = {"name": fc.name, "issuer": fc.issuer, "subject": fc.subject, "audiences": fc.audiences,
                "description": fc.description}
        path = f"$WORK/{var(sp.name)}-{var(fc.name)}.json"
        lines += [f"cat > \"{path}\" <<'JSON'\n{json.dumps(body, indent=2)}\nJSON",
                  f"if [ -z \"$(az ad app federated-credential list --id \"${app}\" --query \"[?name=='{fc.name}'].id\" -o tsv)\" ]; then",
                  f'  az ad app federated-credential create --id "${app}" --parameters "@{path}" >/dev/null',
                  "fi"]
    for role in sp.app_roles:
        for gname in role.groups:
            gv = var(f"grp_{gname}")
            lines.append(f'[ -n "${{{gv}:-}}" ] && az rest --method POST --uri '
                         f'"https://graph.microsoft.com/v1.0/servicePrincipals/${spv}/appRoleAssignedTo" '
                         f'--body "{{\\"principalId\\":\\"${gv}\\",\\"resourceId\\":\\"${spv}\\",'
                         f'\\"appRoleId\\":\\"{role_id(sp.name, role.value)}\\"}}" >/dev/null 2>&1 || true')
    if sp.credential_kind == CredentialKind.SECRET and not sp.secret_ref:
        end = (today + dt.timedelta(days=SECRET_DAYS)).isoformat()
        reset = (f'az ad app credential reset --id "${app}" --append --display-name idspine --end-date {end} '
                 "--query password -o tsv")
        if store == "keyvault":
            lines.append(f'{reset} | az keyvault secret set --vault-name "$VAULT" --name {q(sp.name)} '
                         f"--file /dev/stdin --expires {end}T00:00:00Z >/dev/null")
            lines.append(f"# record in idspine: secret_ref = keyvault://<vault>/{sp.name}, secret_expires = {end}")
        else:
            lines.append(f'( umask 077; {reset} > "$SECRETS_DIR/{var(sp.name)}" )')
            lines.append(f"# record in idspine: secret_ref = file:<secrets dir>/{var(sp.name)}, secret_expires = {end}")
    return lines + [""]


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """The script for every client, or one (KeyError when the client is unknown)."""
    if client is not None and ws.client(client) is None:
        raise KeyError(client)
    today = today or dt.date.today()
    groups, sps = _selected(ws, client)
    store = ws.consultancy.integrations.secret_store
    vault = ws.consultancy.integrations.keyvault_name or ""
    scope = f"client {client}" if client else "all clients and the consultancy itself"
    out = ["#!/usr/bin/env bash",
           f"# idspine export: Azure CLI for {ws.consultancy.name} ({scope}). Generated {today}.",
           "# Safe to run again: every object is looked up before it is created. No secret is ever printed.",
           "set -euo pipefail",
           'WORK="$(mktemp -d)"; trap \'rm -rf "$WORK"\' EXIT',
           f"VAULT=${{VAULT:-{q(vault) if vault else ''}}}",
           'SECRETS_DIR="${SECRETS_DIR:-$HOME/.config/idspine/secrets}"; ( umask 077; mkdir -p "$SECRETS_DIR" )',
           "az account show --query tenantId -o tsv >/dev/null  # fails early when not signed in (az login)", ""]
    for g in groups:
        out += _group(g)
    for sp in sps:
        out += _app(sp, ws, store, today)
    out.append('echo "done: groups and applications are in place"')
    return "\n".join(out) + "\n"
