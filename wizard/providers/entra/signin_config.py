"""Where and as whom to sign in: the scopes, the authority (an Entra tenant or any OpenID issuer), the cache path.

`signin_config_from` is the one way sign-in, apply and verify decide where to sign in: options first, then
the IDSPINE_* variables as `wizard.settings.Environment` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from wizard.settings import ENTRA_LOGIN_URL, Connections, Environment

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
# Delegated scopes the consultant's own sign-in asks for to carry out a plan. Assigning an app's roles to groups
# (POST /servicePrincipals/{id}/appRoleAssignedTo) needs AppRoleAssignment.ReadWrite.All with Application.*
# (Graph v1.0 reference, serviceprincipal-post-approleassignedto); idspine's own app asks for the same
# (wizard.providers.entra.bootstrap.GRAPH_SCOPES).
GRAPH_ADMIN_SCOPES = (
    "https://graph.microsoft.com/Group.ReadWrite.All",
    "https://graph.microsoft.com/Application.ReadWrite.All",
    "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All",
)
CACHE_FILE_NAME = "msal_token_cache.json"
SIGNIN_APPS_FILE_NAME = "signin_apps.json"  # tenant -> idspine's own app id, written by `idspine bootstrap`

# Microsoft's public client "Microsoft Graph Command Line Tools", the app Microsoft Graph PowerShell's Connect-MgGraph
# signs in with by default (microsoftgraph/msgraph-sdk-powershell, src/Authentication: AuthContext's
# PowerShellClientId). idspine uses it only when no app of its own or yours is known.
GRAPH_CLI_TOOLS_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

# How a sign-in was made, as the CLI and the Entra screen say it.
WAY_AZURE_CLI = "Azure CLI"
WAY_GRAPH_CLI_TOOLS = "Microsoft Graph Command Line Tools"
WAY_OWN_APP = "idspine's own app"
WAY_YOUR_APP = "your app"


class SigninError(Exception):
    """A sign-in could not start or finish. The message is safe to show (never a token or secret)."""


def default_cache_path() -> Path:
    """The token cache file under the platform's user cache directory (e.g. ~/.cache/idspine)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("idspine")) / CACHE_FILE_NAME


def entra_authority(tenant: str, login_base: str = ENTRA_LOGIN_URL) -> str:
    """The Entra authority address for a tenant id or domain."""
    tenant = (tenant or "").strip()
    if not tenant:
        raise SigninError("no tenant given: use the tenant id (GUID) or its primary domain")
    return f"{login_base.rstrip('/')}/{tenant}"


@dataclass(frozen=True)
class SigninConfig:
    """Who signs in where: an app (client id) at an Entra authority or an OIDC issuer."""

    client_id: str
    authority: str | None = None  # Entra: https://login.microsoftonline.com/TENANT
    oidc_authority: str | None = None  # any OpenID Connect issuer
    ca_bundle: str | None = None  # PEM file trusted instead of the system store (self-signed test IdPs)
    cache_path: Path | None = None  # None: default_cache_path()
    timeout: float = 30.0
    way: str = WAY_YOUR_APP  # which app this is, for people: WAY_YOUR_APP, WAY_OWN_APP, WAY_GRAPH_CLI_TOOLS

    def __post_init__(self) -> None:
        if bool(self.authority) == bool(self.oidc_authority):
            raise SigninError("give exactly one of an Entra authority or an OIDC authority")
        address = self.authority or self.oidc_authority or ""
        if not address.startswith("https://"):
            raise SigninError("the authority address must start with https:// (msal refuses plain http)")

    @property
    def cache_file(self) -> Path:
        return self.cache_path or default_cache_path()

    @property
    def apps_file(self) -> Path:
        """Where `idspine bootstrap` records idspine's own app per tenant: beside the token cache."""
        return self.cache_file.parent / SIGNIN_APPS_FILE_NAME


def recorded_client_id(apps_file: Path, tenant: str) -> str | None:
    """idspine's own app id that `idspine bootstrap` recorded for *tenant* (None when there is none)."""
    import json

    from wizard.settings import GUID

    try:
        data = json.loads(apps_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get((tenant or "").strip().lower()) if isinstance(data, dict) else None
    return value if isinstance(value, str) and GUID.match(value) else None


def record_client_id(apps_file: Path, tenant: str, app_id: str) -> None:
    """Remember *app_id* as idspine's own app for *tenant* (a private file, written atomically)."""
    import json

    from wizard.files import write_text_atomic

    try:
        data = json.loads(apps_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    data[(tenant or "").strip().lower()] = app_id
    apps_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_text_atomic(apps_file, json.dumps(data, indent=2, sort_keys=True) + "\n", mode=0o600)


def recorded_tenants(apps_file: Path) -> list[str]:
    """The tenants (as recorded: ids and domains) that have idspine's own app in *apps_file*."""
    import json

    try:
        data = json.loads(apps_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted(k for k in data if isinstance(k, str)) if isinstance(data, dict) else []


def forget_client_id(apps_file: Path, tenant: str | None) -> list[str]:
    """Forget idspine's own app for *tenant* (and for the other names bootstrap recorded the same app under:
    the tenant's domain and its id), or for every tenant when *tenant* is None. Returns the names forgotten;
    the file is rewritten atomically, or removed when nothing is left."""
    import json

    from wizard.files import write_text_atomic

    try:
        data = json.loads(apps_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    if tenant is None:
        gone = sorted(k for k in data if isinstance(k, str))
    else:
        key = tenant.strip().lower()
        if key not in data:
            return []
        gone = sorted(k for k, v in data.items() if k == key or (v == data[key] and isinstance(k, str)))
    left = {k: v for k, v in data.items() if k not in gone}
    if left:
        write_text_atomic(apps_file, json.dumps(left, indent=2, sort_keys=True) + "\n", mode=0o600)
    else:
        apps_file.unlink(missing_ok=True)
    return gone


def signin_config_from(
    client_id: str | None,
    tenant: str | None = None,
    *,
    oidc_authority: str | None = None,
    ca_bundle: str | None = None,
    cache: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    public_fallback: bool = False,
) -> SigninConfig:
    """The one way sign-in, apply and verify decide where to sign in: options first, then IDSPINE_* variables.

    IDSPINE_OIDC_AUTHORITY (any OpenID issuer) wins over an Entra tenant, so a secret is only ever sent to
    the configured IdP; IDSPINE_CA_BUNDLE is trusted instead of the system store. ValueError says what is
    missing. With *public_fallback* (the consultant's own sign-in at Entra, never verify), a missing client id
    is filled in: idspine's own app recorded by `idspine bootstrap` for the tenant, else Microsoft Graph
    Command Line Tools. A client id given as an option or in IDSPINE_CLIENT_ID always wins.
    """
    env = Environment.read(environ)
    cid = client_id or env.client_id
    way = WAY_YOUR_APP
    oidc = oidc_authority or env.oidc_authority
    ca = ca_bundle or env.ca_bundle
    cache_value = cache or env.token_cache
    cache_path = Path(cache_value) if cache_value else None
    tenant = tenant or env.tenant
    if not cid and public_fallback and not oidc and tenant:
        apps_file = (cache_path or default_cache_path()).parent / SIGNIN_APPS_FILE_NAME
        own = recorded_client_id(apps_file, tenant)
        cid, way = (own, WAY_OWN_APP) if own else (GRAPH_CLI_TOOLS_CLIENT_ID, WAY_GRAPH_CLI_TOOLS)
    if not cid:
        raise ValueError(
            "no client id: register a public client app for idspine and pass --client-id or set "
            "IDSPINE_CLIENT_ID"
            + (" (or give a tenant, to sign in without an app of your own)" if public_fallback else "")
        )
    if oidc:
        return SigninConfig(client_id=cid, oidc_authority=oidc, ca_bundle=ca, cache_path=cache_path, way=way)
    if not tenant:
        raise ValueError("no tenant: pass --tenant or set IDSPINE_TENANT")
    return SigninConfig(
        client_id=cid, authority=entra_authority(tenant), ca_bundle=ca, cache_path=cache_path, way=way
    )


def signin_config_for(
    connections: Connections, tenant: str, client_id: str | None = None, public_fallback: bool = False
) -> SigninConfig:
    """How to reach the IdP for this tenant from connection settings (SigninError when something is missing).

    *public_fallback*: the consultant's own sign-in (see signin_config_from)."""
    cid = client_id or connections.client_id()
    if not cid and not public_fallback:
        raise SigninError(
            "no client id for idspine's sign-in: register a public client app (allow public "
            "client flows) in your tenant and set IDSPINE_CLIENT_ID"
        )
    try:  # the same resolution as the CLI: IDSPINE_OIDC_AUTHORITY / IDSPINE_CA_BUNDLE when not set here
        return signin_config_from(
            cid,
            tenant,
            oidc_authority=connections.oidc_authority,
            ca_bundle=connections.ca_bundle,
            cache=connections.token_cache,
            public_fallback=public_fallback,
        )
    except ValueError as exc:
        raise SigninError(str(exc)) from None


def admin_scopes_for(connections: Connections) -> list[str]:
    """The delegated Graph scopes apply asks for (tests narrow them)."""
    return list(connections.admin_scopes or GRAPH_ADMIN_SCOPES)


def verify_scopes_for(connections: Connections) -> list[str]:
    """The scopes verify asks for in a service principal's name."""
    return list(connections.verify_scopes or (GRAPH_DEFAULT_SCOPE,))
