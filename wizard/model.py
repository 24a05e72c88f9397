"""The workspace model: one consultancy, its clients, identities and credentials (never secret values)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from wizard.safe_regex import pattern_problem
from wizard.secrets.guard import refuse_secret, validate_reference
from wizard.settings import GUID_PATTERN
from wizard.vocabulary import STATIC_METHODS as STATIC_METHODS  # re-exported: code imports it from here
from wizard.vocabulary import (
    CredentialKind,
    GroupKind,
    Hat,
    IdP,
    Method,
    Placement,
    Status,
    SupabaseKey,
    TenantModel,
)
from wizard.vocabulary import Host as Host  # re-exported: code imports it from here

SCHEMA_VERSION = 1

SLUG_RE = r"^[a-z][a-z0-9-]{0,39}$"

# Free text that must never carry a secret value.
SafeText = Annotated[str, AfterValidator(refuse_secret)]
# Where a secret lives: env:NAME, keyvault://vault/name, 1password://..., op://..., file:PATH.
SecretRef = Annotated[str, AfterValidator(validate_reference)]
Slug = Annotated[str, Field(pattern=SLUG_RE)]
Guid = Annotated[str, Field(pattern=GUID_PATTERN)]


GOOGLE_SERVICES = frozenset({"google-cloud", "google-workspace", "bigquery"})


def is_google_service(service: str) -> bool:
    """Whether a catalogue service id is one of Google's (their OAuth clients have a publishing status)."""
    return service in GOOGLE_SERVICES or service.startswith("google-")


class Strict(BaseModel):
    """Base: unknown fields are errors, and inputs never appear in error messages."""

    model_config = ConfigDict(
        extra="forbid",
        hide_input_in_errors=True,
        validate_assignment=True,
        str_strip_whitespace=True,
        # Validators are built on first use rather than when this module is imported (~40 ms of start-up);
        # validation itself is the same, and the first validation builds what it needs.
        defer_build=True,
    )


def _home_or_client(value: Placement | None) -> Placement | None:
    if value == Placement.MULTI_TENANT:
        raise ValueError("only a service principal can be a multi-tenant app; use home or client")
    return value


class NamingConvention(Strict):
    """Name templates and the policy names must follow.

    Templates use {client}, {role}, {tool}, {purpose} (as given) and {Client}, {Role}, ... (title-cased).
    """

    group_template: str = "Tenant-{Client}-{Role}"
    internal_group_template: str = "Org-{Role}"
    admin_group_template: str = "Admin-{Client}-{Role}"
    service_principal_template: str = "svc-{tool}-{purpose}-{client}"
    prefix: str = ""
    suffix: str = ""
    blocked_words: list[str] = Field(default_factory=list)
    allowed_pattern: str = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    max_length: int = Field(default=64, ge=8, le=256)

    @field_validator("allowed_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        problem = pattern_problem(value)  # invalid, or a shape that could backtrack without bound (ReDoS)
        if problem:
            raise ValueError(problem)
        return value


class Integrations(Strict):
    """Where the consultancy's n8n and Supabase live, and references to their admin credentials."""

    n8n_url: str | None = None
    n8n_api_key_ref: SecretRef | None = None
    supabase_project_ref: str | None = Field(default=None, pattern=r"^[a-z0-9]{20}$")
    supabase_access_token_ref: SecretRef | None = None
    secret_store: str = "env-file"  # env-file | keyvault
    keyvault_name: str | None = None


class Consultancy(Strict):
    """The consultant's own organisation and its home tenant."""

    name: SafeText
    slug: Slug
    home_tenant: str = ""  # tenant id (GUID) or primary domain
    idp: IdP | None = None
    idp_reasons: list[SafeText] = Field(default_factory=list)
    # Where the chosen IdP (other than Entra) lives: the Okta org or Auth0 tenant address, the Keycloak realm's
    # address (https://sso.example.com/realms/acme), the authentik address, the Cloud Identity primary domain.
    idp_address: SafeText = ""
    gcp_project: SafeText = ""  # Google: the project that holds service accounts and workload identity pools
    hats: list[Hat] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    naming: NamingConvention = Field(default_factory=NamingConvention)
    integrations: Integrations = Field(default_factory=Integrations)
    break_glass_accounts: list[SafeText] = Field(default_factory=list)


class Client(Strict):
    """A client organisation the consultant delivers for."""

    slug: Slug
    name: SafeText
    tenant_model: TenantModel = TenantModel.SEPARATE_TENANT
    tenant: str = ""
    residency: str = ""  # e.g. "EU", "UK", "US", "AU"
    status: Status = Status.ACTIVE
    data_export_consent: SafeText = ""
    notes: SafeText = ""
    # Where this client's data-access service principals live: client (its tenant), multi-tenant (an app at
    # home with admin consent in the client's tenant) or home. None: the default of the tenant model.
    app_placement: Placement | None = None


class Discovered(Strict):
    """Where and when `idspine discover` found an entry in a live system before it was adopted after review."""

    source: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*(:[A-Za-z0-9._-]{1,100})?$"
    )  # entra:TENANT, n8n, supabase:REF
    at: dt.datetime
    key: str = Field(
        default="", max_length=200, pattern=r"^[A-Za-z0-9._:@/-]*$"
    )  # the live object's stable id


class Group(Strict):
    """A group in the IdP (security or Microsoft 365), internal when client is empty."""

    name: SafeText
    client: str = ""
    role: SafeText = ""
    kind: GroupKind = GroupKind.SECURITY
    admin: bool = False
    description: SafeText = ""
    owners: list[SafeText] = Field(default_factory=list)
    membership_rule: SafeText = ""  # dynamic membership rule, empty for assigned membership
    object_id: Guid | None = None
    status: Status = Status.PLANNED
    discovered: Discovered | None = None
    tenant: Annotated[Placement | None, AfterValidator(_home_or_client)] = (
        None  # None: wizard.placement default
    )


class Permission(Strict):
    """An API permission granted to a service principal."""

    resource: SafeText  # e.g. "Microsoft Graph"
    name: SafeText  # e.g. "Sites.Selected"
    type: str = Field(default="application", pattern=r"^(application|delegated)$")
    admin_consent: bool = True


class AppRole(Strict):
    """An app role defined on an application registration."""

    value: SafeText
    display_name: SafeText
    allowed: str = Field(default="user", pattern=r"^(user|application|both)$")
    groups: list[str] = Field(default_factory=list)  # groups assigned to this role


class FederatedCredential(Strict):
    """Trust in tokens from an outside issuer (e.g. GitHub Actions) instead of a secret."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$")
    issuer: str
    subject: str = ""
    audiences: list[str] = Field(default_factory=lambda: ["api://AzureADTokenExchange"])
    description: SafeText = ""


class Verification(Strict):
    """The last time a credential was proven to work."""

    at: dt.datetime
    ok: bool
    detail: SafeText = ""


class ServicePrincipal(Strict):
    """A non-human identity: one per tenant and purpose (e.g. svc-n8n-graph-acme)."""

    name: SafeText
    client: str = ""
    purpose: SafeText = ""
    tool: str = ""
    credential_kind: CredentialKind = CredentialKind.SECRET
    secret_ref: SecretRef | None = None
    secret_created: dt.date | None = None
    secret_expires: dt.date | None = None
    permissions: list[Permission] = Field(default_factory=list)
    app_roles: list[AppRole] = Field(default_factory=list)
    redirect_uris: list[str] = Field(default_factory=list)
    federated_credentials: list[FederatedCredential] = Field(default_factory=list)
    owner: SafeText = ""
    app_id: Guid | None = None  # Entra's application (client) id
    # Other IdPs' client id, which need not be a GUID (Okta 0oa…, Auth0, authentik; Keycloak's chosen clientId)
    client_id: Annotated[str, Field(max_length=200, pattern=r"^[A-Za-z0-9._:@/-]*$")] = ""  # an id, not text
    application_object_id: Guid | None = None
    object_id: Guid | None = None
    status: Status = Status.PLANNED
    verification: Verification | None = None
    notes: SafeText = ""
    tenant: Placement | None = None  # None: wizard.placement's default for the client's tenant model
    # As the IdP reports them (discover, or typed in): the app's sign-in audience (None: follow wizard.placement)
    # and whether its enterprise app requires assignment (Entra's appRoleAssignmentRequired; None: not known).
    sign_in_audience: Literal["single-tenant", "multi-tenant"] | None = None
    discovered: Discovered | None = None
    assignment_required: bool | None = None


class Credential(Strict):
    """One credential a workload or person uses against one service. The secret itself lives elsewhere."""

    id: Slug
    service: str  # catalogue id, e.g. "airtable"
    method: Method
    client: str = ""
    identity: str = ""  # the service principal it belongs to, when there is one
    label: SafeText = ""
    scopes: list[SafeText] = Field(default_factory=list)
    owner: SafeText = ""
    created: dt.date | None = None
    expires: dt.date | None = None
    secret_ref: SecretRef | None = None
    used_by: list[SafeText] = Field(default_factory=list)  # "n8n:Invoice sync", "github-actions:org/repo"
    privileged: bool = False  # bypasses authorisation (e.g. Supabase service_role)
    key_kind: SupabaseKey | None = None  # which Supabase key this is (Supabase credentials only)
    planned_migration: SafeText = ""
    n8n_type: str = ""
    n8n_id: str = ""
    status: Status = Status.ACTIVE
    notes: SafeText = ""
    tenant: Annotated[Placement | None, AfterValidator(_home_or_client)] = (
        None  # None: wizard.placement default
    )
    # Google OAuth clients only: the consent screen's publishing status (testing: refresh tokens of external
    # users last 7 days). None: not recorded.
    google_publishing_status: Literal["testing", "in-production"] | None = None
    key_id: Guid | None = None  # Entra: the keyId of the password or key credential this entry records
    last_used: dt.date | None = None  # last sign-in with this credential, where a live system reports it
    discovered: Discovered | None = None

    @model_validator(mode="after")
    def _publishing_status_fits(self) -> Credential:
        if self.google_publishing_status is not None and not is_google_service(self.service):
            raise ValueError(
                f"google_publishing_status is for Google OAuth clients; {self.id} is a {self.service} credential"
            )
        return self

    @model_validator(mode="after")
    def _key_kind_fits(self) -> Credential:
        if self.key_kind is None:
            return self
        if self.service != "supabase":
            raise ValueError(
                f"key_kind is for Supabase project keys; {self.id} is a {self.service} credential"
            )
        if self.key_kind.privileged != self.privileged:
            raise ValueError(
                f"{self.id}: a {self.key_kind.value} key "
                f"{'bypasses' if self.key_kind.privileged else 'does not bypass'} Row Level Security, "
                f"so privileged must be {str(self.key_kind.privileged).lower()}"
            )
        return self


class ChecklistItem(Strict):
    """A manual step and whether it is done."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9:._-]*$")
    text: SafeText
    client: str = ""
    done: bool = False


class FlowProgress(Strict):
    """Where the user is in a guided flow, so a restart resumes there."""

    flow: str
    step: int = 0
    completed: bool = False
    answers: dict[str, SafeText | list[SafeText] | bool | int] = Field(default_factory=dict)
    # step id -> the inventory objects that step's answers added ("group:NAME", "credential:ID", ...), so
    # changing an answer later replaces them instead of leaving them behind
    produced: dict[str, list[SafeText]] = Field(default_factory=dict)


class Workspace(Strict):
    """Everything idspine knows about one consultancy."""

    schema_version: int = SCHEMA_VERSION
    consultancy: Consultancy
    clients: list[Client] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    service_principals: list[ServicePrincipal] = Field(default_factory=list)
    credentials: list[Credential] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(default_factory=list)
    progress: list[FlowProgress] = Field(default_factory=list)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value < 1 or value > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {value} is not supported (this idspine writes {SCHEMA_VERSION})"
            )
        return value

    # Lookups used by audit, exports and flows.
    def client(self, slug: str) -> Client | None:
        return next((c for c in self.clients if c.slug == slug), None)

    def service_principal(self, name: str) -> ServicePrincipal | None:
        return next((s for s in self.service_principals if s.name == name), None)

    def credential(self, cred_id: str) -> Credential | None:
        return next((c for c in self.credentials if c.id == cred_id), None)

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    def flow_progress(self, flow: str) -> FlowProgress | None:
        """The progress record of *flow*, or None when it was never started."""
        return next((p for p in self.progress if p.flow == flow), None)


def new_workspace(name: str, slug: str) -> Workspace:
    """An empty workspace for a consultancy."""
    return Workspace(consultancy=Consultancy(name=name, slug=slug))
