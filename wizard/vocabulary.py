"""The inventory's closed vocabularies: identity providers, hats, hosts, tenant models, methods, kinds, statuses."""

from __future__ import annotations

from enum import StrEnum


class IdP(StrEnum):
    """Identity providers idspine can plan for."""

    ENTRA = "entra"
    OKTA = "okta"
    AUTH0 = "auth0"
    GOOGLE = "google-cloud-identity"
    KEYCLOAK = "keycloak"
    AUTHENTIK = "authentik"


class Hat(StrEnum):
    """The role the consultant plays for a piece of work."""

    PROTOTYPE = "prototype"
    OWN_PRODUCTION = "own-production"
    CLIENT_DELIVERY = "client-delivery"


class Host(StrEnum):
    """Where the calling automation runs."""

    N8N_CLOUD = "n8n-cloud"
    N8N_SELF_HOSTED = "n8n-self-hosted"
    AZURE = "azure"
    GITHUB_ACTIONS = "github-actions"
    LAPTOP = "laptop"


class TenantModel(StrEnum):
    """How a client's identities relate to the consultancy's tenant."""

    SEPARATE_TENANT = (
        "separate-tenant"  # client has its own tenant; consultant team joins as B2B guests there
    )
    B2B_GUESTS = "b2b-guests"  # client people are guests in the consultancy (hub) tenant
    DELEGATED_ADMIN = "delegated-admin"  # Lighthouse / GDAP-style delegated access
    PARTITION = "partition"  # a partition (groups/admin unit) of the consultancy's own tenant


class Placement(StrEnum):
    """Which tenant an Entra object lives in, relative to its client (resolved by wizard.placement)."""

    HOME = "home"  # the consultancy's home tenant
    CLIENT = "client"  # the client's own tenant
    # An app registered once at home for any organisation (signInAudience AzureADMultipleOrgs); its service
    # principal appears in the client's tenant when the client's admin consents. Service principals only.
    MULTI_TENANT = "multi-tenant"


class Method(StrEnum):
    """How a workload or person authenticates to a service."""

    OAUTH_USER = "oauth-user"
    OAUTH_CLIENT_CREDENTIALS = "oauth-client-credentials"
    PAT = "pat"
    API_KEY = "api-key"
    SERVICE_ACCOUNT_KEY = "service-account-key"
    FEDERATION = "federation"
    MANAGED_IDENTITY = "managed-identity"


STATIC_METHODS = frozenset({Method.PAT, Method.API_KEY, Method.SERVICE_ACCOUNT_KEY})


class CredentialKind(StrEnum):
    """What a service principal proves itself with."""

    SECRET = "secret"
    CERTIFICATE = "certificate"
    FEDERATED = "federated"
    MANAGED_IDENTITY = "managed-identity"
    NONE = "none"  # sign-in only (users authenticate; the app itself holds no credential)


class SupabaseKey(StrEnum):
    """Which Supabase project API key a credential is (https://supabase.com/docs/guides/api/api-keys).

    Publishable (sb_publishable_...) and secret (sb_secret_...) keys are the current ones; anon and
    service_role are the legacy JWT keys Supabase is retiring. Secret and service_role both bypass Row
    Level Security.
    """

    PUBLISHABLE = "publishable"
    SECRET = "secret"
    ANON = "anon"  # legacy JWT
    SERVICE_ROLE = "service-role"  # legacy JWT

    @property
    def privileged(self) -> bool:
        """True for the keys that bypass Row Level Security."""
        return self in (SupabaseKey.SECRET, SupabaseKey.SERVICE_ROLE)

    @property
    def legacy(self) -> bool:
        """True for the JWT-based keys that rotate only all together (by changing the JWT secret)."""
        return self in (SupabaseKey.ANON, SupabaseKey.SERVICE_ROLE)


class GroupKind(StrEnum):
    """Entra group types: security groups, or Microsoft 365 groups (made in the admin center)."""

    SECURITY = "security"
    M365 = "m365"


class Status(StrEnum):
    """Life-cycle of an entry: planned on paper, applied for real, or retired (revoked)."""

    PLANNED = "planned"
    ACTIVE = "active"
    RETIRED = "retired"
