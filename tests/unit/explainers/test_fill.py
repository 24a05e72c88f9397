"""Personalisation: "In your setup" filled from the demo workspace with its real names, and generic without one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.unit.explainers.conftest import FIRST_HALF, ISSUE_19_IDS
from wizard import explainer_library as lib
from wizard.demo import DEMO_TODAY
from wizard.model import Workspace

SNAPSHOT = Path(__file__).parent / "snapshots" / "in_your_setup_demo.md"


def setup_section(markdown: str) -> str:
    return markdown.split("## In your setup\n", 1)[1].split("\n## ", 1)[0].strip()


def test_identity_provider_names_the_demo_idp_group_and_consultancy(demo_ws: Workspace) -> None:
    text = setup_section(lib.fill(lib.get("identity-provider"), demo_ws, today=DEMO_TODAY))
    group = next(g.name for g in demo_ws.groups if not g.admin)
    admin = next(g.name for g in demo_ws.groups if g.admin)
    assert group in text and admin in text
    assert demo_ws.consultancy.name in text and demo_ws.consultancy.home_tenant in text
    assert "Microsoft Entra ID" in text


@pytest.mark.parametrize("explainer_id", FIRST_HALF + ISSUE_19_IDS)
def test_first_half_and_issue_19_setup_changes_with_the_workspace(
    explainer_id: str, demo_ws: Workspace
) -> None:
    exp = lib.get(explainer_id)
    mine = setup_section(lib.fill(exp, demo_ws, today=DEMO_TODAY))
    generic = setup_section(lib.fill(exp, None))
    assert mine != generic
    assert "{" not in mine and "{" not in generic


@pytest.mark.parametrize("explainer", lib.all_explainers(), ids=lambda e: e.id)
def test_no_placeholder_is_left_unfilled(explainer: lib.Explainer, demo_ws: Workspace) -> None:
    for ws in (demo_ws, None):
        assert not re.search(r"\{[A-Za-z0-9_]+\}", setup_section(lib.fill(explainer, ws, today=DEMO_TODAY)))


def test_generic_setup_reads_as_advice_not_as_someone_elses_data() -> None:
    text = setup_section(lib.fill(lib.get("identity-provider"), None))
    assert "your IdP" in text and "your consultancy" in text and "your tenant" in text


def test_inventory_lists_follow_the_given_date(demo_ws: Workspace) -> None:
    soon = lib.setup_values(demo_ws, DEMO_TODAY)["expiring"]
    assert soon != "nothing in the next 30 days"
    far_future = lib.setup_values(demo_ws, DEMO_TODAY.replace(year=DEMO_TODAY.year - 20))["expiring"]
    assert far_future == "nothing in the next 30 days"


def test_links_become_markdown_links_or_plain_titles() -> None:
    exp = lib.get("pkce")
    assert "[Authorization code flow](explainer:authorization-code-flow)" in lib.fill(exp)
    plain = lib.fill(exp, links="plain")
    assert "explainer:" not in plain and "[[" not in plain and "Authorization code flow" in plain


def test_pane_text_is_personalised_too(demo_ws: Workspace) -> None:
    pane = lib.pane_text(lib.get("workload-identity-federation"), demo_ws, today=DEMO_TODAY)
    assert any(sp.name in pane for sp in demo_ws.service_principals)
    assert "[[" not in pane


def render_snapshot(ws: Workspace) -> str:
    parts = [
        f"### {i}\n\n{setup_section(lib.fill(lib.get(i), ws, links='plain', today=DEMO_TODAY))}\n"
        for i in FIRST_HALF
    ]
    return "\n".join(parts)


def test_in_your_setup_with_the_demo_matches_the_snapshot(
    demo_ws: Workspace, request: pytest.FixtureRequest
) -> None:
    rendered = render_snapshot(demo_ws)
    update = os.environ.get("IDSPINE_UPDATE_SNAPSHOTS") or request.config.getoption(
        "--snapshot-update", default=False
    )
    if update or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8"), (
        "In your setup changed; review it, then rerun with IDSPINE_UPDATE_SNAPSHOTS=1"
    )
