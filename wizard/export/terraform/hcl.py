"""HCL text made from inventory values: escaped string literals, resource names, variable blocks."""

from __future__ import annotations

import hashlib
import re


def ident(name: str) -> str:
    """A Terraform resource name for an object name (letters, digits, underscores; starts with a letter)."""
    out = re.sub(r"[^a-z0-9_]", "_", name.lower())
    return out if out[:1].isalpha() else f"r_{out}"


def hstr(value: str) -> str:
    """An HCL string literal with quotes, backslashes, control characters and template markers escaped."""
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    value = value.replace("\t", "\\t")
    value = re.sub(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]",
        lambda m: f"\\u{ord(m.group()):04x}",
        value,
    )  # C0, C1 and bidi controls (Trojan Source)
    return '"' + value.replace("${", "$${").replace("%{", "%%{") + '"'


def hlist(values: list[str]) -> str:
    """An HCL list of string literals."""
    return "[" + ", ".join(hstr(v) for v in values) + "]"


def slug(value: str, allowed: str = "a-z0-9-", sep: str = "-") -> str:
    """Lower case, every run of other characters one separator, no separator at either end."""
    return re.sub(f"[^{allowed}]+", sep, value.lower()).strip(sep)


def short_hash(value: str, n: int = 6) -> str:
    """A few hex digits that tell two values apart."""
    return hashlib.sha1(value.encode()).hexdigest()[:n]


class Names:
    """Unique resource names: the readable ident, with a short hash when two objects would collide."""

    def __init__(self) -> None:
        self._taken: dict[str, str] = {}

    def __call__(self, kind: str, name: str) -> str:
        base = ident(name)
        owner = self._taken.setdefault(f"{kind}.{base}", name)
        if owner == name:
            return base
        return f"{base}_{short_hash(name)}"


def variable(
    name: str, description: str, default: str = "", sensitive: bool = False, type_: str = "string"
) -> list[str]:
    """A variable block; a secret is marked sensitive and never given a default."""
    out = [f'variable "{name}" {{', f"  type        = {type_}", f"  description = {hstr(description)}"]
    if default and not sensitive:
        out.append(f"  default     = {hstr(default)}")
    if sensitive:
        out.append("  sensitive   = true")
    return [*out, "}", ""]
