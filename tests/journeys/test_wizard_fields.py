"""Pilot tests of the wizard's question widgets: list editor, switch, problems as you type, the pane."""

from __future__ import annotations

from textual.widgets import Input, RadioSet, SelectionList, Switch, TextArea

from tests.support.journeys import demo_app, settle
from wizard.ui.widgets.explain_pane import ExplainPane
from wizard.ui.widgets.question_field import QuestionField


async def open_step(pilot, flow_id: str, step_id: str):  # type: ignore[no-untyped-def]
    """Open a flow at one of its steps (moving the runner there directly)."""
    await settle(pilot)
    pilot.app.open_screen("wizard", flow_id=flow_id, restart=True)
    await settle(pilot)
    screen = pilot.app.screen
    while screen.runner.step_id != step_id:
        screen.runner.index += 1
        await screen.render_step()
        await settle(pilot)
    return screen


async def test_each_kind_gets_its_widget() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "first-setup", "about")
        assert screen.query_one("#q-name Input", Input)
        assert screen.query_one("#q-hats SelectionList", SelectionList)
        screen = await open_step(pilot, "groups", "roles")
        assert screen.query_one("#q-template RadioSet", RadioSet)
        assert screen.query_one("#q-roles TextArea", TextArea)
        screen = await open_step(pilot, "supabase", "supabase")
        assert screen.query_one("#q-azure Switch", Switch)


async def test_list_editor_takes_one_item_per_line_and_feeds_the_preview() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "groups", "roles")
        editor = screen.query_one("#q-roles TextArea", TextArea)
        editor.focus()
        editor.text = ""
        await pilot.press(*"Data-Steward", "enter", *"Auditor", "enter", "enter")
        await settle(pilot)
        field = screen.query_one("#q-roles", QuestionField)
        assert field.value == ["Data-Steward", "Auditor"]  # blank lines are not items
        preview = str(screen.query_one("#preview").render())
        assert "Data-Steward" in preview and "Auditor" in preview
        assert app.screen.query_one(ExplainPane).explainer_id == "group-types"


async def test_a_secret_typed_into_a_field_is_flagged_before_next_and_never_echoed() -> None:
    app = demo_app()
    canary = "ghp_" + "Zq8" * 12
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "naming", "convention")
        field = screen.query_one("#q-prefix", QuestionField)
        field.query_one(Input).focus()
        await pilot.press(*canary)
        await pilot.pause(0.4)
        await settle(pilot)
        problem = str(field.query_one(".problem").render())
        assert "secret" in problem and canary not in problem
        assert field.has_class("has-problem")
        assert canary not in str(screen.query_one("#preview").render())
        field.query_one(Input).value = "NW-"
        await pilot.pause(0.4)
        await settle(pilot)
        assert str(field.query_one(".problem").render()) == "" and not field.has_class("has-problem")


async def test_a_rule_broken_as_you_type_shows_the_rule() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "naming", "convention")
        field = screen.query_one("#q-max_length", QuestionField)
        field.query_one(Input).value = "not a number"
        await pilot.pause(0.4)
        await settle(pilot)
        assert str(field.query_one(".problem").render())


async def test_switch_answers_a_confirm_question() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "supabase", "supabase")
        field = screen.query_one("#q-azure", QuestionField)
        before = field.value
        field.query_one(Switch).focus()
        await pilot.press("space")
        await settle(pilot)
        assert field.value is (not before)


async def test_back_returns_to_the_previous_step_with_its_answers() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "first-setup", "about")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.runner.step_id == "interview"
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert screen.runner.step_id == "about"
        assert screen.query_one("#q-name Input", Input).value == "Northwind Data"
