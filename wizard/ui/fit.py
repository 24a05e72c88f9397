"""Fitting plain text into narrow places without cutting a word: wrap at spaces, break long tokens after punctuation, clip with an ellipsis."""

from __future__ import annotations

import re

# Where a long token (an address, an e-mail, a dotted name) may break: after one of these characters.
_BREAK_AFTER = re.compile(r"(?<=[/.@?&=_:,;-])")


def _last_break(token: str, limit: int) -> int:
    """The last position <= limit right after a break character, or 0 when there is none."""
    cuts = [m.start() for m in _BREAK_AFTER.finditer(token) if 0 < m.start() <= limit]
    return cuts[-1] if cuts else 0


def wrap(text: str, width: int) -> str:
    """`text` with line breaks so no line is wider than `width` and no word is cut.

    Words move whole to the next line; a single token wider than the line (a URL, an e-mail) breaks after
    `/ . @ ? & = _ : , ; -`, so each piece stays recognisable. Existing line breaks and indents are kept.
    """
    if width < 8:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        room = max(8, width - len(indent))
        current = ""
        for word in line.split():
            sep = " " if current else ""
            if len(current) + len(sep) + len(word) <= room:
                current += sep + word
                continue
            if len(word) <= room or ("://" in word and current):  # a line of its own (an address starts one)
                out.append(indent + current)
                if len(word) > room:
                    current, sep = "", ""
                    while len(word) > room:
                        cut = _last_break(word, room) or room
                        out.append(indent + word[:cut])
                        word = word[cut:]
                current = word
                continue
            while len(word) > room - len(current) - len(
                sep
            ):  # too long for any line: break after punctuation
                cut = _last_break(word, room - len(current) - len(sep))
                if not cut and current:  # nothing fits beside what is there: start a fresh line
                    out.append(indent + current)
                    current, sep = "", ""
                    continue
                cut = cut or room  # no punctuation within a whole line: a hard break is the only way
                out.append(indent + current + sep + word[:cut])
                current, sep, word = "", "", word[cut:]
            current += sep + word
        out.append(indent + current)
    return "\n".join(out)


def lead(prefix_markup: str, prefix: str, text: str, width: int) -> str:
    """`prefix_markup` then `text` (escaped), wrapped as if `prefix` (the prefix's visible text) began the line."""
    from wizard.safe_text import textual_markup as escape

    wrapped = wrap(f"{prefix}{text}", width)
    if wrapped.startswith(prefix) or not prefix:
        return prefix_markup + escape(wrapped[len(prefix) :])
    return prefix_markup.rstrip() + escape(
        wrapped[len(prefix.rstrip()) :]
    )  # the text starts on the next line


def clip(text: str, width: int) -> str:
    """`text` on one line of at most `width` characters, shortened at a word boundary with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    head = flat[: max(1, width - 1)]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:-") + "…"
