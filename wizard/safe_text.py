"""Outside text made safe to show: terminal controls made visible, Rich/Textual markup and Markdown escaped.

Names, notes and server messages come from files other people edit and from servers we do not control.
Before any of it reaches a terminal, a Rich renderable, a Textual widget or a Markdown document it goes
through one of these functions. No Textual import here (the core and the CLI use it); Rich is imported
only by `rich_markup`.

Control characters are not dropped but shown as `\\uXXXX`, so a planted escape sequence is visible and
harmless, and JSON or TOML printed to the terminal stays valid (`\\u001b` is a legal escape in both).
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional formatting characters (Trojan Source, CVE-2021-42574): embeddings and overrides
# U+202A-U+202E, isolates U+2066-U+2069, marks U+200E/U+200F and the Arabic letter mark U+061C.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
# Line and paragraph separators: some terminals and editors start a new line on them.
LINE_SEPARATORS = frozenset("\u2028\u2029\u0085")


def _unsafe(char: str, keep: str) -> bool:
    if char in keep:
        return False
    if char in BIDI_CONTROLS or char in LINE_SEPARATORS:
        return True
    # Cc: C0 (ESC, BEL, CR, ...), DEL and C1 (U+0080-U+009F, e.g. the 8-bit CSI U+009B).
    # Cs: lone surrogates from a JSON answer, which would fail to encode when printed.
    return unicodedata.category(char) in ("Cc", "Cs")


_UNSAFE_CANDIDATE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def terminal_text(text: object, keep: str = "\n\t") -> str:
    """`text` with every control character (except those in `keep`) shown as a visible `\\uXXXX` escape.

    Covers ESC (and so every CSI, OSC and DCS sequence, which all start with it), BEL, CR, DEL, the C1
    range, bidirectional overrides and isolates, line separators and lone surrogates.
    """
    value = text if isinstance(text, str) else str(text)
    if not _UNSAFE_CANDIDATE.search(value):
        return value
    return "".join(f"\\u{ord(c):04x}" if _unsafe(c, keep) else c for c in value)


_ESCAPE_SEQUENCES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")


def plain_text(text: object) -> str:
    """Text from a live system made fit to keep as a name: escape sequences dropped, every other control
    character a space, one line. For storing; output still goes through the escapers above."""
    value = text if isinstance(text, str) else str(text)
    value = _UNSAFE_CANDIDATE.sub(" ", _ESCAPE_SEQUENCES.sub("", value))
    return " ".join(value.split())


def one_line(text: object) -> str:
    """`terminal_text` with line breaks and tabs escaped too, for a value that must stay on one line."""
    return terminal_text(text, keep="")


def rich_markup(text: object) -> str:
    """`text` made terminal-clean and escaped for Rich console markup.

    Every `[` is escaped, not only those Rich's own `escape` thinks start a tag, and backslashes before a
    `[` or at the end are doubled, so no value can open a tag or escape the caller's next one. (Rich shows a
    backslash before a `[` that starts no tag twice: cosmetic, never markup.)
    """
    value = re.sub(r"(\\*)\[", lambda m: m.group(1) * 2 + "\\[", terminal_text(text))
    trailing = len(value) - len(value.rstrip("\\"))
    return value + "\\" * trailing


def textual_markup(text: object) -> str:
    """`text` made terminal-clean and escaped for Textual content markup.

    Textual opens a tag at any `[` not preceded by a backslash (`[$var]`, `[ @click=...]`, `[B]` included,
    which Rich's escape lets through) and has no escape for a backslash itself, so every `[` gets one and a
    trailing backslash is followed by a zero-width space so it cannot escape the caller's next tag.
    """
    value = terminal_text(text).replace("[", "\\[")
    return value + "\u200b" if value.endswith("\\") else value


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|!~#])")


def markdown_text(text: object) -> str:
    """`text` as inline Markdown that renders literally: no link, image, HTML, emphasis or table cell.

    Line breaks become spaces (a value cannot start a heading or a list item), then every character with a
    meaning in CommonMark or GitHub-flavoured Markdown is backslash-escaped, which CommonMark allows for
    any ASCII punctuation (https://spec.commonmark.org/0.31.2/#backslash-escapes). A bare address stays
    readable and may be shown as itself by a GitHub-flavoured renderer, but never behind other link text.
    """
    value = " ".join(str(text).split("\n"))
    value = re.sub(r"[\r\u2028\u2029\u0085\x0b\x0c]", " ", value)
    return _MD_SPECIAL.sub(r"\\\1", terminal_text(value, keep="\t"))


def markdown_code(text: object) -> str:
    """`text` as a Markdown code span that no backtick inside it can close early."""
    value = terminal_text(" ".join(str(text).splitlines()), keep="\t")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def has_unsafe(text: str) -> bool:
    """Whether `text` holds any character `terminal_text` would escape (newline and tab excepted)."""
    return any(_unsafe(c, "\n\t") for c in text)
