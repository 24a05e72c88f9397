"""The six identity providers idspine plans for, in their own words.

Every limit and console path here was checked against the vendor documentation named in the profile's
`sources` (and, for the group-name limits, in tests/unit/flows/test_idp_words.py). wizard.naming reads the
group limits from these profiles: there is one table.
"""

from __future__ import annotations

from wizard.idps.profile import GroupRules, IdpProfile, WorkloadIdentity
from wizard.vocabulary import IdP

ENTRA = IdpProfile(
    key=IdP.ENTRA.value,
    name="Microsoft Entra ID",
    groups=GroupRules(
        container="the Entra tenant",
        term="security group",
        # displayName takes 256 characters, but the mailNickname idspine derives from the name takes 64 and
        # refuses these characters (Graph: group resource; directoryObject: validateProperties).
        max_length=64,
        forbidden='@()\\[]";:<> ,',
        note='mailNickname: at most 64 characters, no spaces or @()\\[]";:<>,',
        console="Entra admin center > Groups > All groups",
        console_create="Entra admin center > Groups > All groups > New group: Security",
    ),
    workload=WorkloadIdentity(
        term="app registration and its service principal (enterprise application)",
        short="service principal",
        credentials=("federated", "certificate", "client_secret"),
        token_endpoint="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        console_create="Entra admin center > App registrations > New registration",
        console_revoke="Entra admin center > App registrations > the app > Certificates & secrets > delete",
        api="Microsoft Graph",
        console_disable="Entra admin center > Enterprise applications > the app > Properties > Enabled for users to sign in: No",
        console_delete="Entra admin center > App registrations > the app > Delete",
    ),
    terraform_provider="hashicorp/azuread",
    live_apply=True,
    sources=(
        "https://learn.microsoft.com/en-us/graph/api/resources/group",
        "https://learn.microsoft.com/en-us/graph/api/directoryobject-validateproperties",
        "https://learn.microsoft.com/en-us/entra/identity-platform/quickstart-register-app",
        "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
    ),
)

OKTA = IdpProfile(
    key=IdP.OKTA.value,
    name="Okta",
    groups=GroupRules(
        container="the Okta org",
        term="Okta group",
        max_length=255,  # group profile name: 1 to 255 characters
        note="group name: at most 255 characters",
        console="Okta Admin Console > Directory > Groups",
        console_create="Okta Admin Console > Directory > Groups > Add group",
    ),
    workload=WorkloadIdentity(
        term="API service app (OAuth 2.0 client credentials with Okta API scopes)",
        short="API service app",
        credentials=("private_key_jwt", "client_secret"),
        token_endpoint="https://{domain}/oauth2/v1/token",
        console_create="Okta Admin Console > Applications > Applications > Create App Integration > "
        "API Services",
        console_revoke="Okta Admin Console > Applications > Applications > the app > General > "
        "Client Credentials: deactivate and delete the key or secret (or deactivate the app)",
        api="Okta management API",
        console_disable="Okta Admin Console > Applications > Applications > the app > Active > Deactivate",
        console_delete="Okta Admin Console > Applications > Applications > the app: deactivate it, then Delete",
    ),
    terraform_provider="okta/okta",
    sources=(
        "https://help.okta.com/wf/en-us/content/topics/Workflows/connector-reference/okta/actions/creategroup.htm",
        "https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/",
        "https://developer.okta.com/docs/guides/find-your-app-credentials/findcreds",
        "https://developer.okta.com/docs/reference/api/groups/",
    ),
)

AUTH0 = IdpProfile(
    key=IdP.AUTH0.value,
    name="Auth0",
    groups=GroupRules(
        container="the Auth0 tenant",
        term="role",
        max_length=50,  # Management API POST /api/v2/roles: name 1 to 50 characters, no '<' or '>'
        forbidden="<>",
        note="Auth0 has no groups; roles stand in for them: role name at most 50 characters, no < or >",
        console="Auth0 Dashboard > User Management > Roles",
        console_create="Auth0 Dashboard > User Management > Roles > Create Role",
    ),
    workload=WorkloadIdentity(
        term="machine-to-machine application with a client grant to an API",
        short="M2M application",
        credentials=("private_key_jwt", "client_secret"),
        token_endpoint="https://{domain}/oauth/token",
        console_create="Auth0 Dashboard > Applications > Applications > Create Application > "
        "Machine to Machine Applications",
        console_revoke="Auth0 Dashboard > Applications > Applications > the app > Credentials: rotate the "
        "secret or delete the key; Applications > APIs > the API > Machine To Machine Applications: "
        "turn the grant off",
        api="Auth0 Management API",
        console_disable="Auth0 Dashboard > Applications > APIs > the API > Machine To Machine Applications: turn the app off",
        console_delete="Auth0 Dashboard > Applications > Applications > the app > Settings > Delete this application",
    ),
    terraform_provider="auth0/auth0",
    sources=(
        "https://auth0.com/docs/api/management/v2/roles/post-roles",
        "https://auth0.com/docs/get-started/auth0-overview/create-applications/machine-to-machine-apps",
        "https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow",
    ),
)

GOOGLE = IdpProfile(
    key=IdP.GOOGLE.value,
    name="Google Cloud Identity",
    groups=GroupRules(
        container="the Cloud Identity customer (groups are e-mail addresses in your domain)",
        term="Cloud Identity group",
        max_length=63,  # the group e-mail's part before the @: up to 63 characters (display name up to 73)
        forbidden=" @()[]\\\";:<>,'",
        note="group email local part: at most 63 characters, no spaces",
        console="Google Admin console > Directory > Groups",
        console_create="Google Admin console > Directory > Groups > Create group",
    ),
    workload=WorkloadIdentity(
        term="service account (keyless through workload identity federation; keys discouraged)",
        short="service account",
        credentials=("federated", "service_account_key"),
        token_endpoint="https://sts.googleapis.com/v1/token",
        console_create="Google Cloud console > IAM & Admin > Service Accounts > Create service account",
        console_revoke="Google Cloud console > IAM & Admin > Service Accounts > the account > Keys: delete "
        "the key (or disable the account)",
        api="Cloud Identity and IAM APIs",
        console_disable="Google Cloud console > IAM & Admin > Service Accounts > the account > Disable service account",
        console_delete="Google Cloud console > IAM & Admin > Service Accounts > the account > Delete",
    ),
    terraform_provider="hashicorp/google",
    sources=(
        "https://support.google.com/cloudidentity/answer/6259766",
        "https://cloud.google.com/iam/docs/service-accounts-create",
        "https://cloud.google.com/iam/docs/keys-create-delete",
        "https://cloud.google.com/iam/docs/workload-identity-federation",
        "https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token",
    ),
)

KEYCLOAK = IdpProfile(
    key=IdP.KEYCLOAK.value,
    name="Keycloak",
    groups=GroupRules(
        container="the Keycloak realm",
        term="group",
        max_length=255,  # KEYCLOAK_GROUP.NAME is VARCHAR(255) in Keycloak's database schema
        forbidden="/",  # '/' separates subgroups in a group path (escaped as ~/ since Keycloak 24)
        note="group name: '/' separates subgroups in paths",
        console="Keycloak admin console > the realm > Groups",
        console_create="Keycloak admin console > the realm > Groups > Create group",
    ),
    workload=WorkloadIdentity(
        term="confidential client with a service account (client credentials)",
        short="service-account client",
        credentials=("private_key_jwt", "client_secret"),
        token_endpoint="{base}/realms/{realm}/protocol/openid-connect/token",
        console_create="Keycloak admin console > the realm > Clients > Create client: Client authentication "
        "on, Service accounts roles on",
        console_revoke="Keycloak admin console > the realm > Clients > the client > Credentials: Regenerate "
        "the secret (or turn the client off under Settings > Enabled)",
        api="Keycloak admin REST API",
        console_disable="Keycloak admin console > the realm > Clients > the client: turn Enabled off",
        console_delete="Keycloak admin console > the realm > Clients > the client > Action > Delete",
    ),
    terraform_provider="keycloak/keycloak",
    sources=(
        "https://www.keycloak.org/docs/latest/server_admin/#_service_accounts",
        "https://www.keycloak.org/docs/latest/server_admin/#_client-credentials",
        "https://www.keycloak.org/docs/latest/upgrading/index.html#escaping-slashes-in-group-paths",
        "https://www.keycloak.org/docs-api/latest/rest-api/index.html",
    ),
)

AUTHENTIK = IdpProfile(
    key=IdP.AUTHENTIK.value,
    name="authentik",
    groups=GroupRules(
        container="the authentik instance",
        term="group",
        # authentik stores a group name as unbounded, unique text (core.models.Group.name); 255 is idspine's
        # own ceiling so the names also fit the tools that receive them.
        max_length=255,
        note="group name: unique; authentik sets no length limit, idspine keeps it to 255 characters",
        console="authentik admin interface > Directory > Groups",
        console_create="authentik admin interface > Directory > Groups > Create",
    ),
    workload=WorkloadIdentity(
        term="OAuth2/OpenID provider and application, signing in as a service account",
        short="service account",
        credentials=("app_password", "federated"),
        token_endpoint="{base}/application/o/token/",
        console_create="authentik admin interface > Applications > Applications > Create with provider "
        "(OAuth2/OpenID); Directory > Users > Create Service Account",
        console_revoke="authentik admin interface > Directory > Tokens and App passwords: delete the app "
        "password (or deactivate the service account under Directory > Users)",
        api="authentik API",
        console_disable="authentik admin interface > Directory > Users > the service account > Deactivate",
        console_delete="authentik admin interface > Applications > Applications: delete the application (and its provider under Providers); Directory > Users: delete the service account",
    ),
    terraform_provider="goauthentik/authentik",
    sources=(
        "https://docs.goauthentik.io/docs/add-secure-apps/providers/oauth2/client_credentials",
        "https://docs.goauthentik.io/sys-mgmt/service-accounts",
        "https://github.com/goauthentik/authentik/blob/main/authentik/core/models.py",
    ),
)

PROFILES: dict[str, IdpProfile] = {p.key: p for p in (ENTRA, OKTA, AUTH0, GOOGLE, KEYCLOAK, AUTHENTIK)}


def profile_for(idp: str | None) -> IdpProfile:
    """The profile of the chosen IdP; Entra ID while none is chosen (the tenant model the rest assumes)."""
    return PROFILES.get(idp or "", ENTRA)
