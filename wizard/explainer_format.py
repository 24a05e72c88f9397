"""The explainer file format: front matter and fixed Markdown sections, parsed into an `Explainer`."""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTIONS = ("In plain words", "What travels where", "Pitfalls", "In your setup", "Sources")
FRONT_KEYS = ("id", "title", "summary", "related", "sources")
DIAGRAM_WIDTH = 76
LINK = re.compile(r"\[\[([a-z0-9-]+)\]\]")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


class ExplainerError(ValueError):
    """An explainer file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Explainer:
    """One concept: metadata and Markdown sections."""

    id: str
    title: str
    summary: str
    related: tuple[str, ...]
    sources: tuple[str, ...]
    sections: dict[str, str]


_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FENCE = "```"


def _list(value: str, file: str, line: int) -> tuple[str, ...]:
    value = value.strip()
    if not (value.startswith("[") and value.endswith("]")):
        raise ExplainerError(f"{file}:{line}: expected a [list, of, values]")
    return tuple(v.strip().strip('"') for v in value[1:-1].split(",") if v.strip())


def _front_matter(lines: list[str], file: str) -> tuple[dict[str, str], dict[str, int], int]:
    """The front matter as key -> value and key -> line number, and the index of its closing line."""
    if not lines or lines[0].strip() != "---":
        raise ExplainerError(f"{file}:1: must start with a '---' front matter block")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ExplainerError(f"{file}:1: the front matter block is not closed with '---'") from None
    meta: dict[str, str] = {}
    meta_line: dict[str, int] = {}
    for i in range(1, end):
        if not lines[i].strip():
            continue
        key, sep, value = lines[i].partition(":")
        key = key.strip()
        if not sep or key not in FRONT_KEYS:
            raise ExplainerError(f"{file}:{i + 1}: expected one of {', '.join(FRONT_KEYS)} as 'key: value'")
        if key in meta:
            raise ExplainerError(f"{file}:{i + 1}: {key} is given twice (first on line {meta_line[key]})")
        value = value.strip().strip('"')
        if not value:
            raise ExplainerError(f"{file}:{i + 1}: {key} is empty")
        meta[key], meta_line[key] = value, i + 1
    missing = [k for k in FRONT_KEYS if k not in meta]
    if missing:
        raise ExplainerError(f"{file}:1: front matter lacks {', '.join(missing)}")
    if not _ID.match(meta["id"]):
        raise ExplainerError(
            f"{file}:{meta_line['id']}: id {meta['id']!r} must be lower-case words joined by '-'"
        )
    return meta, meta_line, end


def _sections(lines: list[str], start: int, file: str) -> dict[str, str]:
    """The '## ' sections after the front matter; headings inside fenced blocks do not count."""
    sections: dict[str, str] = {}
    header_line: dict[str, int] = {}
    current: str | None = None
    body: list[str] = []
    fence_open = 0
    for i in range(start, len(lines)):
        line = lines[i]
        if line.lstrip().startswith(_FENCE):
            fence_open = 0 if fence_open else i + 1
        if line.startswith("## ") and not fence_open:
            if current:
                sections[current] = "\n".join(body).strip()
            current, body = line[3:].strip(), []
            if current not in SECTIONS:
                raise ExplainerError(
                    f"{file}:{i + 1}: unknown section '## {current}' (sections are: {', '.join(SECTIONS)})"
                )
            if current in header_line:
                raise ExplainerError(f"{file}:{i + 1}: section '## {current}' appears twice")
            header_line[current] = i + 1
        elif current:
            body.append(line)
        elif line.strip():
            raise ExplainerError(f"{file}:{i + 1}: text before the first '## ' section")
    if current:
        sections[current] = "\n".join(body).strip()
    if fence_open:
        raise ExplainerError(f"{file}:{fence_open}: a ``` block is never closed")
    for name in SECTIONS:
        if name not in sections:
            raise ExplainerError(f"{file}:{len(lines)}: the section '## {name}' is missing")
        if not sections[name]:
            raise ExplainerError(f"{file}:{header_line[name]}: the section '## {name}' is empty")
    return sections


def parse(text: str, file: str = "<explainer>") -> Explainer:
    """Parse one explainer file; ExplainerError with file and line when it is malformed."""
    lines = text.splitlines()
    meta, meta_line, end = _front_matter(lines, file)
    related = _list(meta["related"], file, meta_line["related"])
    for r in related:
        if not _ID.match(r):
            raise ExplainerError(f"{file}:{meta_line['related']}: related id {r!r} is not an explainer id")
    sources = _list(meta["sources"], file, meta_line["sources"])
    if not sources:
        raise ExplainerError(f"{file}:{meta_line['sources']}: at least one source is needed")
    return Explainer(
        id=meta["id"],
        title=meta["title"],
        summary=meta["summary"],
        related=related,
        sources=sources,
        sections=_sections(lines, end + 1, file),
    )
