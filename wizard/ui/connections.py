"""How the app reaches real services: API base addresses and the test-only loopback setting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Connections:
    """Addresses and network settings for providers; tests point them at loopback servers."""

    supabase_api_url: str = "https://api.supabase.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"
    allow_loopback_http: bool = False  # http://127.0.0.1 only, and only when a test asks for it
    environ: dict[str, str] | None = None  # where env: references resolve (None: the process environment)

    def http_settings(self):  # type: ignore[no-untyped-def]
        """Safety settings for the shared HTTP client (imports httpx lazily)."""
        from wizard.providers.http_safety import HttpSettings

        return HttpSettings(allow_loopback_http=self.allow_loopback_http)

    def resolve(self, ref: str) -> str:
        """A secret value for a reference, at the moment of use; never stored or shown."""
        from wizard.secret_resolver import resolve

        return resolve(ref, self.environ)
