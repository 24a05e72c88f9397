"""The architecture picture in the README names only what exists, and every package in the tree is in it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _picture() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it is built", 1)[1]
    return section.split("```", 2)[1]


def _named_paths(picture: str) -> list[tuple[str, str]]:
    """(parent folder, name) for each folder/ or file.py the picture names, parent from indentation."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []  # (indent, folder)
    for line in picture.splitlines():
        match = re.match(r"^(\s*)(\S.*)$", line)
        if not match or "─" in line or "│" in line or "▼" in line:
            continue
        indent = len(match.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        first_column = re.split(r"\s{2,}", match.group(2))[0]
        for token in first_column.split():
            if token.endswith("/") or token.endswith(".py"):
                found.append((parent, token))
        tokens = first_column.split()
        if len(tokens) == 1 and tokens[0].endswith("/"):
            stack.append((indent, parent + tokens[0]))
    return found


def test_every_path_in_the_picture_exists() -> None:
    missing = []
    for parent, name in _named_paths(_picture()):
        candidates = list(ROOT.glob(parent + name.rstrip("/"))) if "*" in name else [ROOT / parent / name]
        if not any(c.exists() for c in candidates):
            missing.append(parent + name)
    assert not missing, f"README names paths that do not exist: {missing}"


def test_every_core_package_is_in_the_picture() -> None:
    picture = _picture()
    named = {parent + name.rstrip("/") for parent, name in _named_paths(picture)}
    packages = {
        p.parent.relative_to(ROOT).as_posix()
        for p in (ROOT / "wizard").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    top_level = {p for p in packages if p.count("/") <= 1 or p.startswith("wizard/providers/")}
    unnamed = sorted(
        p
        for p in top_level
        if p not in named and p not in picture  # the faces are named on the arrow line
    )
    assert not unnamed, f"packages missing from the README picture: {unnamed}"


def test_the_picture_check_notices_a_wrong_name() -> None:
    fake = "wizard/\n  nosuchmodule.py\n  providers/\n    entra/   x\n"
    names = _named_paths(fake)
    assert ("wizard/", "nosuchmodule.py") in names
    assert ("wizard/providers/", "entra/") in names
    assert not (ROOT / "wizard" / "nosuchmodule.py").exists()
