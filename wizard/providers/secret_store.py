"""Where a new client secret goes: the workspace's secret store (integrations.secret_store), chosen in one place.

`idspine rotate`, `idspine entra apply` and the app's rotate dialog all call `secret_sink_for`, so a workspace
whose store is Key Vault never has a rotated secret land in the env file because of which face started it.
Each face brings only what it knows: the env file to use, a vault address typed on the command line, and how it
gets a Key Vault token (the CLI from --keyvault-token-env, the app from the signed-in account).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from wizard.model import Workspace
    from wizard.providers.http import HttpSettings
    from wizard.secrets.sinks import SecretSink
    from wizard.settings import Connections

KEYVAULT = "keyvault"


def uses_keyvault(ws: Workspace) -> bool:
    """True when the workspace keeps new secrets in Azure Key Vault."""
    return ws.consultancy.integrations.secret_store == KEYVAULT


def vault_url_for(ws: Workspace, vault_url: str | None = None, connections: Connections | None = None) -> str:
    """The vault's address: *vault_url* when given, else where integrations.keyvault_name answers
    (Connections.keyvault_url / IDSPINE_KEYVAULT_URL / https://NAME.vault.azure.net); '' when no vault is named."""
    from wizard.providers.keyvault import vault_address

    if vault_url:
        return vault_url
    name = ws.consultancy.integrations.keyvault_name
    return vault_address(name, connections) if name else ""


def store_where(ws: Workspace, env_file: Path | None, vault_url: str | None = None) -> str:
    """Where new secrets go, in words (for plans and confirmations)."""
    if uses_keyvault(ws):
        return f"Key Vault {ws.consultancy.integrations.keyvault_name or vault_url or '(not named)'}"
    return f"env file {env_file or 'secrets.env in the idspine config folder'}"


def secret_sink_for(
    ws: Workspace,
    *,
    env_file: Path,
    vault_token: Callable[[], str],
    settings: HttpSettings,
    vault_url: str | None = None,
    connections: Connections | None = None,
    client: httpx.Client | None = None,
) -> SecretSink:
    """The sink for new secrets as the workspace says: Key Vault (asking *vault_token* only then; it raises
    ValueError when there is none) or the env file *env_file*. ValueError when Key Vault is the store but no
    vault is named."""
    from wizard.secrets.sinks import EnvFileSink

    if not uses_keyvault(ws):
        return EnvFileSink(env_file)
    from wizard.providers.http_settings import build_client
    from wizard.providers.keyvault import KeyVaultSink

    url = vault_url_for(ws, vault_url, connections)
    if not url:
        raise ValueError("the secret store is keyvault but no vault is named (integrations.keyvault_name)")
    token = vault_token()
    name = ws.consultancy.integrations.keyvault_name or None
    return KeyVaultSink(url, client or build_client(settings), token, vault_name=name, settings=settings)


def signed_in_vault_token(connections: Connections | None = None) -> str:
    """A Key Vault token for the signed-in account (idspine's sign-in, then the Azure CLI); ValueError saying
    why when there is none."""
    from wizard.providers.keyvault import keyvault_token
    from wizard.secrets.resolver import SecretUnavailable

    try:
        return keyvault_token(connections)
    except SecretUnavailable as exc:
        raise ValueError(f"Key Vault is this workspace's secret store: {exc}") from None


def workspace_sink(ws: Workspace, connections: Connections) -> SecretSink:
    """The workspace's store for new secrets, from the app's connection settings (ValueError as above)."""
    from wizard.providers.http_settings import http_settings_for

    return secret_sink_for(
        ws,
        env_file=connections.secrets_file(),
        vault_token=lambda: signed_in_vault_token(connections),
        settings=http_settings_for(connections),
        connections=connections,
    )
