"""Which service addresses idspine talks to: https only, plain http only for loopback in tests."""

from __future__ import annotations

from urllib.parse import urlsplit

from wizard.providers.errors import ErrorKind, ProviderError
from wizard.providers.http_settings import HttpSettings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_base_url(url: str, settings: HttpSettings | None = None, service: str = "the service") -> str:
    """The address without a trailing slash, or ProviderError(kind="invalid-url") saying what is wrong.

    Only https is accepted; plain http only for loopback hosts when allow_loopback_http is set (tests).
    Addresses with a user name or password, a query or a fragment are refused (and not echoed).
    """
    settings = settings or HttpSettings()
    text = (url or "").strip()
    bad = ErrorKind.INVALID_URL
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ProviderError(f"the {service} address is not a valid URL", bad) from None
    if parts.username is not None or parts.password is not None:
        raise ProviderError(f"the {service} address must not contain a user name or password", bad)
    if not host:
        raise ProviderError(f"the {service} address needs a host, e.g. https://n8n.example.com", bad)
    if parts.query or parts.fragment:
        raise ProviderError(f"the {service} address must not have a query or fragment", bad)
    if parts.scheme == "https":
        return text.rstrip("/")
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        if settings.allow_loopback_http:
            return text.rstrip("/")
        raise ProviderError(
            f"the {service} address uses plain http; use https (loopback http is only for tests)", bad
        )
    raise ProviderError(
        f"the {service} address must start with https:// (got scheme {parts.scheme or 'none'!r})", bad
    )
