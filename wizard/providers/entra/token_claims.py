"""What an Entra app-only access token says about itself: its audience and its application roles.

An access token from Entra is a JWT; its payload (the middle part, base64url JSON) carries `aud`, the resource
it is for (the resource's App ID URI in v1.0 tokens, its application id in v2.0 tokens), and, in an app-only
token, `roles`: the application permissions granted to the service principal on that resource. When nothing
was granted (no admin consent), Entra still issues the token, without a `roles` claim
(https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference). The payload is read
without checking the signature: the resource checks that; here it only tells whether the token can do what
the inventory says it should. Nothing here keeps, logs or prints a token.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.model import ServicePrincipal

MICROSOFT_GRAPH = "https://graph.microsoft.com"
# The names a resource goes by: App ID URI, application id, and the display name the inventory uses.
_ALIASES: dict[str, frozenset[str]] = {
    MICROSOFT_GRAPH: frozenset({MICROSOFT_GRAPH, "00000003-0000-0000-c000-000000000000", "microsoft graph"}),
}


def token_payload(token: str) -> dict[str, Any] | None:
    """The claims of a JWT (its payload, not verified), or None when *token* is not a readable JWT."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return claims if isinstance(claims, dict) else None


def resource_of(scopes: Sequence[str]) -> str:
    """The resource a client-credentials request asks for: the first scope without its '/.default'."""
    scope = next((s for s in scopes if s.strip()), "")
    return scope.removesuffix("/.default").rstrip("/")


def aliases(resource: str) -> frozenset[str]:
    """Every name *resource* goes by (lower case, no trailing slash)."""
    key = resource.rstrip("/").lower()
    for known, names in _ALIASES.items():
        if key in {n.lower() for n in names}:
            return frozenset(n.lower() for n in names | {known})
    return frozenset({key})


def expected_roles(sp: ServicePrincipal, resource: str) -> list[str]:
    """The application permissions the inventory says *sp* holds on *resource* (in inventory order)."""
    names = aliases(resource)
    wanted = [
        p.name for p in sp.permissions if p.type == "application" and p.resource.rstrip("/").lower() in names
    ]
    return list(dict.fromkeys(wanted))


@dataclass(frozen=True)
class TokenVerdict:
    """Whether the token proves what the inventory expects, and one line saying so."""

    ok: bool
    detail: str


def _listed(names: Iterable[str], limit: int = 8) -> str:
    items = sorted(names)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def judge_app_token(token: str, scopes: Sequence[str], sp: ServicePrincipal, issued: str) -> TokenVerdict:
    """Compare an app-only token's `aud` and `roles` with the resource asked for and the inventory.

    *issued* is the line for a token that came back ("token issued (valid 3599 s)"); the verdict extends it.
    No roles claim when roles were expected, a missing role or another audience fail; extra roles are a
    warning in the detail. A token that is not a readable JWT is said to be so and not failed.
    """
    resource = resource_of(scopes)
    claims = token_payload(token)
    if claims is None:
        return TokenVerdict(True, f"{issued}; the token is not a readable JWT, so its roles were not checked")
    aud = str(claims.get("aud") or "").rstrip("/")
    if resource and aud.lower() not in aliases(resource):
        return TokenVerdict(False, f"a token came back for audience {aud or '(none)'}, not {resource}")
    expected = expected_roles(sp, resource)
    raw = claims.get("roles")
    roles = {str(r) for r in raw} if isinstance(raw, list) else set()
    if expected and not roles:
        return TokenVerdict(
            False,
            f"a token came back but it carries no roles: admin consent is missing for {_listed(expected)}",
        )
    missing = [r for r in expected if r not in roles]
    if missing:
        return TokenVerdict(
            False,
            f"a token came back without the roles {_listed(missing)}: admin consent is missing for them "
            f"(it carries {_listed(roles)})",
        )
    detail = f"{issued}; audience {resource or aud}" + (f", roles {_listed(expected)}" if expected else "")
    extra = roles - set(expected)
    if extra:
        detail += f"; warning: the token also carries roles the inventory does not list: {_listed(extra)}"
    return TokenVerdict(True, detail)
