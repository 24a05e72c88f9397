"""The six identity providers idspine plans for, in their own words (facts checked against vendor docs)."""

from __future__ import annotations

from wizard.idps.profile import GroupRules, IdpProfile, WorkloadIdentity
from wizard.vocabulary import IdP

ENTRA = IdpProfile(
    key=IdP.ENTRA.value,
    name="Microsoft Entra ID",
    groups=GroupRules(
        container="the Entra tenant",
        term="security group",
        max_length=256,
        note="Entra: display name up to 256 characters; mail nickname up to 64",
    ),
    workload=WorkloadIdentity(
        term="app registration and its service principal (enterprise application)",
        short="service principal",
        credentials=("federated", "certificate", "client_secret"),
        token_endpoint="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        console_create="Entra admin center > App registrations > New registration",
        console_revoke="Entra admin center > App registrations > the app > Certificates & secrets > delete",
        api="Microsoft Graph",
    ),
    terraform_provider="hashicorp/azuread",
    live_apply=True,
)

OKTA = IdpProfile(
    key=IdP.OKTA.value,
    name="Okta",
    groups=GroupRules(
        container="the Okta org",
        term="Okta group",
        max_length=255,
        note="Okta: group name up to 255 characters",
    ),
    workload=WorkloadIdentity(
        term="API service app (OAuth 2.0 client credentials with Okta API scopes)",
        short="API service app",
        credentials=("private_key_jwt", "client_secret"),
        token_endpoint="https://{domain}/oauth2/v1/token",
        console_create="Okta Admin Console > Applications > Applications > Create App Integration > API Services",
        console_revoke="Okta Admin Console > Applications > the app > General > Client Credentials > deactivate "
        "the key or secret (or deactivate the app)",
        api="Okta management API",
    ),
    terraform_provider="okta/okta",
)

AUTH0 = IdpProfile(
    key=IdP.AUTH0.value,
    name="Auth0",
    groups=GroupRules(
        container="the Auth0 tenant",
        term="role",
        max_length=50,
        note="Auth0 has no groups; roles stand in for them (role name limits per the Management API)",
    ),
    workload=WorkloadIdentity(
        term="machine-to-machine application with a client grant to an API",
        short="M2M application",
        credentials=("private_key_jwt", "client_secret"),
        token_endpoint="https://{domain}/oauth/token",
        console_create="Auth0 Dashboard > Applications > Applications > Create Application > Machine to Machine",
        console_revoke="Auth0 Dashboard > Applications > the app > Credentials > rotate or delete; "
        "APIs > the API > Machine to Machine Applications > revoke the grant",
        api="Auth0 Management API",
    ),
    terraform_provider="auth0/auth0",
)

GOOGLE = IdpProfile(
    key=IdP.GOOGLE.value,
    name="Google Cloud Identity",
    groups=GroupRules(
        container="the Cloud Identity customer (groups are e-mail addresses in your domain)",
        term="Cloud Identity group",
        max_length=64,
        forbidden=" ",
        note="Google: a group is an e-mail address; its local part up to 64 characters",
    ),
    workload=WorkloadIdentity(
        term="service account (keyless through workload identity federation; keys discouraged)",
        short="service account",
        credentials=("federated", "service_account_key"),
        token_endpoint="https://sts.googleapis.com/v1/token",
        console_create="Google Cloud console > IAM & Admin > Service Accounts > Create service account",
        console_revoke="Google Cloud console > IAM & Admin > Service Accounts > the account > Keys > delete "
        "(or disable the account)",
        api="Cloud Identity and IAM APIs",
    ),
    terraform_provider="hashicorp/google",
)

KEYCLOAK = IdpProfile(
    key=IdP.KEYCLOAK.value,
    name="Keycloak",
    groups=GroupRules(
        container="the Keycloak realm",
        term="group",
        max_length=255,
        note="Keycloak: group name up to 255 characters",
    ),
    workload=WorkloadIdentity(
        term="confidential client with a service account (client credentials)",
        short="service-account client",
        credentials=("private_key_jwt", "client_secret"),
        token_endpoint="{base}/realms/{realm}/protocol/openid-connect/token",
        console_create="Keycloak admin console > the realm > Clients > Create client > Client authentication on, "
        "Service accounts roles on",
        console_revoke="Keycloak admin console > the realm > Clients > the client > Credentials > Regenerate "
        "(or turn the client off)",
        api="Keycloak admin REST API",
    ),
    terraform_provider="keycloak/keycloak",
)

AUTHENTIK = IdpProfile(
    key=IdP.AUTHENTIK.value,
    name="authentik",
    groups=GroupRules(
        container="the authentik instance",
        term="group",
        max_length=150,
        note="authentik: group name limits per its API",
    ),
    workload=WorkloadIdentity(
        term="OAuth2/OpenID provider and application, signing in as a service account",
        short="service account",
        credentials=("app_password", "federated"),
        token_endpoint="{base}/application/o/token/",
        console_create="authentik admin interface > Applications > Create with provider (OAuth2/OpenID); "
        "Directory > Users > Create service account",
        console_revoke="authentik admin interface > Directory > Tokens and App passwords > delete "
        "(or deactivate the service account)",
        api="authentik API",
    ),
    terraform_provider="goauthentik/authentik",
)

PROFILES: dict[str, IdpProfile] = {p.key: p for p in (ENTRA, OKTA, AUTH0, GOOGLE, KEYCLOAK, AUTHENTIK)}


def profile_for(idp: str | None) -> IdpProfile:
    """The profile of the chosen IdP; Entra ID while none is chosen (the tenant model the rest assumes)."""
    return PROFILES.get(idp or "", ENTRA)
