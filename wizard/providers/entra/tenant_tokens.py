"""Graph tokens kept per tenant: which tenant issued a token, and a guard that one tenant's token never serves another.

Entra access tokens are JWTs whose `tid` claim is the id of the tenant that issued them
(https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference). The claim is
read without checking the signature: Graph checks that; this only stops idspine from sending a token to
the wrong tenant's plan. Opaque tokens (other IdPs, tests) are compared by value instead.
"""

from __future__ import annotations

import base64
import json

from wizard.settings import GUID


class TokenMismatch(ValueError):
    """A token was offered for a tenant that did not issue it. The message never holds the token."""


def issuing_tenant(token: str) -> str | None:
    """The `tid` claim of a JWT access token (lower case), or None when the token is not a readable JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    tid = claims.get("tid") if isinstance(claims, dict) else None
    return str(tid).lower() if isinstance(tid, str) and GUID.match(tid) else None


class TenantTokens:
    """One token per tenant key ('home', 'client:<slug>'); refuses a token already used for, or issued by,
    another tenant."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._issuers: dict[str, str] = {}
        self._labels: dict[str, str] = {}

    def put(self, key: str, tenant: str, token: str, label: str = "") -> str:
        """Record *token* for the tenant *key* (whose id or domain is *tenant*); returns the token."""
        label = label or tenant or key
        for other, value in self._tokens.items():
            if other != key and value == token:
                raise TokenMismatch(
                    f"the token offered for {label} is the one used for {self._labels[other]}: "
                    "each tenant needs a token of its own (sign in to each tenant)"
                )
        tid = issuing_tenant(token)
        if tid is not None:
            if GUID.match(tenant or "") and tid != tenant.lower():
                raise TokenMismatch(
                    f"the token offered for {label} was issued by tenant {tid}: sign in to {label}"
                )
            for other, issuer in self._issuers.items():
                if other != key and issuer == tid:
                    raise TokenMismatch(
                        f"the token offered for {label} was issued by the same tenant as the one "
                        f"for {self._labels[other]} ({tid}): sign in to {label} itself"
                    )
            self._issuers[key] = tid
        self._tokens[key] = token
        self._labels[key] = label
        return token

    def get(self, key: str) -> str | None:
        return self._tokens.get(key)

    def forget(self, key: str) -> None:
        self._tokens.pop(key, None)
        self._issuers.pop(key, None)
        self._labels.pop(key, None)
