"""Names from templates, checked against the naming convention and the chosen IdP's own limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from wizard.idps import PROFILES
from wizard.model import IdP, NamingConvention
from wizard.safe_regex import pattern_problem

_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")


@dataclass(frozen=True)
class IdpNameRules:
    """What an IdP itself allows in a group name (beyond the consultancy's own convention)."""

    max_length: int
    forbidden: str  # characters that are never accepted
    note: str


# One table: each IdP's group limits live in its profile (wizard.idps.catalogue, with the vendor sources).
IDP_NAME_RULES: dict[IdP, IdpNameRules] = {
    IdP(key): IdpNameRules(p.groups.max_length, p.groups.forbidden, p.groups.note)
    for key, p in PROFILES.items()
}


def _title(part: str) -> str:
    """'data-engineer' -> 'Data-Engineer'; keeps already capitalised words."""
    return "-".join(w[:1].upper() + w[1:] for w in re.split(r"[-_\s]+", part.strip()) if w)


def render(template: str, **values: str) -> str:
    """Fill a template: {client} as given, {Client} title-cased. Unknown placeholders raise KeyError."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        low = key.lower()
        if low not in values:
            raise KeyError(f"template placeholder {{{key}}} has no value")
        value = values[low]
        return _title(value) if key[0].isupper() else value

    return _PLACEHOLDER.sub(fill, template)


def group_name(conv: NamingConvention, role: str, client: str = "", admin: bool = False) -> str:
    """The group name the convention gives for a role (internal when client is empty)."""
    if admin:
        template = conv.admin_group_template
        if not client:
            template = template.replace("-{Client}", "").replace("{Client}-", "").replace("{client}", "org")
    elif client:
        template = conv.group_template
    else:
        template = conv.internal_group_template
    return f"{conv.prefix}{render(template, client=client, role=role)}{conv.suffix}"


def service_principal_name(conv: NamingConvention, tool: str, purpose: str, client: str = "") -> str:
    """The service principal name for one tool, purpose and tenant (e.g. svc-n8n-graph-acme)."""
    name = render(conv.service_principal_template, tool=tool, purpose=purpose, client=client or "internal")
    return re.sub(r"-{2,}", "-", name).strip("-")


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The compiled allowed_pattern, or None when it is invalid or could take unbounded time (ReDoS)."""
    return None if pattern_problem(pattern) else re.compile(pattern)


def check_group_name(name: str, conv: NamingConvention, idp: IdP | None = None) -> list[str]:
    """Problems with *name* under the convention and the IdP's rules; empty when fine."""
    problems: list[str] = []
    if not name:
        return ["the name is empty"]
    if conv.prefix and not name.startswith(conv.prefix):
        problems.append(f"must start with the prefix '{conv.prefix}'")
    if conv.suffix and not name.endswith(conv.suffix):
        problems.append(f"must end with the suffix '{conv.suffix}'")
    if len(name) > conv.max_length:
        problems.append(f"is {len(name)} characters long; the convention allows {conv.max_length}")
    compiled = _compiled(conv.allowed_pattern)
    if compiled is None:
        problems.append(
            "cannot be checked: the allowed pattern is refused ("
            + str(pattern_problem(conv.allowed_pattern))
            + ")"
        )
    elif len(name) <= 256 and not compiled.match(name):
        # Longer names (over any allowed max_length) are reported above and never matched: bounded time.
        problems.append(f"has characters outside the allowed pattern {conv.allowed_pattern}")
    lowered = name.lower()
    for word in conv.blocked_words:
        if word and word.lower() in lowered:
            problems.append(f"contains the blocked word '{word}'")
    if idp is not None:
        rules = IDP_NAME_RULES[idp]
        if len(name) > rules.max_length:
            problems.append(f"is longer than {idp.value} allows ({rules.note})")
        bad = sorted({c for c in name if c in rules.forbidden})
        if bad:
            shown = " ".join("space" if c == " " else c for c in bad)
            problems.append(f"contains characters {idp.value} refuses: {shown} ({rules.note})")
    return problems
