"""What went wrong with an outside service (`ErrorKind`, `ProviderError`) and the one table of what to do next.

The command line and the app both show `advice(kind, service)` under a failure, so the same failure never
gets two different pieces of advice. Every kind has advice: tests iterate the enum.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """Why a call to an outside service failed; a StrEnum, so `exc.kind == "network"` keeps working."""

    INVALID_URL = "invalid-url"  # the address is not acceptable
    NETWORK = "network"  # could not connect, or timed out
    TLS = "tls"  # the server's certificate could not be verified
    REFUSED = "refused"  # 401/403: the key or token was refused
    NOT_FOUND = "not-found"  # 404
    BAD_RESPONSE = "bad-response"  # the body was not what the API promises
    REDIRECT = "redirect"  # the server tried to send us elsewhere
    HTTP = "http"  # another error status
    THROTTLED = "throttled"  # 429/503 with a Retry-After longer than idspine waits
    INVALID_REQUEST = "invalid-request"  # idspine refused to send something it knew was incomplete
    CONFLICT = "conflict"  # two objects match one name, so apply will not guess
    SECRET_STORE = "secret-store"  # a new secret could not be stored
    REPLICATION = "replication"  # Entra has not replicated a new object yet


class Service(StrEnum):
    """The services whose advice differs; the value is how the advice names the service."""

    N8N = "n8n"
    SUPABASE = "Supabase"
    GRAPH = "Microsoft Graph"
    KEY_VAULT = "Azure Key Vault"


ANY_SERVICE = None  # the row used when a kind has no advice specific to the service

# kind -> service (or ANY_SERVICE) -> what to do next; "{service}" is replaced by the service's name.
ADVICE: dict[ErrorKind, dict[Service | None, str]] = {
    ErrorKind.INVALID_URL: {
        ANY_SERVICE: "The {service} address is not usable: it must be https:// (loopback http only in tests).",
    },
    ErrorKind.NETWORK: {
        Service.N8N: "n8n could not be reached. Check the address and that n8n is running.",
        ANY_SERVICE: "{service} could not be reached. Check the network and the address.",
    },
    ErrorKind.TLS: {
        ANY_SERVICE: "The TLS certificate of {service} could not be verified. Check the address; for a "
        "private CA, set IDSPINE_CA_BUNDLE to its PEM file.",
    },
    ErrorKind.REFUSED: {
        Service.N8N: "n8n refused the API key. Create one under Settings > n8n API with the credential "
        "scopes and point the reference at it.",
        Service.SUPABASE: "Supabase refused the access token. Create a personal access token (Account > "
        "Access Tokens) and point the reference at it.",
        Service.GRAPH: "Microsoft Graph refused the request. Sign in again with an account that holds the "
        "needed admin role, and check that the permissions are consented.",
        ANY_SERVICE: "{service} refused the key or token. Check what the reference points at.",
    },
    ErrorKind.NOT_FOUND: {
        ANY_SERVICE: "{service} has no such object (it may have been deleted). Check the address and the id.",
    },
    ErrorKind.BAD_RESPONSE: {
        ANY_SERVICE: "{service} answered with something idspine cannot use. Check that the address points at "
        "{service} itself, not a proxy or a login page.",
    },
    ErrorKind.REDIRECT: {
        ANY_SERVICE: "{service} redirected to another address; idspine does not send credentials there. "
        "Use the final address.",
    },
    ErrorKind.HTTP: {
        ANY_SERVICE: "{service} answered with an error (the message says which). Try again later when it "
        "is a server error.",
    },
    ErrorKind.THROTTLED: {
        ANY_SERVICE: "{service} asked idspine to slow down. Run again after the time given.",
    },
    ErrorKind.INVALID_REQUEST: {
        ANY_SERVICE: "Nothing was sent. Correct what the message names and run again.",
    },
    ErrorKind.CONFLICT: {
        ANY_SERVICE: "Two objects in {service} match one name, so idspine will not guess. Remove or rename "
        "the duplicate, then run again.",
    },
    ErrorKind.SECRET_STORE: {
        ANY_SERVICE: "The new secret could not be stored. Check the secret store (the env file or the Key "
        "Vault and your access to it), then run again.",
    },
    ErrorKind.REPLICATION: {
        ANY_SERVICE: "Entra has not finished replicating a new object. Wait a minute and run again.",
    },
}


def advice(kind: ErrorKind | str, service: Service) -> str:
    """What to do next after a failure of *kind* at *service* (the one text both faces show)."""
    rows = ADVICE[ErrorKind(kind)]
    text = rows.get(service) or rows[ANY_SERVICE]
    return text.replace("{service}", str(service))


class ProviderError(Exception):
    """A call to an outside service failed. The message is safe to show: it never holds a secret value, and
    its control characters are made visible (wizard.safe_text.one_line); markup is escaped where it is shown.

    `kind` (an ErrorKind) says what went wrong, so both faces can give the same advice (`advice`). A kind
    given as a string must be one of the ErrorKind values: a new kind needs its advice first.
    """

    def __init__(
        self,
        message: str,
        kind: ErrorKind | str = ErrorKind.HTTP,
        status: int | None = None,
        *,
        explained: bool = False,
    ):
        from wizard.safe_text import one_line

        message = one_line(message)  # server text quoted inside can never act on a terminal
        super().__init__(message)
        self.message = message
        self.kind: ErrorKind = ErrorKind(kind)
        self.status = status
        self.explained = explained  # the message already says what to do: no general advice after it


class Throttled(ProviderError):
    """The server asked to wait (429/503 with Retry-After); `retry_at` is the earliest moment to call again."""

    def __init__(self, message: str, status: int, retry_after: float, retry_at: float):
        super().__init__(message, ErrorKind.THROTTLED, status)
        self.retry_after = retry_after
        self.retry_at = retry_at  # seconds since the epoch, on the settings' clock

    @property
    def resume_after(self) -> str:
        """The earliest time to try again, for people: 'HH:MM UTC' (with the date when not today)."""
        return format_resume_time(self.retry_at)


def format_resume_time(at: float, now: float | None = None) -> str:
    """'17:42 UTC', or '2026-11-28 09:05 UTC' when that is not today (UTC)."""
    import datetime as dt
    import time

    when = dt.datetime.fromtimestamp(at, dt.UTC)
    today = dt.datetime.fromtimestamp(time.time() if now is None else now, dt.UTC).date()
    # round up to the next minute so "resume after HH:MM" is never too early
    if when.second or when.microsecond:
        when = when.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return when.strftime("%H:%M UTC" if when.date() == today else "%Y-%m-%d %H:%M UTC")
