"""Scope-based authorization with hierarchical fallback: resource:workflow:action → resource:action → *."""

from __future__ import annotations

import re

_SCOPE = re.compile(r"^[a-z0-9][a-z0-9_.-]*(:[a-z0-9][a-z0-9_.-]*){1,2}$")


def candidates(needed: str) -> list[str]:
    """The grants that satisfy `needed`, most specific first."""
    if not _SCOPE.match(needed):
        raise ValueError(f"not a scope: {needed!r} (expected resource:action or resource:workflow:action)")
    parts = needed.split(":")
    out = [needed]
    if len(parts) == 3:
        out.append(f"{parts[0]}:{parts[2]}")
    return [*out, "*"]


def matching_grant(granted: set[str] | frozenset[str], needed: str) -> str | None:
    """The grant that allows `needed` (to log why), or None. Segments match whole, never as prefixes."""
    return next((c for c in candidates(needed) if c in granted), None)


def is_allowed(granted: set[str] | frozenset[str], needed: str) -> bool:
    """Whether any granted scope allows `needed`."""
    return matching_grant(granted, needed) is not None


def scopes_for(groups: list[str], mapping: dict[str, list[str]]) -> frozenset[str]:
    """The scope set of a user from their IdP groups and the group → scopes mapping."""
    return frozenset(s for g in groups for s in mapping.get(g, []))
