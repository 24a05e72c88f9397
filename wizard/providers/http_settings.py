"""The limits every provider call obeys (`HttpSettings`) and the one way to build the httpx client."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.providers.errors import ErrorKind, ProviderError

if TYPE_CHECKING:
    import httpx

    from wizard.settings import Connections


@dataclass(frozen=True)
class HttpSettings:
    """Limits every provider call obeys. Tests set allow_loopback_http and a no-op sleep."""

    timeout: float = 20.0
    connect_timeout: float = 5.0
    max_response_bytes: int = 4 * 1024 * 1024
    max_retries: int = 3
    backoff_base: float = 0.5
    max_retry_after: float = 30.0
    max_redirects: int = 3
    allow_loopback_http: bool = False
    ca_bundle: str | None = None  # PEM file trusted instead of the system store (a private CA)
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    clock: Callable[[], float] = field(default=time.time, compare=False, repr=False)  # for Retry-After dates


def build_client(
    settings: HttpSettings | None = None, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """An httpx client with timeouts on every request and redirects switched off (JsonApi decides)."""
    import httpx

    settings = settings or HttpSettings()
    verify: Any = True
    if settings.ca_bundle:
        import ssl

        try:
            verify = ssl.create_default_context(cafile=settings.ca_bundle)
        except (OSError, ssl.SSLError):
            raise ProviderError(
                f"the CA bundle {settings.ca_bundle} cannot be read as PEM certificates",
                ErrorKind.INVALID_URL,
            ) from None
    return httpx.Client(
        timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
        follow_redirects=False,
        headers={"User-Agent": f"idspine/{__version__}", "Accept": "application/json"},
        transport=transport,
        verify=verify,
        trust_env=not settings.ca_bundle,  # with a bundle, SSL_CERT_FILE & co. must not win over it
    )


def http_settings_for(connections: Connections) -> HttpSettings:
    """Safety settings for the shared HTTP client from the app's or command line's connection settings."""
    from wizard.settings import Environment

    return HttpSettings(
        allow_loopback_http=connections.allow_loopback_http,
        ca_bundle=connections.ca_bundle or Environment.read().ca_bundle,
    )
