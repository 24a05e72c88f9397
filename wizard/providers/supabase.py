"""Supabase Management API provider: turn on Auth's Azure (Microsoft) provider for one project and confirm it.

Calls `GET`/`PATCH /v1/projects/{ref}/config/auth` with a Bearer access token. `external_azure_url` is
the tenant's login address `https://login.microsoftonline.com/<tenant>`: Supabase Auth appends
`/oauth2/v2.0/authorize` and `/token` to it and, for a tenant id, expects ID tokens whose issuer is that
address plus `/v2.0` (supabase/auth internal/api/provider/azure.go). Idempotent: when the non-secret
fields already match, nothing is sent unless the secret should be replaced. `enable_azure_signin` is the one
operation behind `idspine supabase enable-azure` and the Supabase screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.providers.errors import ErrorKind, ProviderError
from wizard.providers.http import HttpSettings, JsonApi, build_client, expect_dict
from wizard.providers.http_settings import http_settings_for
from wizard.settings import GUID, SUPABASE_API_URL

if TYPE_CHECKING:
    import httpx

    from wizard.settings import Connections

DEFAULT_API_URL = SUPABASE_API_URL
PROJECT_REF_RE = re.compile(r"^[a-z0-9]{20}$")
_GUID = GUID  # the one pattern, wizard.settings
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")


def redirect_uri(project_ref: str) -> str:
    """The callback of Supabase Auth; register it as a Web redirect URI on the Entra app."""
    return f"https://{check_ref(project_ref)}.supabase.co/auth/v1/callback"


def tenant_url(tenant: str) -> str:
    """The value for external_azure_url: the tenant's login address (no /v2.0; Supabase appends paths)."""
    if not _TENANT.match(tenant or "") or tenant in ("common", "organizations", "consumers"):
        raise ProviderError(
            "the tenant must be your tenant id (GUID) or verified domain, not common/organizations",
            ErrorKind.INVALID_REQUEST,
        )
    return f"https://login.microsoftonline.com/{tenant}"


def expected_issuer(tenant: str) -> str:
    """The issuer Supabase will require in ID tokens for this tenant."""
    return tenant_url(tenant) + "/v2.0"


def tenant_warning(tenant: str) -> str:
    """Advice when the tenant is given as a domain: Entra's issuer always carries the tenant GUID."""
    if _GUID.match(tenant or ""):
        return ""
    return (
        "the tenant is a domain name; Entra issues tokens with the tenant id (GUID) in the issuer, so "
        "Supabase's issuer check will fail. Use the tenant id."
    )


def check_ref(project_ref: str) -> str:
    if not PROJECT_REF_RE.match(project_ref or ""):
        raise ProviderError(
            "a Supabase project ref is 20 lower-case letters and digits (from https://<ref>.supabase.co)",
            ErrorKind.INVALID_REQUEST,
        )
    return project_ref


class SupabaseProvider:
    """The Management API for the projects one access token can reach."""

    def __init__(
        self,
        client: httpx.Client,
        access_token: str,
        base_url: str = DEFAULT_API_URL,
        settings: HttpSettings | None = None,
    ):
        if not access_token:
            raise ProviderError("no Supabase access token", ErrorKind.REFUSED)
        self._api = JsonApi(
            "Supabase", base_url, client, {"Authorization": f"Bearer {access_token}"}, settings
        )
        self.base_url = self._api.base_url

    def __repr__(self) -> str:
        return f"SupabaseProvider({self.base_url!r})"

    def get_auth_config(self, project_ref: str) -> dict[str, Any]:
        """The project's Auth configuration."""
        res = self._api.call("GET", f"/v1/projects/{check_ref(project_ref)}/config/auth")
        return expect_dict(res.data, "Supabase auth config")

    def update_auth_config(
        self, project_ref: str, changes: dict[str, Any], secrets: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """PATCH the Auth configuration; the same body twice has the same effect, so it may be retried."""
        res = self._api.call(
            "PATCH",
            f"/v1/projects/{check_ref(project_ref)}/config/auth",
            json_body=changes,
            idempotent=True,
            secrets=secrets,
        )
        return expect_dict(res.data, "Supabase auth config update")


AZURE_FIELDS = ("external_azure_enabled", "external_azure_client_id", "external_azure_url")


@dataclass
class AzureResult:
    """What enable_azure did."""

    status: str  # "unchanged" | "updated"
    redirect_uri: str
    tenant_url: str
    changed_fields: list[str]


def enable_azure(
    provider: SupabaseProvider,
    project_ref: str,
    client_id: str,
    secret: str | None,
    tenant: str,
    replace_secret: bool = False,
) -> AzureResult:
    """Turn on Supabase Auth's Azure provider, then read the configuration back to confirm.

    The PATCH is skipped when enabled/client id/tenant address already match and replace_secret is
    False (the secret cannot be compared: Supabase does not give it back in a usable form). *secret* is
    needed whenever a PATCH is sent. A read-back that differs raises ProviderError naming the fields.
    """
    url = tenant_url(tenant)
    if not _GUID.match(client_id or ""):
        raise ProviderError(
            "the client id must be the Entra app's Application (client) ID, a GUID", "invalid-request"
        )
    wanted: dict[str, Any] = {
        "external_azure_enabled": True,
        "external_azure_client_id": client_id,
        "external_azure_url": url,
    }
    current = provider.get_auth_config(project_ref)
    differing = [k for k in AZURE_FIELDS if current.get(k) != wanted[k]]
    if not differing and not replace_secret:
        return AzureResult("unchanged", redirect_uri(project_ref), url, [])
    if not secret:
        raise ProviderError(
            "the client secret is needed to change the Azure provider", ErrorKind.INVALID_REQUEST
        )
    provider.update_auth_config(project_ref, {**wanted, "external_azure_secret": secret}, secrets=(secret,))
    after = provider.get_auth_config(project_ref)
    mismatched = [k for k in AZURE_FIELDS if after.get(k) != wanted[k]]
    if mismatched:
        raise ProviderError(
            "Supabase did not keep the change: read-back differs in " + ", ".join(mismatched),
            ErrorKind.BAD_RESPONSE,
        )
    changed = differing + (["external_azure_secret"] if secret else [])
    return AzureResult("updated", redirect_uri(project_ref), url, changed)


def open_supabase(token_ref: str, connections: Connections) -> SupabaseProvider:
    """The Management API at the connections' address, its access token read from *token_ref* now."""
    return _provider(connections.resolve(token_ref), connections)


def _provider(token: str, connections: Connections) -> SupabaseProvider:
    settings = http_settings_for(connections)
    return SupabaseProvider(build_client(settings), token, connections.supabase_api_url, settings)


def enable_azure_signin(
    connections: Connections,
    project_ref: str,
    token_ref: str,
    client_id: str,
    secret_ref: str | None,
    tenant: str,
    replace_secret: bool = False,
) -> AzureResult:
    """Turn on sign-in with Microsoft for *project_ref*: resolve the token and the app's client secret (when
    a reference is given) now, open the Management API and run `enable_azure` with its read-back.

    SecretUnavailable when a reference cannot be read (before anything is sent); ProviderError otherwise.
    """
    token = connections.resolve(token_ref)
    secret = connections.resolve(secret_ref) if secret_ref else None
    provider = _provider(token, connections)
    return enable_azure(provider, project_ref, client_id, secret, tenant, replace_secret=replace_secret)
