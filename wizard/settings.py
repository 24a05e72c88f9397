"""Settings in one place: service addresses, shared patterns, the IDSPINE_* variables, and `Connections`.

The command line and the app both read these; nothing else reads an IDSPINE_* variable from the environment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

GRAPH_URL = "https://graph.microsoft.com/v1.0"
ENTRA_LOGIN_URL = "https://login.microsoftonline.com"
SUPABASE_API_URL = "https://api.supabase.com"
# A vault's address: https://{vault}.vault.azure.net (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates)
KEYVAULT_URL_TEMPLATE = "https://{vault}.vault.azure.net"
GUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
GUID = re.compile(GUID_PATTERN)

# Every environment variable idspine reads, with what it is for (README and --help list the same).
ENV_VARIABLES: dict[str, str] = {
    "IDSPINE_CLIENT_ID": "the public client app id idspine signs in with",
    "IDSPINE_TENANT": "the tenant id or domain to sign in to",
    "IDSPINE_OIDC_AUTHORITY": "an OpenID issuer used instead of Entra",
    "IDSPINE_CA_BUNDLE": "a PEM file trusted instead of the system store (IdP, Graph, Key Vault)",
    "IDSPINE_TOKEN_CACHE": "the token cache file (0600)",
    "IDSPINE_GRAPH_URL": "the Microsoft Graph address (tests point it at loopback)",
    "IDSPINE_KEYVAULT_URL": "the Key Vault address for keyvault:// references, {vault} standing for the vault "
    "(tests point it at loopback)",
    "IDSPINE_SECRET_DIRS": "extra folders that file: secret references may read from (os.pathsep-separated)",
    "IDSPINE_TODAY": "the date to treat as today (YYYY-MM-DD), for reproducible output",
    "IDSPINE_DEBUG": "show a traceback instead of the one-line error",
}


@dataclass(frozen=True)
class Environment:
    """The IDSPINE_* variables as read once; empty values count as unset."""

    client_id: str | None = None
    tenant: str | None = None
    oidc_authority: str | None = None
    ca_bundle: str | None = None
    token_cache: str | None = None
    graph_url: str | None = None
    keyvault_url: str | None = None
    secret_dirs: tuple[str, ...] = ()
    today: str | None = None
    debug: bool = False
    parse_cache: bool = True  # IDSPINE_PARSE_CACHE=off (or 0, no, false): always parse inventories in full

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Environment:
        """Read the variables from `environ` (default: the process environment)."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(name) or None

        dirs = tuple(d for d in (get("IDSPINE_SECRET_DIRS") or "").split(os.pathsep) if d)
        return cls(
            client_id=get("IDSPINE_CLIENT_ID"),
            tenant=get("IDSPINE_TENANT"),
            oidc_authority=get("IDSPINE_OIDC_AUTHORITY"),
            ca_bundle=get("IDSPINE_CA_BUNDLE"),
            token_cache=get("IDSPINE_TOKEN_CACHE"),
            graph_url=get("IDSPINE_GRAPH_URL"),
            keyvault_url=get("IDSPINE_KEYVAULT_URL"),
            secret_dirs=dirs,
            today=get("IDSPINE_TODAY"),
            debug=bool(get("IDSPINE_DEBUG")),
            parse_cache=(get("IDSPINE_PARSE_CACHE") or "").strip().lower() not in ("off", "0", "no", "false"),
        )

    def today_date(self) -> dt.date | None:
        """IDSPINE_TODAY as a date (ValueError when it is not YYYY-MM-DD); None when unset."""
        return dt.date.fromisoformat(self.today) if self.today else None


@dataclass(frozen=True)
class Connections:
    """Addresses and network settings for providers; tests point them at loopback servers."""

    supabase_api_url: str = SUPABASE_API_URL
    graph_url: str = GRAPH_URL
    keyvault_url: str | None = (
        None  # None: $IDSPINE_KEYVAULT_URL, else KEYVAULT_URL_TEMPLATE ({vault} is filled in)
    )
    allow_loopback_http: bool = False  # http://127.0.0.1 only, and only when a test asks for it
    environ: dict[str, str] | None = None  # where env: references resolve (None: the process environment)
    # Signing in: idspine's own public client app in your tenant, or any OpenID issuer (tests).
    signin_client_id: str | None = None  # None: $IDSPINE_CLIENT_ID
    oidc_authority: str | None = None  # set to sign in at an OpenID issuer instead of Entra
    ca_bundle: str | None = None  # PEM trusted instead of the system store (self-signed test IdPs)
    token_cache: Path | None = None  # None: the user cache folder
    admin_scopes: tuple[str, ...] | None = None  # None: Graph Group/Application.ReadWrite.All
    verify_scopes: tuple[str, ...] | None = None  # None: https://graph.microsoft.com/.default
    secrets_env_file: Path | None = None  # where new client secrets go (0600); None: user config folder

    def client_id(self) -> str:
        """The public client id used for the consultant's own sign-in ('' when not configured)."""
        return self.signin_client_id or Environment.read().client_id or ""

    def secrets_file(self) -> Path:
        if self.secrets_env_file:
            return self.secrets_env_file
        from platformdirs import user_config_dir

        return Path(user_config_dir("idspine")) / "secrets.env"

    def resolve(self, ref: str) -> str:
        """A secret value for a reference, at the moment of use; never stored or shown."""
        from wizard.secrets.resolver import resolve

        return resolve(ref, self.environ, connections=self)
