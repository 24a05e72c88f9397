"""A workspace whose every free-text field carries terminal escapes, bidi overrides, markup and HTML."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from wizard.model import Workspace
from wizard.secrets.guard import refuse_secret

# What an attacker who can edit the inventory (or answer as a server) would plant.
CLEAR = "\x1b[2J"  # clear the screen
OSC52 = "\x1b]52;c;aGk=\x07"  # write to the clipboard
OSC8 = "\x1b]8;;https://evil.example/\x1b\\here\x1b]8;;\x1b\\"  # a hidden hyperlink
CSI8 = "\x9b31m"  # the 8-bit form of CSI
RLO = "\u202e"  # right-to-left override
MARKUP = "[link=https://x]y[/link] [/sites/finance] [@click=app.quit]q[/] [$error]v[/] [ b]s[/ b]"
MARKDOWN = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> **bold** `tick"
HOSTILE = f"{CLEAR}{OSC52}{OSC8}\x07\x7f\r{CSI8}{RLO} {MARKUP} {MARKDOWN}"

# Characters that must never reach a terminal raw.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _plant(value: Any) -> Any:
    if isinstance(value, BaseModel):
        updates = {}
        for name, field in type(value).model_fields.items():
            current = getattr(value, name)
            free_text = any(getattr(m, "func", None) is refuse_secret for m in field.metadata)
            if free_text and isinstance(current, str):
                updates[name] = f"{current} {HOSTILE}"
            elif free_text and isinstance(current, list):
                updates[name] = [f"{v} {HOSTILE}" for v in current] or [HOSTILE]
            elif name in ("tenant", "residency", "home_tenant", "subject") and isinstance(current, str):
                updates[name] = f"{current}{HOSTILE}"
            elif isinstance(current, (BaseModel, list)):
                updates[name] = _plant(current)
        return value.model_copy(update=updates)
    if isinstance(value, list):
        return [_plant(v) for v in value]
    return value


def hostile_workspace(ws: Workspace) -> Workspace:
    """`ws` with HOSTILE appended to every free-text field (names, notes, labels, scopes, checklist text ...)."""
    planted = _plant(ws)
    return Workspace.model_validate(planted.model_dump())  # validated again, as loading the file would


def raw_characters(text: str) -> list[str]:
    """The control characters in `text` that would act on a terminal."""
    return sorted({repr(c) for c in RAW.findall(text)})
