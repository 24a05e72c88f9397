"""The explainer file format: every file on disk parses, and malformed files fail naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.explainers.conftest import EXPLAINER_DIR, FIRST_HALF, ISSUE_19_IDS, REQUIRED_IDS
from wizard import explainer_library as lib

FILES = sorted(EXPLAINER_DIR.glob("*.md"))

GOOD = (
    "---\nid: x-y\ntitle: X\nsummary: s\nrelated: [pkce]\nsources: [https://e.org/a]\n---\n"
    "## In plain words\nwords\n## What travels where\n```text\n a ──▶ b\n```\n"
    "## Pitfalls\n- one\n- two\n## In your setup\n{idp_name}\n## Sources\n- https://e.org/a\n"
)


def test_every_required_explainer_is_present() -> None:
    assert {f.stem for f in FILES} >= REQUIRED_IDS


def test_library_loads_exactly_the_files_on_disk() -> None:
    assert {e.id for e in lib.all_explainers()} == {f.stem for f in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_file_parses_with_every_section(path: Path) -> None:
    exp = lib.parse(path.read_text(encoding="utf-8"), f"explainers/{path.name}")
    assert exp.id == path.stem
    assert set(exp.sections) == set(lib.SECTIONS)
    assert all(exp.sections[name].strip() for name in lib.SECTIONS)
    assert "\n" not in exp.summary and len(exp.summary) < 160


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_file_relates_only_to_existing_explainers(path: Path) -> None:
    exp = lib.parse(path.read_text(encoding="utf-8"), f"explainers/{path.name}")
    on_disk = {f.stem for f in FILES}
    assert exp.related and set(exp.related) <= on_disk - {exp.id}
    assert set(lib.LINK.findall(" ".join(exp.sections.values()))) <= on_disk


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_diagram_is_a_text_block_that_fits_76_columns(path: Path) -> None:
    diagram = lib.parse(path.read_text(encoding="utf-8")).sections["What travels where"].splitlines()
    assert diagram[0] == "```text" and diagram[-1] == "```"
    assert max(len(line) for line in diagram) <= lib.DIAGRAM_WIDTH


@pytest.mark.parametrize("explainer_id", FIRST_HALF + ISSUE_19_IDS)
def test_first_half_and_issue_19_are_40_to_90_lines_with_several_sources(explainer_id: str) -> None:
    text = (EXPLAINER_DIR / f"{explainer_id}.md").read_text(encoding="utf-8")
    assert 40 <= len(text.splitlines()) <= 90
    exp = lib.parse(text)
    assert len(exp.sources) >= 2
    assert exp.sections["Pitfalls"].count("\n- ") >= 3


def test_library_validation_is_clean() -> None:
    assert lib.validate_library() == []


def test_a_well_formed_file_parses() -> None:
    exp = lib.parse(GOOD, "explainers/x-y.md")
    assert exp.id == "x-y" and exp.related == ("pkce",) and exp.sources == ("https://e.org/a",)


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("---\nid: x-y", "id: x-y", 1, "must start"),
        ("sources: [https://e.org/a]\n---\n", "sources: [https://e.org/a]\n", 1, "not closed"),
        ("title: X\n", "title: X\ntitle: Y\n", 4, "twice"),
        ("summary: s\n", "summary:\n", 4, "empty"),
        ("id: x-y\n", "id: X_Y\n", 2, "lower-case"),
        ("related: [pkce]", "related: pkce", 5, "list"),
        ("related: [pkce]", "related: [Not An Id]", 5, "not an explainer id"),
        ("sources: [https://e.org/a]", "sources: []", 6, "at least one source"),
        ("summary: s\n", "summary: s\nauthor: me\n", 5, "expected one of"),
        ("## Pitfalls\n", "## Pitfals\n", 14, "unknown section"),
        ("## In plain words\nwords\n", "stray\n## In plain words\nwords\n", 8, "before the first"),
        ("## Pitfalls\n- one\n- two\n", "## Pitfalls\n\n", 14, "empty"),
        ("```\n## Pitfalls", "## Pitfalls", 11, "never closed"),
        ("## In your setup\n{idp_name}\n", "", 18, "'## In your setup' is missing"),
        (
            "## Sources\n- https://e.org/a\n",
            "## Sources\n- https://e.org/a\n## Sources\nagain\n",
            21,
            "twice",
        ),
    ],
)
def test_malformed_files_fail_naming_file_and_line(old: str, new: str, line: int, words: str) -> None:
    assert old in GOOD
    with pytest.raises(lib.ExplainerError) as info:
        lib.parse(GOOD.replace(old, new, 1), "explainers/x-y.md")
    assert f"explainers/x-y.md:{line}:" in str(info.value)
    assert words in str(info.value)


def test_a_heading_inside_a_fenced_block_is_not_a_section() -> None:
    text = GOOD.replace(" a ──▶ b\n", " a ──▶ b\n## Pitfalls (inside the diagram)\n")
    exp = lib.parse(text)
    assert "## Pitfalls (inside the diagram)" in exp.sections["What travels where"]
    assert exp.sections["Pitfalls"] == "- one\n- two"


def _validate_with(monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    exp = lib.parse(text, "explainers/x-y.md")
    other = lib.parse(GOOD.replace("id: x-y", "id: pkce").replace("[pkce]", "[x-y]"), "explainers/pkce.md")
    library = {"x-y": exp, "pkce": other}
    monkeypatch.setattr(lib, "_library", lambda: library)
    return lib.validate_library()


def test_validation_reports_each_kind_of_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _validate_with(monkeypatch, GOOD) == []
    bad = (
        GOOD.replace("related: [pkce]", "related: [pkce, nowhere, x-y]")
        .replace("\nwords\n", "\nsee [[missing-one]]\n")
        .replace("{idp_name}", "{idp_name} and {no_such_value}")
        .replace(" a ──▶ b\n", " a " + "─" * 80 + "▶ b\n")
        .replace("sources: [https://e.org/a]", "sources: [https://e.org/a, http://plain.org]")
    )
    problems = "\n".join(_validate_with(monkeypatch, bad))
    for expected in (
        "related id 'nowhere' does not exist",
        "lists itself",
        "[[missing-one]] goes nowhere",
        "{no_such_value}",
        "wider than 76",
        "'http://plain.org' is not an https",
        "http://plain.org is not listed",
    ):
        assert expected in problems
    assert problems.count("explainers/x-y.md") == 7


def test_validation_wants_the_diagram_fenced(monkeypatch: pytest.MonkeyPatch) -> None:
    unfenced = GOOD.replace("```text\n a ──▶ b\n```\n", " a ──▶ b\n")
    assert _validate_with(monkeypatch, unfenced) == [
        "explainers/x-y.md: 'What travels where' must be one ```text fenced block"
    ]
