"""Providers: the only code that talks to outside services (n8n, Supabase, Entra, Key Vault) over the network.

Each provider takes its base address and an httpx client from outside (see `wizard.providers.http_settings.
build_client`), so tests can point it at loopback servers. Importing this package does not import httpx.
`ProviderError` and its `ErrorKind` live in wizard.providers.errors, with the one table of advice.
"""

from __future__ import annotations

from wizard.providers import secret_readers  # noqa: F401 - keyvault:// and op:// resolve where providers are
from wizard.providers.errors import ErrorKind, ProviderError

__all__ = ["ErrorKind", "ProviderError"]
