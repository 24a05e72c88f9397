"""Pilot tests of the explainer reader (links, history, search) and the catalogue browser (search, filter)."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Select

from tests.support.journeys import demo_app, open_with, settle
from wizard.model import Method
from wizard.ui.commands import explainer_links


def test_explainer_links_are_found_in_order_without_repeats() -> None:
    text = (
        "See [PKCE](explainer:pkce) and [Tokens](explainer:tokens), again [PKCE](explainer:pkce); <https://x>"
    )
    assert explainer_links(text) == ["pkce", "tokens"]


async def test_reader_follows_links_by_keyboard_and_goes_back_and_forward() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_screen("explainers", topic="pkce")
        await settle(pilot)
        reader = app.screen
        assert reader.history == ["pkce"]
        links = explainer_links(reader.text)
        assert links, "the PKCE explainer links to related concepts"
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("enter")  # the first link
        await settle(pilot)
        assert app.screen is reader and reader.history == ["pkce", links[0]]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert reader.position == 0 and "PKCE" in reader.sub_title
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert reader.history[reader.position] == links[0]


async def test_reader_search_narrows_the_topics_and_enter_moves_to_them() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "e", "ExplainersScreen")
        reader = app.screen
        everything = reader.query_one("#topics", OptionList).option_count
        await pilot.press("slash", *"magic link", "enter")
        await settle(pilot)
        topics = reader.query_one("#topics", OptionList)
        assert 0 < topics.option_count < everything
        assert topics.get_option_at_index(0).id == "magic-links"
        assert app.focused is topics
        await pilot.press("enter")
        await settle(pilot)
        assert reader.history[-1] == "magic-links"


async def test_catalogue_filters_by_method_and_search() -> None:
    from wizard.catalogue import load_catalogue

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "c", "CatalogueScreen")
        screen = app.screen
        services = screen.query_one("#services", OptionList)
        everything = services.option_count
        screen.query_one("#method", Select).value = Method.MANAGED_IDENTITY.value
        await settle(pilot)
        shown = [services.get_option_at_index(i).id for i in range(services.option_count)]
        assert 0 < len(shown) < everything
        catalogue = load_catalogue()
        assert all(any(m.method == Method.MANAGED_IDENTITY for m in catalogue.get(s).methods) for s in shown)
        screen.query_one("#method", Select).clear()
        screen.query_one("#search", Input).value = "airtable"
        await settle(pilot)
        assert services.get_option_at_index(0).id == "airtable"
        services.focus()
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExplainersScreen"


async def test_catalogue_detail_leads_with_the_advice_for_the_chosen_hat_and_host() -> None:
    from wizard.advice.methods import advise

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "c", "CatalogueScreen")
        screen = app.screen
        services = screen.query_one("#services", OptionList)
        ids = [services.get_option_at_index(i).id for i in range(services.option_count)]
        services.highlighted = ids.index("azure")
        await settle(pilot)
        assert screen.service_id == "azure"
        before = advise("azure", "client-delivery", "n8n-cloud").ranked[0]
        assert "from n8n-cloud" in screen.text and f"1. **{before.label}**" in screen.text
        screen.query_one("#host", Select).value = "azure"
        await settle(pilot)
        best = advise("azure", "client-delivery", "azure").ranked[0]
        assert best.method == Method.MANAGED_IDENTITY
        assert "from azure" in screen.text and f"1. **{best.label}**" in screen.text
        assert screen.text.index("## Advice") < screen.text.index("## What it supports")
