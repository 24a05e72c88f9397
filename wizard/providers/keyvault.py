"""Azure Key Vault over REST: store a new secret (the sink), and read one behind a keyvault:// reference.

Storing: `PUT {vault}/secrets/{name}?api-version=7.4` with `{"value", "attributes": {"exp"}}`
(https://learn.microsoft.com/rest/api/keyvault/secrets/set-secret/set-secret); setting an existing name adds
a new version. The value goes to the vault and nowhere else: never logged, printed, or put into an error.

Reading: `read_keyvault_secret` (registered with wizard.secrets.resolver for keyvault:// references) asks the
token provider (`keyvault_token`, the signed-in account) for a bearer token and GETs the secret; every failure
becomes SecretUnavailable, one line naming the reference and never a value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from wizard.providers.errors import ErrorKind, ProviderError, Throttled
from wizard.providers.http import HttpSettings, JsonApi, expect_dict
from wizard.secrets.guard import validate_reference
from wizard.secrets.sinks import KEY_VAULT_NAME, SecretSinkError, vault_secret_name

if TYPE_CHECKING:
    import httpx

    from wizard.settings import Connections

KEYVAULT_API_VERSION = "7.4"


class KeyVaultSink:
    """Azure Key Vault secrets over REST, at an injected vault address and httpx client."""

    def __init__(
        self,
        vault_url: str,
        client: httpx.Client,
        token: str,
        vault_name: str | None = None,
        settings: HttpSettings | None = None,
    ):
        self._api = JsonApi(
            "Azure Key Vault", vault_url, client, {"Authorization": f"Bearer {token}"}, settings
        )
        host = (self._api.base_url.split("://", 1)[-1]).split("/", 1)[0].split(":", 1)[0]
        self.vault_name = vault_name or host.split(".", 1)[0]

    def __repr__(self) -> str:
        return f"KeyVaultSink({self._api.base_url!r})"

    def store(self, name: str, value: str, expires: dt.datetime | None = None) -> str:
        secret_name = vault_secret_name(name)
        if not KEY_VAULT_NAME.match(secret_name):
            raise SecretSinkError(f"cannot make a Key Vault secret name from {name!r}")
        body: dict[str, object] = {"value": value, "contentType": "client secret (idspine)"}
        if expires is not None:
            body["attributes"] = {"enabled": True, "exp": int(expires.timestamp())}
        try:
            self._api.call(
                "PUT",
                f"/secrets/{secret_name}?api-version={KEYVAULT_API_VERSION}",
                json_body=body,
                ok=(200, 201),
                idempotent=True,
                secrets=[value],
            )
        except ProviderError as exc:
            raise SecretSinkError(f"Key Vault did not store {secret_name}: {exc.message}") from None
        ref = f"keyvault://{self.vault_name}/{secret_name}"
        validate_reference(ref)
        return ref


# ---------------------------------------------------------------------------------------------- reading
# GET {vault}/secrets/{name}[/{version}]?api-version=7.4 answers a SecretBundle {"value", "id", "attributes",
# "contentType", "tags"} (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret/get-secret);
# GET {vault}/secrets/{name}/versions?api-version=7.4[&maxresults=1..25] answers {"value": [SecretItem without
# values], "nextLink"} (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret-versions). Errors are
# {"error": {"code", "message", "innererror"?}}: 401 for a missing, expired or wrong-audience token, 403
# Forbidden (access policy, ForbiddenByRbac, firewall) and 403 "Operation get is not allowed on a disabled
# secret" (inner code SecretDisabled), 404 SecretNotFound, 429 when throttled
# (https://learn.microsoft.com/azure/key-vault/general/rest-error-codes). The shapes used are copied with
# their sources into tests/support/contracts/keyvault-secrets.json.

KEYVAULT_RESOURCE = "https://vault.azure.net"
KEYVAULT_SCOPE = KEYVAULT_RESOURCE + "/.default"  # the scope a bearer token for Key Vault is asked for
_REF = re.compile(r"^keyvault://(?P<vault>[^/]+)/(?P<name>[^/]+)(?:/(?P<version>[^/]+))?$")

# A token provider returns a bearer token for KEYVAULT_SCOPE; it raises SecretUnavailable (one line, no token)
# when there is none. Tests inject one; `keyvault_token` is the default.
TokenProvider = Callable[[], str]


def keyvault_token(connections: Connections | None = None) -> str:
    """THE token-provider hook for Key Vault: a bearer token for https://vault.azure.net of the signed-in account.

    Asks each source in KEYVAULT_TOKEN_SOURCES in turn; the first token wins. When none has one,
    SecretUnavailable (without the reference; the caller adds it) gives every source's reason in one line.
    """
    from wizard.secrets.resolver import SecretUnavailable
    from wizard.settings import Connections

    conn = connections or Connections()
    reasons: list[str] = []
    for source in KEYVAULT_TOKEN_SOURCES:
        token, why = source(conn)
        if token:
            return token
        reasons.append(why)
    raise SecretUnavailable("; ".join(r for r in reasons if r) or "no token for Key Vault")


def idspine_signin_token(conn: Connections) -> tuple[str, str]:
    """(token, "") from idspine's own sign-in: a silent msal token from idspine's token cache for the tenant in
    IDSPINE_TENANT (wizard.providers.entra.signin.silent_token) asked for KEYVAULT_SCOPE; ("", why) otherwise."""
    from wizard.providers.entra.signin import silent_token
    from wizard.providers.entra.signin_config import SigninError, signin_config_for
    from wizard.settings import Environment

    tenant = Environment.read().tenant
    if not tenant:
        return "", "no signed-in account for Key Vault: set IDSPINE_TENANT and run `idspine entra signin`"
    try:
        result = silent_token(signin_config_for(conn, tenant), [KEYVAULT_SCOPE])
    except SigninError as exc:
        return "", f"cannot sign in to Key Vault: {exc}"
    if result is None or not result.ok or not result.access_token:
        why = f" ({result.detail})" if result is not None and not result.ok else ""
        return "", (
            f"not signed in to tenant {tenant} for Key Vault{why}: run `idspine entra signin --tenant {tenant}`"
        )
    return result.access_token, ""


def azure_cli_token(conn: Connections) -> tuple[str, str]:
    """(token, "") from an existing Azure CLI sign-in (`az account get-access-token --scope` Key Vault);
    ("", why) when az is missing, signed out or in another tenant."""
    from wizard.providers.entra.azure_cli import AzUnavailable, az_token
    from wizard.settings import Environment

    got = az_token(KEYVAULT_SCOPE, Environment.read().tenant or None)
    if isinstance(got, AzUnavailable):
        return "", got.reason
    return got.token, ""


# Where keyvault_token looks, in order: each source(connections) -> (token, "") or ("", why not).
KEYVAULT_TOKEN_SOURCES: list[Callable[[Connections], tuple[str, str]]] = [
    idspine_signin_token,
    azure_cli_token,
]


def vault_address(vault: str, connections: Connections | None = None) -> str:
    """Where the vault answers: Connections.keyvault_url, else IDSPINE_KEYVAULT_URL, else
    https://{vault}.vault.azure.net; '{vault}' in an override is replaced by the vault's name."""
    from wizard.settings import KEYVAULT_URL_TEMPLATE, Environment

    template = (connections.keyvault_url if connections else None) or Environment.read().keyvault_url
    return (template or KEYVAULT_URL_TEMPLATE).replace("{vault}", vault.lower())


@dataclass(frozen=True)
class SecretVersion:
    """One version of a Key Vault secret as the versions list shows it (no value)."""

    version: str
    enabled: bool
    expires: int | None  # seconds since the epoch ("exp"), None when the secret never expires
    updated: int | None


class KeyVaultReader:
    """Reads secrets of one vault over REST with a bearer token (values are returned, never kept or quoted)."""

    def __init__(
        self, vault_url: str, client: httpx.Client, token: str, settings: HttpSettings | None = None
    ):
        self._api = JsonApi(
            "Azure Key Vault", vault_url, client, {"Authorization": f"Bearer {token}"}, settings
        )

    def __repr__(self) -> str:
        return f"KeyVaultReader({self._api.base_url!r})"

    def get(self, name: str, version: str | None = None) -> str:
        """The value of the secret *name* (its latest version, or *version*); ProviderError otherwise."""
        path = f"/secrets/{quote(name, safe='')}" + (f"/{quote(version, safe='')}" if version else "")
        data = self._api.call("GET", f"{path}?api-version={KEYVAULT_API_VERSION}").data
        bundle = expect_dict(data, f"Azure Key Vault GET {path}")
        value = bundle.get("value")
        if not isinstance(value, str):
            raise ProviderError(
                f"Azure Key Vault GET {path}: the answer holds no value", ErrorKind.BAD_RESPONSE
            )
        return value

    def versions(self, name: str, page_size: int = 25) -> list[SecretVersion]:
        """Every version of *name* (metadata only), following nextLink on the vault's own host."""
        path = f"/secrets/{quote(name, safe='')}/versions?maxresults={page_size}&api-version={KEYVAULT_API_VERSION}"
        out: list[SecretVersion] = []
        for _ in range(1000):
            page = expect_dict(self._api.call("GET", path).data, f"Azure Key Vault GET {path}")
            for item in page.get("value") or []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    found = item.get("attributes")
                    attrs: dict[str, Any] = found if isinstance(found, dict) else {}
                    out.append(
                        SecretVersion(
                            version=item["id"].rstrip("/").rsplit("/", 1)[-1],
                            enabled=attrs.get("enabled", True) is not False,
                            expires=attrs.get("exp") if isinstance(attrs.get("exp"), int) else None,
                            updated=attrs.get("updated") if isinstance(attrs.get("updated"), int) else None,
                        )
                    )
            link = page.get("nextLink")
            if not isinstance(link, str) or not link:
                return out
            path = self._same_host_path(link)
        raise ProviderError("Azure Key Vault: too many pages of versions", ErrorKind.BAD_RESPONSE)

    def _same_host_path(self, link: str) -> str:
        """The path and query of a nextLink, which must point at the vault itself (never elsewhere)."""
        base, target = urlsplit(self._api.base_url), urlsplit(link)
        ports = {"https": 443, "http": 80}
        same = (
            target.scheme == base.scheme
            and target.hostname == base.hostname
            and (target.port or ports.get(target.scheme)) == (base.port or ports.get(base.scheme))
        )
        if not same:
            raise ProviderError("Azure Key Vault: the next page is on another host", ErrorKind.REDIRECT)
        return target.path + (f"?{target.query}" if target.query else "")


def read_keyvault_secret(
    ref: str,
    connections: Connections | None = None,
    *,
    token_provider: TokenProvider | None = None,
    client: httpx.Client | None = None,
) -> str:
    """The value behind `keyvault://VAULT/NAME[/VERSION]`; SecretUnavailable (one line naming *ref*) otherwise."""
    from wizard.providers.http_settings import build_client, http_settings_for
    from wizard.secrets.resolver import SecretUnavailable
    from wizard.settings import Connections

    match = _REF.match(ref)
    if not match:
        raise SecretUnavailable(f"{ref}: not a keyvault://VAULT/NAME[/VERSION] reference")
    vault, name, version = match["vault"], match["name"], match["version"]
    conn = connections or Connections()
    try:
        token = (token_provider or (lambda: keyvault_token(conn)))()
    except SecretUnavailable as exc:
        raise SecretUnavailable(f"{ref}: {exc}") from None
    settings = http_settings_for(conn)
    owned = client is None
    http = client or build_client(settings)
    try:
        return KeyVaultReader(vault_address(vault, conn), http, token, settings).get(name, version)
    except ProviderError as exc:
        raise SecretUnavailable(f"{ref}: {_why(exc, vault, name, version)}") from None
    finally:
        token = ""
        if owned:
            http.close()


def _why(exc: ProviderError, vault: str, name: str, version: str | None) -> str:
    """One line for a failed read (Key Vault's error code, what to do), never a value or a token."""
    text = exc.message.lower()
    code = next((c for c in _KNOWN_CODES if c.lower() in text), "")
    named = f" ({code})" if code else ""
    if isinstance(exc, Throttled):
        return f"Key Vault is throttling requests; try again after {exc.resume_after}"
    if exc.status == 401:
        return (
            f"Key Vault refused the sign-in token{named}: it expired or is for another tenant; "
            "run `idspine entra signin` again"
        )
    if exc.status == 403 and ("disabled secret" in text or code == "SecretDisabled"):
        return f"the secret {name} is disabled in vault {vault}; enable it (or point at an enabled version)"
    if exc.status == 403:
        return (
            f"your account may not read secrets in vault {vault}{named}: it needs the Key Vault Secrets User "
            "role (or a get access policy), and the vault's firewall must let this machine in"
        )
    if exc.status == 404:
        what = f"version {version} of the secret {name}" if version else f"secret named {name}"
        return f"vault {vault} has no {what}{named or ' (SecretNotFound)'}"
    if exc.kind in (ErrorKind.NETWORK, ErrorKind.TLS, ErrorKind.INVALID_URL):
        return f"vault {vault} could not be reached: {exc.message}"
    return f"Key Vault could not give the secret: {exc.message}"


_KNOWN_CODES = (
    "SecretDisabled",
    "SecretNotFound",
    "ForbiddenByRbac",
    "ForbiddenByPolicy",
    "AccessDenied",
    "Forbidden",
    "Unauthorized",
    "Throttled",
)
