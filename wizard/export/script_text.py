"""Inventory text made safe inside generated scripts: shell quoting, one-line comments, JMESPath literals."""

from __future__ import annotations

import re
import shlex

# Control and bidi characters: never written raw into a script, where `cat` or an editor would act on them.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def q(value: str) -> str:
    """Shell-quote one value. One holding control or bidi characters becomes a bash $'...' string with those
    characters as \\xHH bytes, so the script itself never carries them raw (and `cat` of it stays harmless)."""
    if not CONTROLS.search(value):
        return shlex.quote(value)
    out: list[str] = []
    for char in value:
        if CONTROLS.match(char):
            out.extend(f"\\x{b:02x}" for b in char.encode("utf-8"))
        else:
            out.append({"\\": "\\\\", "'": "\\'"}.get(char, char))
    return "$'" + "".join(out) + "'"


def comment(text: str) -> str:
    """Text safe inside a one-line comment (no newline can end it early, no control character acts on a terminal)."""
    return re.sub(CONTROLS.pattern + "+", " ", text)


def jmes(value: str) -> str:
    """A JMESPath raw string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
