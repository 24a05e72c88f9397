"""Every explainer parses, has its sections and sources, links resolve, and personalisation works."""

from __future__ import annotations

import pytest

from tests.catalogue.test_catalogue import EXPLAINER_IDS
from wizard import explainer_library as lib


def test_all_forty_required_explainers_exist_and_nothing_else() -> None:
    assert {e.id for e in lib.all_explainers()} == EXPLAINER_IDS


def test_library_is_valid() -> None:
    assert lib.validate_library() == []


@pytest.mark.parametrize("explainer", lib.all_explainers(), ids=lambda e: e.id)
def test_each_explainer_is_complete(explainer: lib.Explainer) -> None:
    assert len(explainer.summary) < 160
    assert "```text" in explainer.sections["What travels where"]
    assert explainer.sections["Pitfalls"].count("- ") >= 2
    assert "{" in explainer.sections["In your setup"], "In your setup uses the workspace"
    assert explainer.sources and all(s.startswith("https://") for s in explainer.sources)
    for source in explainer.sources:
        assert source in explainer.sections["Sources"]


def test_in_your_setup_uses_the_workspace_and_reads_well_without_one(demo_ws) -> None:  # type: ignore[no-untyped-def]
    exp = lib.get("identity-provider")
    mine = lib.fill(exp, demo_ws)
    assert "Northwind Data" in mine and "Org-Data-Engineer" in mine and "Microsoft Entra ID" in mine
    generic = lib.fill(exp, None)
    assert "your IdP" in generic and "{" not in generic.split("## In your setup")[1].split("##")[0]


def test_links_become_markdown_or_plain_titles() -> None:
    exp = lib.get("tokens")
    assert "](explainer:scopes)" in lib.fill(exp, links="markdown")
    assert "explainer:" not in lib.fill(exp, links="plain")


def test_search_finds_concepts_by_their_words() -> None:
    assert lib.search("code verifier")[0].explainer.id == "pkce"
    assert "supabase-keys" in [r.explainer.id for r in lib.search("row-level security")[:3]]
    assert lib.search("zzzz-nothing") == []


@pytest.mark.parametrize(("text", "line"), [
    ("no front matter\n", 1),
    ("---\nid: x\ntitle: X\n", 1),
    ("---\nid: x\nwrong key\n---\n", 3),
])
def test_malformed_files_name_file_and_line(text: str, line: int) -> None:
    with pytest.raises(lib.ExplainerError) as info:
        lib.parse(text, "explainers/x.md")
    assert f"explainers/x.md:{line}" in str(info.value)


def test_missing_section_is_reported() -> None:
    text = ("---\nid: x\ntitle: X\nsummary: s\nrelated: []\nsources: [https://e.org]\n---\n"
            "## In plain words\nhi\n")
    with pytest.raises(lib.ExplainerError, match="What travels where"):
        lib.parse(text, "explainers/x.md")


def test_cli_list_show_search_and_unknown(run_cli) -> None:  # type: ignore[no-untyped-def]
    listing = run_cli("explain", "--list")
    assert listing.code == 0 and len(listing.out.splitlines()) == 40
    shown = run_cli("explain", "pkce", "--plain", "--demo")
    assert shown.code == 0 and "code verifier" in shown.out and "Northwind" not in shown.out.split("##")[0]
    assert run_cli("explain", "--search", "lighthouse").out.startswith("delegated-admin")
    bad = run_cli("explain", "pkse")
    assert bad.code == 2 and "pkce" in bad.err


def test_every_catalogue_and_audit_explainer_exists() -> None:
    from wizard.catalogue import load_catalogue

    for s in load_catalogue().services.values():
        for e in s.explainers:
            assert lib.exists(e), (s.id, e)
