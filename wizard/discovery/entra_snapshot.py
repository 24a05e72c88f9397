"""What `discover entra` read from one tenant through Microsoft Graph: ids, names, dates - never a secret value.

Graph never returns a client secret's value on reads (only keyId, displayName, start/end and a three-character
hint, which idspine does not keep). Every string here came from a server: escape it before any output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PasswordInfo:
    """A client secret's metadata (application passwordCredentials)."""

    key_id: str
    display_name: str
    start: dt.datetime | None
    end: dt.datetime | None
    last_used: dt.datetime | None = None  # this key's last sign-in (appCredentialSignInActivities), when read


@dataclass(frozen=True)
class CertificateInfo:
    """A certificate's metadata (application keyCredentials)."""

    key_id: str
    display_name: str
    start: dt.datetime | None
    end: dt.datetime | None
    usage: str = ""  # "Verify" for client authentication
    thumbprint: str = ""  # customKeyIdentifier, as Graph gives it
    last_used: dt.datetime | None = None  # this key's last sign-in (appCredentialSignInActivities), when read


@dataclass(frozen=True)
class FederatedInfo:
    """A federated identity credential on an application."""

    id: str
    name: str
    issuer: str
    subject: str
    audiences: tuple[str, ...] = ()


@dataclass(frozen=True)
class PermissionInfo:
    """A permission the app requests (requiredResourceAccess), named when the resource's roles/scopes are known."""

    resource_app_id: str
    resource_name: str  # "Microsoft Graph", or the app id when unknown
    id: str  # the appRole / oauth2PermissionScope id
    name: str  # e.g. "Sites.Selected"; the id when it could not be resolved
    type: str  # "application" (Role) or "delegated" (Scope)


@dataclass(frozen=True)
class GrantInfo:
    """An application permission actually granted to the service principal (appRoleAssignments)."""

    resource_id: str  # the resource service principal's object id
    resource_name: str
    app_role_id: str
    name: str  # the app role's value when known


@dataclass(frozen=True)
class OwnerInfo:
    """An owner of the application: a user (with UPN) or a service principal."""

    object_id: str
    display_name: str
    user_principal_name: str = ""
    account_enabled: bool | None = None  # False: the owner's account is disabled (left the company)


@dataclass
class DiscoveredApp:
    """An app registration and its service principal in this tenant (either may be missing)."""

    app_id: str
    display_name: str
    application_object_id: str | None = None  # None: a service principal of another tenant's app
    service_principal_object_id: str | None = None
    sign_in_audience: str = ""  # AzureADMyOrg, AzureADMultipleOrgs, ...
    redirect_uris: tuple[str, ...] = ()
    passwords: list[PasswordInfo] = field(default_factory=list)
    certificates: list[CertificateInfo] = field(default_factory=list)
    federated: list[FederatedInfo] = field(default_factory=list)
    permissions: list[PermissionInfo] = field(default_factory=list)
    grants: list[GrantInfo] = field(default_factory=list)
    owners: list[OwnerInfo] = field(default_factory=list)
    assignment_required: bool | None = None  # the service principal's appRoleAssignmentRequired
    last_sign_in: dt.datetime | None = None  # from sign-in activity reports, when readable


@dataclass(frozen=True)
class DiscoveredGroup:
    """A group whose name matches the workspace's naming convention."""

    object_id: str
    display_name: str
    description: str = ""
    security_enabled: bool = True
    unified: bool = False  # a Microsoft 365 group


@dataclass
class EntraSnapshot:
    """Everything read from one tenant in one run of `discover entra`."""

    tenant: str  # the tenant id (GUID) or primary domain it was read from
    read_at: dt.datetime
    apps: list[DiscoveredApp] = field(default_factory=list)
    groups: list[DiscoveredGroup] = field(default_factory=list)
    notes: list[str] = field(
        default_factory=list
    )  # what could not be read (e.g. sign-in activity: no licence)
    group_prefixes: list[str] = field(default_factory=list)  # the name prefixes groups were read for
    # True when the per-credential sign-in report was read: each PasswordInfo/CertificateInfo.last_used is then
    # that key's own last sign-in (None: none reported). False: only the app-level date, if any, is known.
    credential_activity: bool = False

    @property
    def source(self) -> str:
        """The Discovered.source for entries adopted from this snapshot."""
        return f"entra:{self.tenant}"


def snapshot_dict(snapshot: EntraSnapshot) -> dict[str, object]:
    """The snapshot as plain JSON-ready data (dates as ISO 8601 text); it holds no secret value."""
    from dataclasses import asdict

    def plain(value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    data = plain(asdict(snapshot))
    assert isinstance(data, dict)
    data["source"] = snapshot.source
    return data
