"""The wizard screen: renders any flow's current step, with Back/Next, progress and the explanation pane."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button, Header, ProgressBar, Static

from flows import get_flow
from wizard.flow_runner import FlowRunner
from wizard.steps import Answers, StepProblems
from wizard.ui.markup import esc as escape
from wizard.ui.markup import plain
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.explain_pane import ExplainPane
from wizard.ui.widgets.footer import Footer
from wizard.ui.widgets.question_field import QuestionField


class WizardScreen(IdspineScreen[None]):
    """One guided flow, step by step."""

    CSS_PATH = "wizard.tcss"
    HELP_TITLE = "Wizard"
    HELP_TEXT = (
        "Answer the questions of each step; the pane on the right explains the focused question in "
        "plain words, using your own names. Nothing leaves your machine until you apply a plan."
    )
    BINDINGS = [
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+b", "back", "Back"),
        Binding("f2", "toggle_pane", "Pane"),  # short words: the footer must fit 80 columns
        Binding("f3", "open_explainer", "Explainer"),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, flow_id: str, restart: bool = False):
        super().__init__()
        self.flow_id = flow_id
        self.restart = restart
        self.runner: FlowRunner | None = None

    def compose(self) -> ComposeResult:
        state = self.workspace_state
        self.runner = FlowRunner(get_flow(self.flow_id), state.workspace, restart=self.restart)
        yield Header()
        with Horizontal(id="wizard-body"):
            with Vertical(id="step-column"):
                yield Static(id="step-title")
                yield ProgressBar(total=self.runner.total, show_eta=False, id="step-progress")
                with VerticalScroll(id="step-scroll"):
                    yield Static(id="step-intro", classes="muted", markup=False)
                    yield Vertical(id="questions")
                    yield Static(id="preview", classes="panel", markup=False)  # answers may hold [ ]
                with Horizontal(id="step-buttons"):
                    yield Button("Back", id="back")
                    yield Button("Next", id="next", variant="primary")
            yield ExplainPane(state.workspace, id="pane")
        yield Footer()

    async def on_mount(self) -> None:
        await self.render_step()

    async def render_step(self) -> None:
        """Show the runner's current step."""
        runner = self._runner
        step = runner.step
        flow = runner.flow
        self.query_one("#step-title", Static).update(
            f"[b]{escape(flow.title)}[/b] — {runner.label}: {escape(step.title)}"
        )
        bar = self.query_one("#step-progress", ProgressBar)
        bar.display = runner.total > 1  # "Step 1 of 1" says it all
        bar.update(progress=runner.index + (1 if runner.completed else 0))
        self.query_one("#step-intro", Static).update(plain(step.intro))
        box = self.query_one("#questions", Vertical)
        await box.remove_children()
        saved = runner.saved_answers(step)
        await box.mount_all([QuestionField(q, saved.get(q.id)) for q in step.questions])
        self.query_one("#back", Button).disabled = runner.index == 0
        self.query_one("#next", Button).label = "Finish" if runner.index + 1 == runner.total else "Next"
        first = self._first_focusable()
        # the pane shows what it will follow, and the first question has the focus, before the first frame:
        # showing the step's explainer, then the question's after a refresh, laid out and painted twice
        self.query_one(ExplainPane).show(first[0].question.explainer if first else step.explainer)
        if first:
            self.set_focus(first[1], scroll_visible=False)  # now: `focus()` waits a message, after a frame
        self.call_after_refresh(self._focus_first)
        self.update_preview()

    def _first_focusable(self) -> tuple[QuestionField, Widget] | None:
        """The first question and its first focusable widget (what `_focus_first` focuses)."""
        fields = list(self.query(QuestionField))
        widgets = [w for w in fields[0].query("*") if w.can_focus] if fields else []
        return (fields[0], widgets[0]) if widgets else None

    def _focus_first(self) -> None:
        """Open the step at its top, moved down just enough that the first question (label and field) shows."""
        scroll = self.query_one("#step-scroll", VerticalScroll)
        scroll.scroll_home(animate=False, immediate=True)  # not where the previous step was left
        fields = list(self.query(QuestionField))
        if fields:
            first = fields[0]
            widgets = [w for w in first.query("*") if w.can_focus]
            if widgets:
                widgets[0].focus(scroll_visible=False)
            view, region = scroll.content_region, first.region
            if region.y + min(region.height, 4) > view.bottom:  # a long intro pushed it below the fold
                scroll.scroll_to_widget(first, animate=False, top=True, immediate=True)

    @property
    def _runner(self) -> FlowRunner:
        assert self.runner is not None
        return self.runner

    def answers(self) -> Answers:
        """The answers currently entered."""
        return {f.question.id: f.value for f in self.query(QuestionField) if f.value is not None}

    def update_preview(self) -> None:
        """Refresh the live preview (e.g. generated names) from the answers on screen."""
        text = self._runner.preview(self.answers())
        preview = self.query_one("#preview", Static)
        preview.display = bool(text)
        preview.border_title = "Preview"
        preview.update(plain(text or ""))

    def on_input_changed(self) -> None:
        self.update_preview()

    def on_radio_set_changed(self) -> None:
        self.update_preview()

    def on_selection_list_selected_changed(self) -> None:
        self.update_preview()

    def on_text_area_changed(self) -> None:
        self.update_preview()

    def on_switch_changed(self) -> None:
        self.update_preview()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The pane follows the focused question."""
        node: DOMNode | None = event.widget
        while node is not None and not isinstance(node, QuestionField):
            node = node.parent
        if isinstance(node, QuestionField):
            self.query_one(ExplainPane).show(node.question.explainer)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            await self.action_next()
        elif event.button.id == "back":
            await self.action_back()

    async def action_next(self) -> None:
        """Validate and apply the step, then show the next one (or finish)."""
        runner = self._runner
        for f in self.query(QuestionField):
            f.show_problem("")
        try:
            ws = runner.submit(self.answers())
        except StepProblems as problems:
            for qid, message in problems.problems.items():
                fields = [f for f in self.query(QuestionField) if f.question.id == qid]
                if fields:
                    fields[0].show_problem(message)
                else:
                    self.notify(escape(message), severity="error")
            return
        state = self.workspace_state
        state.workspace = ws  # marks it changed until the save below has written it
        self.query_one(ExplainPane).ws = ws
        self._say_what_was_replaced()
        self.idspine.save_workspace()
        if runner.completed:
            self.notify(
                f"{runner.flow.title}: done. The plan is saved; the checklist lists what stays manual.",
                title="Finished",
            )
            self.dismiss()
            return
        await self.render_step()

    def _say_what_was_replaced(self) -> None:
        """After a changed answer: what the old answer had produced and is now gone or listed for retirement."""
        runner = self._runner
        planned = [s for s in runner.replaced if not s.startswith("checklist:")]
        if not planned and not runner.to_retire:
            return
        parts = []
        if planned:
            names = ", ".join(s.split(":", 1)[1] for s in planned[:3]) + (" …" if len(planned) > 3 else "")
            parts.append(
                f"removed {len(planned)} planned entr{'y' if len(planned) == 1 else 'ies'} ({escape(names)})"
            )
        if runner.to_retire:
            parts.append(
                f"{len(runner.to_retire)} already applied for real stay until you retire them "
                "(see the checklist)"
            )
        self.notify("Your changed answer " + "; ".join(parts) + ".", title="Plan updated", timeout=8)

    async def action_back(self) -> None:
        """Previous step."""
        self._runner.back()
        await self.render_step()

    def action_toggle_pane(self) -> None:
        """Show or hide the explanation pane."""
        self.query_one(ExplainPane).toggle_class("hidden")

    def action_open_explainer(self) -> None:
        """Open the pane's explainer in the full reader."""
        topic = self.query_one(ExplainPane).explainer_id
        self.idspine.open_screen("explainers", topic=topic)

    def action_leave(self) -> None:
        """Back to where the wizard was opened from; progress so far is kept."""
        self.dismiss()
