"""Providers: the only code that talks to outside services (n8n, Supabase, Entra) over the network.

Each provider takes its base address and an httpx client from outside (see `http_safety.build_client`),
so tests can point it at loopback servers. Importing this package does not import httpx.
"""

from __future__ import annotations


class ProviderError(Exception):
    """A call to an outside service failed. The message is safe to show: it never holds a secret value, and
    its control characters are made visible (wizard.safe_text.one_line); markup is escaped where it is shown.

    kind says what went wrong, so screens can give the right advice:
    "invalid-url" (the address is not acceptable), "network" (could not connect / timed out),
    "refused" (401/403: the key or token was refused), "not-found" (404), "bad-response" (the body was
    not what the API promises), "redirect" (the server tried to send us elsewhere), "http" (another
    error status), "invalid-request" (idspine refused to send something it knew was incomplete),
    "conflict" (two objects match one name, so apply will not guess), "secret-store" (a new secret could not
    be stored).
    """

    def __init__(self, message: str, kind: str = "http", status: int | None = None):
        from wizard.safe_text import one_line

        message = one_line(message)  # server text quoted inside can never act on a terminal
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status


__all__ = ["ProviderError"]
