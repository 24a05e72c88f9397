"""The audit rules. Each takes (workspace, today) and yields findings; all run in linear time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator

from wizard.audit import Finding, Severity
from wizard.keyless import credential_kind_for
from wizard.model import (
    STATIC_METHODS,
    Credential,
    CredentialKind,
    Hat,
    Host,
    Method,
    Status,
    SupabaseKey,
    Workspace,
)
from wizard.naming import check_group_name

Rule = Callable[[Workspace, dt.date], Iterator[Finding]]
RULES: list[Rule] = []

EXPIRY_WARNING_DAYS = 30
MAX_SECRET_LIFETIME_DAYS = 180
MAX_CERTIFICATE_LIFETIME_DAYS = 365
LIFETIME_LIMITS = {
    CredentialKind.SECRET: ("secret-lifetime", MAX_SECRET_LIFETIME_DAYS),
    CredentialKind.CERTIFICATE: ("certificate-lifetime", MAX_CERTIFICATE_LIFETIME_DAYS),
}
# Graph application permissions with a known path to Global Administrator. The first five are the ones the
# dangerous-graph-permissions explainer walks through; the rest complete the tier-0 table of Maester's MT.1050
# (https://maester.dev/docs/next/tests/MT.1050, from Emilien Socchi's tiering of Graph application permissions).
# Compared case-insensitively.
TAKEOVER_PERMISSIONS = frozenset(
    {
        "RoleManagement.ReadWrite.Directory",
        "AppRoleAssignment.ReadWrite.All",
        "Application.ReadWrite.All",
        "Application.ReadWrite.OwnedBy",
        "Directory.ReadWrite.All",
    }
)
TIER0_PERMISSIONS = TAKEOVER_PERMISSIONS | frozenset(
    {
        "AdministrativeUnit.ReadWrite.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementRBAC.ReadWrite.All",
        "Domain.ReadWrite.All",
        "EntitlementManagement.ReadWrite.All",
        "Group.ReadWrite.All",
        "GroupMember.ReadWrite.All",
        "Organization.ReadWrite.All",
        "Policy.ReadWrite.AuthenticationMethod",
        "Policy.ReadWrite.ConditionalAccess",
        "Policy.ReadWrite.PermissionGrant",
        "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleEligibilitySchedule.ReadWrite.Directory",
        "RoleManagementPolicy.ReadWrite.AzureADGroup",
        "RoleManagementPolicy.ReadWrite.Directory",
        "User.DeleteRestore.All",
        "User.EnableDisableAccount.All",
        "User.ReadWrite.All",
        "User-PasswordProfile.ReadWrite.All",
        "UserAuthenticationMethod.ReadWrite.All",
    }
)
# Public baseline checks a rule mirrors, only where the id was confirmed against the baseline's own pages (Maester's
# test docs and Pester files in maester365/maester). None found for no-owner, secret-shared-across-clients: CISA
# ScubaGear's MS.AAD.5.x cover app registration and consent, not these.
BASELINES = {
    "takeover-permission": "Maester MT.1050 (https://maester.dev/docs/next/tests/MT.1050)",
    # MT.1002 checks the tenant has an app management policy; its own wording asks for passwords to be replaced and
    # credentials renewed about every six months. This rule applies that limit to each recorded secret.
    "secret-lifetime": "Maester MT.1002 (https://maester.dev/docs/tests/MT.1002)",
    "certificate-lifetime": "Maester MT.1002 (https://maester.dev/docs/tests/MT.1002)",
    # MT.1057: app registrations should no longer use secrets (federated credentials or certificates instead).
    "secret-not-keyless": "Maester MT.1057 (https://maester.dev/docs/tests/MT.1057)",
    "secret-beside-federation": "Maester MT.1057 (https://maester.dev/docs/tests/MT.1057)",
}
MAX_STATIC_AGE_DAYS = 365
# Callers whose configuration is readable by every workflow editor: a privileged key there is exposed.
SHARED_CALLERS = ("n8n:", "web:", "browser:", "airtable:", "zapier:", "make:")


def rule(fn: Rule) -> Rule:
    """Register an audit rule."""
    RULES.append(fn)
    return fn


def _live(items):  # type: ignore[no-untyped-def]
    return (i for i in items if i.status != Status.RETIRED)


def _cred(c: Credential) -> str:
    return f"credential:{c.id}"


def _expiry(
    subject: str, what: str, expires: dt.date | None, today: dt.date, explainer: str
) -> Iterator[Finding]:
    if expires is None:
        return
    days = (expires - today).days
    if days < 0:
        yield Finding(
            "expired",
            Severity.ERROR,
            subject,
            f"{what} expired {-days} day(s) ago ({expires}).",
            "Issue a new one, update every place that uses it, then revoke the old one and record "
            "the new expiry.",
            explainer,
        )
    elif days <= EXPIRY_WARNING_DAYS:
        yield Finding(
            "expiring",
            Severity.WARNING,
            subject,
            f"{what} expires in {days} day(s) ({expires}).",
            "Rotate it now: create the replacement, switch the callers over, revoke the old one.",
            explainer,
        )


@rule
def expired_or_expiring(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Credentials and service principal secrets past or near their end date."""
    for c in _live(ws.credentials):
        yield from _expiry(
            _cred(c),
            f"{c.label or c.id} ({c.service}, {c.method})",
            c.expires,
            today,
            "rotation-and-revocation",
        )
    for sp in _live(ws.service_principals):
        if sp.credential_kind in (CredentialKind.SECRET, CredentialKind.CERTIFICATE):
            yield from _expiry(
                f"service-principal:{sp.name}",
                f"The {sp.credential_kind} of {sp.name}",
                sp.secret_expires,
                today,
                "rotation-and-revocation",
            )


@rule
def secret_lifetime(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Client secrets that live longer than six months and certificates that live longer than a year, on a
    service principal (secret_created -> secret_expires) or on a client-credentials credential of its own
    (created -> expires). The limits are the ones app management policies can enforce (explainer
    app-management-policies)."""
    for sp in _live(ws.service_principals):
        if sp.secret_expires is None:
            continue
        limit = LIFETIME_LIMITS.get(sp.credential_kind)
        days = (sp.secret_expires - (sp.secret_created or today)).days
        if limit is not None and days > limit[1]:
            yield _lifetime(f"service-principal:{sp.name}", sp.name, sp.credential_kind, days, *limit)
    sps = {sp.name for sp in ws.service_principals}
    for c in _live(ws.credentials):
        # A credential that belongs to a recorded service principal is judged by the principal's own dates.
        if (
            c.method != Method.OAUTH_CLIENT_CREDENTIALS
            or c.identity in sps
            or c.created is None
            or c.expires is None
        ):
            continue
        days = (c.expires - c.created).days
        rule_id, limit_days = LIFETIME_LIMITS[CredentialKind.SECRET]
        if days > limit_days:
            yield _lifetime(
                _cred(c),
                c.label or c.id,
                CredentialKind.SECRET,
                days,
                rule_id,
                limit_days,
                f"Issue the next secret for at most {limit_days} days and rotate before then, or move to "
                f"a keyless option if {c.service} offers one (`idspine advise {c.service}`).",
            )


def _lifetime(
    subject: str, name: str, kind: CredentialKind, days: int, rule_id: str, limit: int, fix: str = ""
) -> Finding:
    what = "client secret" if kind == CredentialKind.SECRET else "certificate"
    fix = fix or (
        f"Issue secrets for at most {limit} days, or switch to a certificate or a federated credential."
        if kind == CredentialKind.SECRET
        else f"Issue certificates for at most {limit} days, or switch to a federated credential or managed identity."
    )
    return Finding(
        rule_id,
        Severity.WARNING,
        subject,
        f"The {what} of {name} is valid for {days} days (limit {limit}); a leaked one stays useful "
        "that long.",
        fix,
        "app-management-policies",
    )


@rule
def static_without_expiry(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """PATs, API keys and service account keys with no end date, or very old ones."""
    for c in _live(ws.credentials):
        if c.method not in STATIC_METHODS or c.status == Status.PLANNED:
            continue
        age = (today - c.created).days if c.created else None
        if c.expires is None:
            aged = f", and it is {age} days old" if age is not None and age > MAX_STATIC_AGE_DAYS else ""
            yield Finding(
                "no-expiry",
                Severity.WARNING,
                _cred(c),
                f"{c.method} for {c.service} has no expiry date recorded{aged}.",
                "Set an expiry where the service allows it (or record the one it has), and put a "
                "rotation date in the calendar.",
                "pat-vs-api-key-vs-oauth",
            )


@rule
def missing_owner(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Identities and credentials nobody is answerable for. (The inventory records no departed people, so an owner
    who has left cannot be told apart here; offboarding reassigns ownership.)"""
    for c in _live(ws.credentials):
        if not c.owner:
            yield Finding(
                "no-owner",
                Severity.WARNING,
                _cred(c),
                f"{c.label or c.id} has no owner.",
                "Record who rotates and revokes it (a person or a mailbox).",
                "credential-inventory",
            )
    for sp in _live(ws.service_principals):
        if not sp.owner:
            yield Finding(
                "no-owner",
                Severity.WARNING,
                f"service-principal:{sp.name}",
                f"{sp.name} has no owner.",
                "Assign an owner in the IdP (two, ideally) and record it here.",
                "app-ownership",
            )


@rule
def missing_secret_reference(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Secrets whose storage place is not recorded: push, verify and rotation cannot find them."""
    from wizard.secrets.refs import credential_needs_secret

    sps = {sp.name: sp for sp in ws.service_principals}
    for c in _live(ws.credentials):
        if c.secret_ref or not credential_needs_secret(c, sps.get):
            continue
        when = (
            "is planned but nothing records where its secret will live"
            if c.status == Status.PLANNED
            else "is active but the inventory does not say where its secret lives"
        )
        yield Finding(
            "no-secret-ref",
            Severity.WARNING,
            _cred(c),
            f"{c.label or c.id} {when}.",
            "Record the reference (env:NAME, keyvault://vault/name, 1password://vault/item, file:PATH): "
            f"the wizard's secrets step, the inspector (e), or `idspine edit {c.id} --secret-ref REF`.",
            "secret-stores",
        )
    for sp in _live(ws.service_principals):
        if sp.status == Status.ACTIVE and sp.credential_kind == CredentialKind.SECRET and not sp.secret_ref:
            yield Finding(
                "no-secret-ref",
                Severity.WARNING,
                f"service-principal:{sp.name}",
                f"{sp.name} uses a client secret but its storage place is not recorded.",
                "Record the secret store reference.",
                "secret-stores",
            )


@rule
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


@rule
def federation_subjects(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Federated credentials that trust too much."""
    for sp in _live(ws.service_principals):
        for fc in sp.federated_credentials:
            subject = f"service-principal:{sp.name}"
            if not fc.subject:
                yield Finding(
                    "federation-subject",
                    Severity.ERROR,
                    subject,
                    f"Federated credential {fc.name} has no subject, so it names no workload.",
                    "Set the exact subject, e.g. repo:ORG/REPO:environment:prod.",
                    "workload-identity-federation",
                )
            elif "*" in fc.subject:
                yield Finding(
                    "federation-subject",
                    Severity.ERROR,
                    subject,
                    f"Federated credential {fc.name} uses a wildcard subject ({fc.subject}): any "
                    "branch or pull request matching it gets the identity.",
                    "Pin the subject to one branch or, better, one protected environment.",
                    "workload-identity-federation",
                )
            if not fc.issuer.startswith("https://"):
                yield Finding(
                    "federation-issuer",
                    Severity.ERROR,
                    subject,
                    f"Federated credential {fc.name} trusts a non-https issuer.",
                    "Use the issuer's https address exactly as it appears in its tokens.",
                    "workload-identity-federation",
                )
        if sp.credential_kind == CredentialKind.FEDERATED and not sp.federated_credentials:
            yield Finding(
                "federation-missing",
                Severity.WARNING,
                f"service-principal:{sp.name}",
                f"{sp.name} is meant to use federation but has no federated credential.",
                "Add the federated credential for the workload that signs in.",
                "workload-identity-federation",
            )


@rule
def privileged_in_workflows(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Keys that bypass authorisation, placed where many people or a browser can read them."""
    for c in _live(ws.credentials):
        if not c.privileged:
            continue
        exposed = [u for u in c.used_by if u.startswith(SHARED_CALLERS)]
        if exposed:
            supabase = c.service == "supabase"
            fix = (
                "Give the workflow a narrower identity (a database role, a scoped key, an edge "
                "function) and keep the privileged key in server-side code only."
            )
            if (
                c.key_kind == SupabaseKey.SERVICE_ROLE
            ):  # legacy JWT: revoking it means changing the JWT secret
                fix = (
                    "Give the workflow a Postgres role limited to its tables (n8n's Postgres credential). The "
                    "legacy service_role key can only be revoked by rotating the JWT secret, which breaks "
                    "every legacy key: move servers to their own secret keys (sb_secret_...) first."
                )
            yield Finding(
                "privileged-in-workflow",
                Severity.ERROR,
                _cred(c),
                f"{c.label or c.id} bypasses authorisation and is used by {', '.join(exposed)}.",
                fix,
                "supabase-keys" if supabase else "least-privilege",
            )


@rule
def group_names(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Group names that break the naming convention or the IdP's rules, and duplicates."""
    conv = ws.consultancy.naming
    seen: Counter[str] = Counter(g.name.lower() for g in _live(ws.groups))
    for g in _live(ws.groups):
        for problem in check_group_name(g.name, conv, ws.consultancy.idp):
            yield Finding(
                "group-naming",
                Severity.WARNING,
                f"group:{g.name}",
                problem,
                "Rename the group to follow the convention.",
                "naming-policy",
            )
        if seen[g.name.lower()] > 1:
            yield Finding(
                "duplicate",
                Severity.WARNING,
                f"group:{g.name}",
                f"{seen[g.name.lower()]} groups are called {g.name}.",
                "Merge them or give each a distinct role in its name.",
                "naming-policy",
            )


@rule
def duplicates(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """The same secret recorded twice, or two identities with one name."""
    refs: Counter[str] = Counter(c.secret_ref for c in _live(ws.credentials) if c.secret_ref)
    sp_ids = {sp.name for sp in ws.service_principals}
    for c in _live(ws.credentials):
        # A credential that belongs to a service principal may share its secret reference.
        if c.secret_ref and refs[c.secret_ref] > 1 and c.identity not in sp_ids:
            yield Finding(
                "duplicate",
                Severity.WARNING,
                _cred(c),
                f"{c.secret_ref} is recorded on {refs[c.secret_ref]} credentials.",
                "One secret should serve one purpose; split it or merge the entries.",
                "least-privilege",
            )
    names: Counter[str] = Counter(sp.name for sp in ws.service_principals)
    for name, n in names.items():
        if n > 1:
            yield Finding(
                "duplicate",
                Severity.ERROR,
                f"service-principal:{name}",
                f"{n} service principals are called {name}; apply would not know which to use.",
                "Rename one of them.",
                "service-principals",
            )


@rule
def dangling_references(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """References to clients, identities or groups that do not exist."""
    clients = {c.slug for c in ws.clients}
    sps = {sp.name for sp in ws.service_principals}
    groups = {g.name for g in ws.groups}
    fix = "Add the missing entry or correct the name."
    for c in ws.credentials:
        if c.client and c.client not in clients:
            yield Finding(
                "dangling",
                Severity.ERROR,
                _cred(c),
                f"Unknown client {c.client!r}.",
                fix,
                "credential-inventory",
            )
        if c.identity and c.identity not in sps:
            yield Finding(
                "dangling",
                Severity.ERROR,
                _cred(c),
                f"Unknown service principal {c.identity!r}.",
                fix,
                "service-principals",
            )
    for g in ws.groups:
        if g.client and g.client not in clients:
            yield Finding(
                "dangling",
                Severity.ERROR,
                f"group:{g.name}",
                f"Unknown client {g.client!r}.",
                fix,
                "credential-inventory",
            )
    for sp in ws.service_principals:
        if sp.client and sp.client not in clients:
            yield Finding(
                "dangling",
                Severity.ERROR,
                f"service-principal:{sp.name}",
                f"Unknown client {sp.client!r}.",
                fix,
                "credential-inventory",
            )
        for role in sp.app_roles:
            for gname in role.groups:
                if gname not in groups:
                    yield Finding(
                        "dangling",
                        Severity.ERROR,
                        f"service-principal:{sp.name}",
                        f"App role {role.value} is mapped to unknown group {gname!r}.",
                        fix,
                        "app-roles",
                    )


def _host_of(c: Credential, ws: Workspace) -> Host:
    """Where the credential's main caller runs, from its first `used_by` entry."""
    for used in c.used_by:
        kind = used.split(":", 1)[0]
        if kind == "n8n":
            url = ws.consultancy.integrations.n8n_url or ""
            return Host.N8N_CLOUD if ".n8n.cloud" in url else Host.N8N_SELF_HOSTED
        if kind in ("github-actions", "azure", "laptop"):
            return Host(kind)
    return Host.LAPTOP


@rule
def better_method_available(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Static keys where the service and caller allow something that expires by itself."""
    try:
        from wizard.advice.methods import advise
    except ImportError:  # pragma: no cover - the catalogue ships with the package
        return
    from wizard.advice.methods import HOST_WORDS

    cache: dict[tuple[str, Hat, Host], tuple[Method, str] | None] = {}
    for c in _live(ws.credentials):
        if c.method not in STATIC_METHODS:
            continue
        hat = Hat.CLIENT_DELIVERY if c.client else Hat.OWN_PRODUCTION
        key = (c.service, hat, _host_of(c, ws))
        if key not in cache:
            try:
                rec = advise(*key).recommended
                cache[key] = (rec.method, rec.label)
            except (KeyError, LookupError, ValueError):
                cache[key] = None
        best = cache[key]
        if best is not None and best[0] not in STATIC_METHODS:
            yield Finding(
                "better-method",
                Severity.INFO,
                _cred(c),
                f"Called from {HOST_WORDS[key[2]]}, {c.service} offers {best[1]} ({best[0]}), "
                f"which avoids a long-lived {c.method}.",
                c.planned_migration
                or f"Plan a migration to {best[1]} ({best[0]}); run `idspine advise {c.service}`.",
                "pat-vs-api-key-vs-oauth",
            )


@rule
def duplicate_keys(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Two entries sharing the key other entries and commands look them up by (client slug, credential id,
    checklist id, flow): every lookup silently takes the first, so edits, pushes and rotations could hit the
    wrong one. (Groups and service principals with one name are reported by group_names and duplicates.)"""
    keyed = (
        ("client", "clients", "slug", "credential-inventory"),
        ("credential", "credentials", "id", "credential-inventory"),
        ("checklist", "checklist", "id", "credential-inventory"),
        ("progress", "progress", "flow", "credential-inventory"),
    )
    for subject, field, key, explainer in keyed:
        seen: Counter[str] = Counter(getattr(item, key) for item in getattr(ws, field))
        for value, n in seen.items():
            if n > 1:
                yield Finding(
                    "duplicate-key",
                    Severity.ERROR,
                    f"{subject}:{value}",
                    f"{n} entries in [[{field}]] have {key} = {value!r}; lookups by {key} would pick the "
                    "first one silently.",
                    f"Give each entry its own {key}, or merge them into one.",
                    explainer,
                )


@rule
def secret_not_keyless(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """A client secret on an identity whose tool can present its own token (federation) or use a managed
    identity, judged by the same table the service-principal flow chooses with. Mirrors Maester MT.1057."""
    for sp in _live(ws.service_principals):
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


@rule
def takeover_permissions(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Application permissions that let a workload identity reach Global Administrator. Mirrors Maester MT.1050
    (apps with tier-0 Graph permissions), whose table TIER0_PERMISSIONS follows."""
    wanted = {p.lower(): p for p in TIER0_PERMISSIONS}
    for sp in _live(ws.service_principals):
        risky = sorted(
            {
                wanted[p.name.lower()]
                for p in sp.permissions
                if p.type == "application" and p.name.lower() in wanted
            }
        )
        if risky:
            yield Finding(
                "takeover-permission",
                Severity.ERROR,
                f"service-principal:{sp.name}",
                f"{sp.name} has application permission {', '.join(risky)}, which has a known path to Global "
                "Administrator: whoever holds the app's credential can take over the tenant.",
                "Remove the permission and grant the narrowest one the job needs (e.g. Sites.Selected, "
                "Group.Read.All); if an admin task really needs it, run it as a person through PIM.",
                "dangerous-graph-permissions",
            )


@rule
def secret_shared_across_clients(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """One secret store entry used by entries of two clients (or a client and the consultancy): revoking it for one
    breaks the other, and one client's leak opens the other's data."""
    from wizard.secrets.refs import StoreKey, describe, store_key

    users: dict[StoreKey, list[tuple[str, str]]] = {}
    refs = [(_cred(c), c.client, c.secret_ref) for c in _live(ws.credentials)]
    refs += [
        (f"service-principal:{sp.name}", sp.client, sp.secret_ref) for sp in _live(ws.service_principals)
    ]
    for subject, client, ref in refs:
        if not ref:
            continue
        try:
            users.setdefault(store_key(ref), []).append((subject, client))
        except ValueError:
            continue
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


@rule
def secret_beside_federation(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """A service principal with both a federated credential and a client secret: the secret is usually left over
    from before federation and still works for anyone who holds it. Mirrors Maester MT.1057."""
    for sp in _live(ws.service_principals):
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


@rule
def tenant_not_recorded(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Objects placed in a tenant whose id or domain the inventory does not hold: plan cannot name it and apply
    refuses that tenant until it is recorded. One finding per tenant, counting what waits for it."""
    from wizard import placement

    waiting: Counter[placement.Tenant] = Counter()
    for group in _live(ws.groups):
        waiting[placement.group_tenant(ws, group)] += 1
    for sp in _live(ws.service_principals):
        waiting.update(
            {placement.app_registration_tenant(ws, sp), placement.service_principal_tenant(ws, sp)}
        )
    for tenant, count in waiting.items():
        if tenant.recorded:
            continue
        if tenant.client:
            subject = f"client:{tenant.client}"
            fix = (
                f"Record the client's tenant id (a GUID, shown on the Overview page of its Entra admin center) or "
                f"primary domain as `tenant` under the client {tenant.client} in the inventory."
            )
        else:
            subject = "consultancy"
            fix = "Record your tenant id or primary domain as `home_tenant` under [consultancy] in the inventory."
        yield Finding(
            "tenant-not-recorded",
            Severity.WARNING,
            subject,
            f"{count} object(s) belong in {tenant.label.removesuffix(' (not recorded)')}, whose tenant id "
            "or domain is not recorded; apply will not sign in there until it is.",
            fix,
            "tenant-placement",
        )
