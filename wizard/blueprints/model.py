"""What a blueprint is made of, how it turns into concrete objects for one client, and how it is applied."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wizard.model import (
    AppRole,
    ChecklistItem,
    CredentialKind,
    FederatedCredential,
    Group,
    ServicePrincipal,
    Workspace,
)
from wizard.naming import group_name, service_principal_name
from wizard.placement import DEFAULT_GROUP_PLACEMENT, groups_tenant

Params = Mapping[str, str]


@dataclass(frozen=True)
class Param:
    """A value the consultant gives when applying a blueprint (lists are comma-separated)."""

    name: str
    help: str
    default: str = ""  # may use {client} and {tenant}
    required: bool = False
    pattern: str = r"^[^\s]+$"  # every list item must match

    def items(self, value: str) -> list[str]:
        """The comma-separated items of `value`, stripped, empties dropped."""
        return [part.strip() for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class RoleGroup:
    """A directory group, the app role its members get, and the scopes that role grants inside the app."""

    role: str  # the {Role} of the group name, e.g. "App-Viewer"
    app_role: str  # app role value on the app marked `carries_group_roles`
    scopes: tuple[str, ...] = ()
    admin: bool = False
    description: str = ""
    allowed: str = "user"  # user | both (both: service accounts may be granted the role too)


@dataclass(frozen=True)
class ExtraRole:
    """An app role not tied to a group (e.g. one granted to service accounts only)."""

    value: str
    description: str
    allowed: str = "application"


Federation = Callable[[Params], list[FederatedCredential]]
RedirectRule = Callable[[Params], list[str]]


@dataclass(frozen=True)
class AppSpec:
    """An app registration (with its service principal) the blueprint creates."""

    tool: str
    purpose: str
    kind: CredentialKind
    summary: str
    carries_group_roles: bool = False
    extra_roles: tuple[ExtraRole, ...] = ()
    redirects: RedirectRule | None = None
    federation: Federation | None = None


ChecklistRule = Callable[[Params], list[str]]


@dataclass(frozen=True)
class Blueprint:
    """A reusable identity design, drawn from a real rollout."""

    id: str
    title: str
    summary: str
    explainers: tuple[str, ...]
    groups: tuple[RoleGroup, ...]
    apps: tuple[AppSpec, ...]
    checklist: ChecklistRule
    params: tuple[Param, ...] = ()
    extra_groups: Callable[[Params], list[RoleGroup]] | None = None  # groups that depend on params
    extra_apps: Callable[[Params], list[AppSpec]] | None = None  # apps that depend on params

    def role_groups(self, params: Params) -> list[RoleGroup]:
        """The fixed groups plus those the parameters add."""
        return [*self.groups, *(self.extra_groups(params) if self.extra_groups else [])]

    def app_specs(self, params: Params) -> list[AppSpec]:
        """The fixed apps plus those the parameters add."""
        return [*self.apps, *(self.extra_apps(params) if self.extra_apps else [])]


@dataclass
class BlueprintPlan:
    """The concrete objects a blueprint gives one client: what `apply_blueprint` merges into the workspace."""

    blueprint: Blueprint
    client: str
    params: dict[str, str]
    groups: list[Group] = field(default_factory=list)
    service_principals: list[ServicePrincipal] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    role_scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # app role value -> scopes

    def group_scopes(self) -> dict[str, tuple[str, ...]]:
        """Group name -> the scopes its members get (through the group's app role)."""
        by_role = {
            sp_role.value: sp_role.groups for sp in self.service_principals for sp_role in sp.app_roles
        }
        out: dict[str, tuple[str, ...]] = {}
        for value, scopes in self.role_scopes.items():
            for gname in by_role.get(value, []):
                out[gname] = tuple(dict.fromkeys([*out.get(gname, ()), *scopes]))
        return out


_MEMBER_TYPES = {"user", "application", "both"}


def resolve_params(bp: Blueprint, ws: Workspace, client: str, given: Params | None) -> dict[str, str]:
    """Defaults filled in and every value checked; ValueError names what is missing or malformed."""
    given = {k: v for k, v in (given or {}).items() if v}
    # A blueprint's apps give their roles to its groups, so they live (and issue tokens) where those groups live.
    tenant = groups_tenant(ws, client).tenant or "<tenant-id>"
    out: dict[str, str] = {}
    missing = []
    for p in bp.params:
        value = given.get(p.name) or p.default.format(client=client, tenant=tenant)
        if p.required and not value:
            missing.append(f"--{p.name} ({p.help})")
            continue
        bad = [item for item in p.items(value) if not re.match(p.pattern, item)]
        if bad:
            raise ValueError(f"{bp.id}: {p.name} has a value that is not accepted: {bad[0]!r} ({p.help})")
        out[p.name] = value
    if missing:
        raise ValueError(f"{bp.id} needs: {', '.join(missing)}")
    if given.get("owner"):  # accepted by every blueprint: recorded as the apps' owner
        out["owner"] = given["owner"]
    out["client"] = client
    return out


def plan_blueprint(bp: Blueprint, ws: Workspace, client: str, params: Params | None = None) -> BlueprintPlan:
    """The objects `bp` creates for `client`, named by the workspace's convention (nothing is changed)."""
    if ws.client(client) is None:
        raise KeyError(client)
    values = resolve_params(bp, ws, client, params)
    conv = ws.consultancy.naming
    plan = BlueprintPlan(bp, client, values)
    groups = bp.role_groups(values)
    names: dict[str, str] = {}
    for rg in groups:
        names[rg.role] = group_name(conv, rg.role, client, admin=rg.admin)
        if names[rg.role] not in {g.name for g in plan.groups}:
            desc = rg.description or f"{bp.title}: app role {rg.app_role}"
            plan.groups.append(
                Group(name=names[rg.role], client=client, role=rg.role, admin=rg.admin, description=desc)
            )
        plan.role_scopes[rg.app_role] = tuple(
            dict.fromkeys([*plan.role_scopes.get(rg.app_role, ()), *rg.scopes])
        )
    owner = values.get("owner", "")
    for app in bp.app_specs(values):
        roles: list[AppRole] = []
        if app.carries_group_roles:
            for value in dict.fromkeys(rg.app_role for rg in groups):
                members = [rg for rg in groups if rg.app_role == value]
                scopes = plan.role_scopes.get(value, ())
                label = f"{value}: " + (", ".join(scopes) if scopes else "role checked by the app")
                allowed = "both" if any(rg.allowed == "both" for rg in members) else "user"
                roles.append(
                    AppRole(
                        value=value,
                        display_name=label[:120],
                        allowed=allowed,
                        groups=[names[rg.role] for rg in members],
                    )
                )
        roles += [
            AppRole(value=r.value, display_name=r.description, allowed=r.allowed) for r in app.extra_roles
        ]
        assert all(r.allowed in _MEMBER_TYPES for r in roles)
        plan.service_principals.append(
            ServicePrincipal(
                name=service_principal_name(conv, app.tool, app.purpose, client),
                client=client,
                tool=app.tool,
                purpose=app.purpose,
                credential_kind=app.kind,
                app_roles=roles,
                redirect_uris=app.redirects(values) if app.redirects else [],
                federated_credentials=app.federation(values) if app.federation else [],
                owner=owner,
                notes=f"{bp.id}: {app.summary}",
                # one system in one tenant: its apps live where its groups live (app roles never cross tenants)
                tenant=DEFAULT_GROUP_PLACEMENT,
            )
        )
    for n, text in enumerate(bp.checklist(values), 1):
        plan.checklist.append(ChecklistItem(id=f"{client}:blueprint:{bp.id}:{n}", client=client, text=text))
    return plan


def merge_plan(ws: Workspace, plan: BlueprintPlan) -> Workspace:
    """A copy of `ws` with the plan's objects added; what exists already is completed, never duplicated.

    Groups and checklist items are matched by name/id and left as they are. An existing app registration
    keeps its settings but gains the plan's missing app roles, group assignments, redirect URIs and
    federated credentials, so applying again with more environments adds just those.
    """
    out = ws.model_copy(deep=True)
    have_groups = {g.name for g in out.groups}
    out.groups += [g for g in plan.groups if g.name not in have_groups]
    for new in plan.service_principals:
        old = out.service_principal(new.name)
        if old is None:
            out.service_principals.append(new)
            continue
        roles = {r.value: r for r in old.app_roles}
        merged_roles = list(old.app_roles)
        for r in new.app_roles:
            if r.value not in roles:
                merged_roles.append(r)
            else:
                extra = [g for g in r.groups if g not in roles[r.value].groups]
                if extra:
                    idx = merged_roles.index(roles[r.value])
                    merged_roles[idx] = roles[r.value].model_copy(
                        update={"groups": [*roles[r.value].groups, *extra]}
                    )
        fc_names = {fc.name for fc in old.federated_credentials}
        old.app_roles = merged_roles
        old.federated_credentials = [
            *old.federated_credentials,
            *(fc for fc in new.federated_credentials if fc.name not in fc_names),
        ]
        old.redirect_uris = list(dict.fromkeys([*old.redirect_uris, *new.redirect_uris]))
    have_items = {i.id for i in out.checklist}
    out.checklist += [i for i in plan.checklist if i.id not in have_items]
    return out
