"""Every wizard step opens at 80x24 with its first question in view (label and field), even after a long intro."""

from __future__ import annotations

from textual.containers import VerticalScroll

from flows import FLOWS, get_flow
from tests.support.journeys import demo_app, settle
from wizard.ui.widgets.question_field import QuestionField


async def test_each_step_opens_with_its_first_question_visible() -> None:
    problems: list[str] = []
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for flow_id in FLOWS:
            app.open_screen("wizard", flow_id=flow_id, restart=True)  # type: ignore[attr-defined]
            await settle(pilot)
            screen = app.screen
            runner = screen.runner
            ids = [s.id for s in get_flow(flow_id).steps(app.state.workspace)]  # type: ignore[attr-defined]
            for index in range(len(ids)):
                scroll = screen.query_one("#step-scroll", VerticalScroll)
                scroll.scroll_end(animate=False)  # as if the previous step had been read to its end
                await pilot.pause()
                runner.index = index
                await screen.render_step()
                await settle(pilot)
                fields = list(screen.query(QuestionField))
                if not fields:
                    continue
                first, view = fields[0].region, scroll.content_region
                label_row = first.y
                field_bottom = first.y + min(first.height, 4)  # the label and the top of its widget
                if not (view.y <= label_row and field_bottom <= view.y + view.height):
                    problems.append(
                        f"{flow_id} step {index + 1} ({ids[index]}): first question at rows "
                        f"{label_row}-{field_bottom}, view {view.y}-{view.y + view.height}"
                    )
            app.pop_screen()
            await settle(pilot)
    assert not problems, "\n".join(problems)


async def test_question_labels_and_options_are_shown_whole_at_80x24() -> None:
    """Prompts and choice labels wrap onto more lines instead of being cut (no '(option' or 'E…')."""
    from textual.geometry import Region
    from textual.widgets import Label, RadioButton

    def shown(widget) -> str:  # type: ignore[no-untyped-def]
        width, height = widget.region.size  # padding included
        return " ".join(s.text.strip() for s in widget.render_lines(Region(0, 0, width, height))).strip()

    problems: list[str] = []
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for flow_id in FLOWS:
            app.open_screen("wizard", flow_id=flow_id, restart=True)  # type: ignore[attr-defined]
            await settle(pilot)
            screen = app.screen
            for index in range(screen.runner.total):
                screen.runner.index = index
                await screen.render_step()
                await settle(pilot)
                for label in screen.query(".prompt").results(Label):
                    want = " ".join(str(label.content).split())
                    if " ".join(shown(label).split()) != want:
                        problems.append(f"{flow_id} {index + 1}: prompt {want!r} shown as {shown(label)!r}")
                for button in screen.query(RadioButton):
                    want = " ".join(str(button.label).split())
                    got = " ".join(shown(button).split())
                    if want not in got:
                        problems.append(f"{flow_id} {index + 1}: option {want!r} shown as {got!r}")
            app.pop_screen()
            await settle(pilot)
    assert not problems, "\n".join(problems[:20])
