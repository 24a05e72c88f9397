"""Open the n8n provider: its address, its API key read from the reference now, the one safe HTTP client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.providers.http_settings import build_client, http_settings_for
from wizard.providers.n8n.client import N8nProvider
from wizard.secrets.resolver import SecretUnavailable

if TYPE_CHECKING:
    from wizard.settings import Connections


def open_n8n(url: str, key_ref: str, connections: Connections) -> N8nProvider:
    """The n8n at *url* with the API key behind *key_ref*, resolved now and kept in memory only.

    SecretUnavailable (its message starts "API key:") when the key cannot be read; ProviderError when the
    address is not acceptable.
    """
    try:
        key = connections.resolve(key_ref)
    except SecretUnavailable as exc:
        raise SecretUnavailable(f"API key: {exc}") from None
    settings = http_settings_for(connections)
    return N8nProvider(url, build_client(settings), key, settings)
