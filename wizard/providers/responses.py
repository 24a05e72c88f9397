"""Reading what servers answer: required fields checked by type, and server text scrubbed before quoting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wizard.providers.errors import ErrorKind, ProviderError
from wizard.safe_text import one_line
from wizard.secrets.guard import find_secret_kind, redact

QUOTE_LIMIT = 300


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """*text* with known secret values (also re-cased or cut, see secret_guard.redact) and secret-shaped words
    removed, shortened for quoting, on one line with control characters (escape sequences, bidi overrides)
    made visible."""
    out = " ".join(redact(one_line(text), secrets).split())
    if find_secret_kind(out):
        return "[server message withheld: it looked like it contained a secret]"
    return out if len(out) <= QUOTE_LIMIT else out[:QUOTE_LIMIT] + "…"


def expect_dict(data: Any, what: str) -> dict[str, Any]:
    """*data* when it is a JSON object, else ProviderError(kind="bad-response")."""
    if not isinstance(data, dict):
        raise ProviderError(f"{what}: expected a JSON object, got {type_name(data)}", ErrorKind.BAD_RESPONSE)
    return data


def expect_str(data: dict[str, Any], key: str, what: str, max_len: int = 512) -> str:
    """The non-empty string field *key* of *data*, else ProviderError (the value is never quoted)."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProviderError(
            f"{what}: field {key!r} missing or not a string (got {type_name(value)})", ErrorKind.BAD_RESPONSE
        )
    if len(value) > max_len:
        raise ProviderError(
            f"{what}: field {key!r} is implausibly long ({len(value)} characters)", ErrorKind.BAD_RESPONSE
        )
    return value


def type_name(value: Any) -> str:
    """How a JSON value's type is named in a message (the value itself is never quoted)."""
    if value is None:
        return "nothing"
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
