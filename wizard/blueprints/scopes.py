"""Scope-based authorization with hierarchical fallback: resource:workflow:action → resource:action → *.

A user's scopes come from their app roles (assigned through IdP groups) via the app's role → scopes map.
Segments match whole: `invoices:run` never allows `invoices-archive:run`, and a grant is never a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

_SEGMENT = r"[a-z0-9][a-z0-9_.-]*"
_SCOPE = re.compile(rf"^{_SEGMENT}(:{_SEGMENT}){{1,2}}$")


def candidates(needed: str) -> list[str]:
    """The grants that satisfy `needed`, most specific first (ValueError when it is not a scope)."""
    if not _SCOPE.match(needed):
        raise ValueError(f"not a scope: {needed!r} (expected resource:action or resource:workflow:action)")
    parts = needed.split(":")
    out = [needed]
    if len(parts) == 3:
        out.append(f"{parts[0]}:{parts[2]}")
    return [*out, "*"]


def matching_grant(granted: Collection[str], needed: str) -> str | None:
    """The grant that allows `needed` (log it, so audits can see why), or None."""
    return next((c for c in candidates(needed) if c in granted), None)


def is_allowed(granted: Collection[str], needed: str) -> bool:
    """Whether any granted scope allows `needed`."""
    return matching_grant(granted, needed) is not None


def has_access(granted: Collection[str], resource: str, action: str, workflow: str | None = None) -> bool:
    """`is_allowed` from parts: resource + action, optionally narrowed to one workflow."""
    return is_allowed(granted, f"{resource}:{workflow}:{action}" if workflow else f"{resource}:{action}")


def scopes_for(roles: Iterable[str], mapping: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """The scope set of a user from their roles (or groups) and the role → scopes mapping; unknown roles add
    nothing."""
    return frozenset(s for r in roles for s in mapping.get(r, ()))
