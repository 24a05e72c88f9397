"""Where each group, app registration, service principal and credential lives: one rule, read by every consumer.

Each object may record its placement (`tenant` = home | client | multi-tenant); when it does not (older
inventories, objects nobody pinned yet), the default follows the client's tenant model:

| tenant model     | groups | data-access service principals                  | sign-in apps (roles for groups) |
|------------------|--------|-------------------------------------------------|---------------------------------|
| separate-tenant  | home   | client's tenant (or a multi-tenant app at home) | with their groups (home)        |
| delegated-admin  | home   | client's tenant (or a multi-tenant app at home) | with their groups (home)        |
| b2b-guests       | home   | home                                            | home                            |
| partition        | home   | home                                            | home                            |
| (no client)      | home   | home                                            | home                            |

Groups hold *your* people, so they stay in your home tenant: Azure Lighthouse authorisations and GDAP
role assignments point at groups in the managing (home) tenant, and B2B invitations start from your own
accounts. A client's data-access service principal belongs in the client's tenant, where the client sees
and can revoke it; the alternative is one multi-tenant app registered at home (AzureADMultipleOrgs) whose
service principal appears in the client's tenant when its admin consents. An app whose app roles are given
to groups lives with those groups: Entra only assigns an app role to a principal of the app's own tenant.

No other module decides placement: plan, apply, review, the Entra screen, checklist, off-boarding and both
IaC exports call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.model import Client, Credential, Group, Placement, ServicePrincipal, TenantModel, Workspace

HOME_KEY = "home"
OWN_TENANT_MODELS = (TenantModel.SEPARATE_TENANT, TenantModel.DELEGATED_ADMIN)

# Facts behind the defaults: https://learn.microsoft.com/en-us/entra/identity-platform/howto-convert-app-to-be-multi-tenant
# (one registration, a service principal per consenting tenant) and
# https://learn.microsoft.com/en-us/azure/lighthouse/concepts/architecture (authorisations name principals of
# the managing tenant). The trade-off for users is in explainers/tenant-placement.md.


@dataclass(frozen=True)
class Tenant:
    """One concrete tenant: a stable key ('home' or 'client:<slug>'), its id or domain, and a label for people."""

    key: str
    tenant: str  # tenant id (GUID) or domain; "" when not recorded
    label: str
    client: str = ""  # the client's slug, "" for the home tenant

    @property
    def recorded(self) -> bool:
        return bool(self.tenant)

    @property
    def address(self) -> str:
        """The tenant id or domain, or a placeholder saying it is missing."""
        return self.tenant or "(tenant not recorded)"


def home_tenant(ws: Workspace) -> Tenant:
    """The consultancy's own tenant."""
    t = ws.consultancy.home_tenant
    return Tenant(HOME_KEY, t, f"your home tenant ({t})" if t else "your home tenant (not recorded)")


def client_tenant(ws: Workspace, slug: str) -> Tenant:
    """A client's own tenant (its id or domain may still be empty)."""
    client = ws.client(slug)
    name = client.name if client else slug
    t = client.tenant if client else ""
    return Tenant(
        f"client:{slug}", t, f"{name}'s tenant ({t})" if t else f"{name}'s tenant (not recorded)", slug
    )


def _client(ws: Workspace, slug: str) -> Client | None:
    return ws.client(slug) if slug else None


def default_app_placement(client: Client) -> Placement:
    """Where a client's data-access service principals go unless the user chose: its tenant when it has one."""
    return Placement.CLIENT if client.tenant_model in OWN_TENANT_MODELS else Placement.HOME


def app_placement(client: Client) -> Placement:
    """The client's choice for its data-access service principals, or the tenant model's default."""
    return client.app_placement or default_app_placement(client)


DEFAULT_GROUP_PLACEMENT = Placement.HOME  # your people's groups, whatever the tenant model


def group_placement(ws: Workspace, group: Group) -> Placement:
    """Home unless recorded otherwise (a client-tenant group only when the client has a tenant)."""
    return group.tenant or DEFAULT_GROUP_PLACEMENT


def groups_tenant(ws: Workspace, client: str) -> Tenant:
    """Where new groups for *client* (and the apps whose roles go to them) will live: their issuer's tenant."""
    return _resolve(ws, DEFAULT_GROUP_PLACEMENT, client)


def sp_placement(ws: Workspace, sp: ServicePrincipal) -> Placement:
    """The recorded placement, else: with its role groups when it has any, else the client's app placement."""
    if sp.tenant is not None:
        return sp.tenant
    client = _client(ws, sp.client)
    if client is None:
        return Placement.HOME
    sides = {group_placement(ws, g) for r in sp.app_roles for n in r.groups if (g := ws.group(n)) is not None}
    if len(sides) == 1:
        return sides.pop()
    return app_placement(client)


def credential_placement(ws: Workspace, cred: Credential) -> Placement:
    """The recorded placement, else where its identity's app registration (and so its secret) lives, else the
    client's side when the client has a tenant of its own."""
    if cred.tenant is not None:
        return cred.tenant
    sp = ws.service_principal(cred.identity) if cred.identity else None
    if sp is not None:
        return Placement.HOME if sp_placement(ws, sp) == Placement.MULTI_TENANT else sp_placement(ws, sp)
    client = _client(ws, cred.client)
    return (
        Placement.CLIENT
        if client is not None and client.tenant_model in OWN_TENANT_MODELS
        else Placement.HOME
    )


def _resolve(ws: Workspace, placement: Placement, slug: str) -> Tenant:
    if placement == Placement.HOME or not slug:
        return home_tenant(ws)
    return client_tenant(ws, slug)


def group_tenant(ws: Workspace, group: Group) -> Tenant:
    """The tenant a group lives in."""
    return _resolve(ws, group_placement(ws, group), group.client)


def app_registration_tenant(ws: Workspace, sp: ServicePrincipal) -> Tenant:
    """Where the app registration (and its secrets, certificates, federated credentials) lives."""
    placement = sp_placement(ws, sp)
    return home_tenant(ws) if placement == Placement.MULTI_TENANT else _resolve(ws, placement, sp.client)


def service_principal_tenant(ws: Workspace, sp: ServicePrincipal) -> Tenant:
    """Where the service principal (enterprise app) lives: where tokens are issued and consent is granted."""
    placement = sp_placement(ws, sp)
    if placement == Placement.MULTI_TENANT:
        return client_tenant(ws, sp.client) if sp.client else home_tenant(ws)
    return _resolve(ws, placement, sp.client)


def credential_tenant(ws: Workspace, cred: Credential) -> Tenant:
    """The tenant (or, for other services, the side) a credential belongs to."""
    return _resolve(ws, credential_placement(ws, cred), cred.client)


def is_multi_tenant(ws: Workspace, sp: ServicePrincipal) -> bool:
    """Whether the app is registered for any organisation (its service principal lives in another tenant)."""
    return sp_placement(ws, sp) == Placement.MULTI_TENANT and bool(sp.client)


def sign_in_audience(ws: Workspace, sp: ServicePrincipal) -> str:
    """The app registration's signInAudience: AzureADMultipleOrgs for a multi-tenant app, else AzureADMyOrg."""
    return "AzureADMultipleOrgs" if is_multi_tenant(ws, sp) else "AzureADMyOrg"


def role_assignment_problem(ws: Workspace, sp: ServicePrincipal, group_name: str) -> str:
    """Why a group cannot be given an app role of *sp* ('' when it can): both must be in one tenant."""
    group = ws.group(group_name)
    if group is None:
        return ""
    g, s = group_tenant(ws, group), service_principal_tenant(ws, sp)
    if g.key == s.key:
        return ""
    return (
        f"group {group_name} lives in {g.label} but {sp.name}'s service principal in {s.label}: Entra only "
        "assigns an app role to a group of the app's own tenant. Record both in one tenant (the group's "
        "`tenant` or the app's), or make a group for your guests in the app's tenant"
    )


class Indexed:
    """A workspace read through dict lookups (clients, groups, service principals by key), so placing every
    object of a large inventory costs one lookup each; pass it wherever these functions take a workspace.
    It only reads: the first object of a repeated key wins, as in Workspace's own lookups."""

    def __init__(self, ws: Workspace):
        self._ws = ws
        self.consultancy = ws.consultancy
        self._clients: dict[str, Client] = {}
        self._groups: dict[str, Group] = {}
        self._sps: dict[str, ServicePrincipal] = {}
        for c in ws.clients:
            self._clients.setdefault(c.slug, c)
        for g in ws.groups:
            self._groups.setdefault(g.name, g)
        for sp in ws.service_principals:
            self._sps.setdefault(sp.name, sp)

    def client(self, slug: str) -> Client | None:
        return self._clients.get(slug)

    def group(self, name: str) -> Group | None:
        return self._groups.get(name)

    def service_principal(self, name: str) -> ServicePrincipal | None:
        return self._sps.get(name)

    def __getattr__(self, name: str) -> object:
        return getattr(self._ws, name)


def indexed(ws: Workspace) -> Workspace:
    """`ws` with fast lookups, typed as a workspace for the functions above."""
    return Indexed(ws)  # type: ignore[return-value]


def tenants(ws: Workspace, groups: list[Group], sps: list[ServicePrincipal]) -> list[Tenant]:
    """Every tenant these objects touch, home first, then clients in the inventory's order."""
    keys: dict[str, Tenant] = {}
    for g in groups:
        t = group_tenant(ws, g)
        keys.setdefault(t.key, t)
    for sp in sps:
        for t in (app_registration_tenant(ws, sp), service_principal_tenant(ws, sp)):
            keys.setdefault(t.key, t)
    order = [HOME_KEY] + [f"client:{c.slug}" for c in ws.clients]
    return sorted(keys.values(), key=lambda t: order.index(t.key) if t.key in order else len(order))


def pin(ws: Workspace, groups: list[Group], sps: list[ServicePrincipal]) -> None:
    """Record the derived placement on each object that has none yet (apply does this before it creates)."""
    for g in groups:
        if g.tenant is None:
            g.tenant = group_placement(ws, g)
    for sp in sps:
        if sp.tenant is None:
            sp.tenant = sp_placement(ws, sp)
