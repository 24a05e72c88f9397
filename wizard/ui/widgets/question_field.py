"""One question of a flow step as a widget: its prompt, the right input for its kind, and its problem line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, SelectionList, Static

from wizard.steps import Answer, Kind, Question


class QuestionField(Vertical):
    """A question with its input; `value` reads the answer in the engine's terms."""

    DEFAULT_CSS = """
    QuestionField { height: auto; margin-bottom: 1; }
    QuestionField .prompt { text-style: bold; }
    QuestionField .help { color: $text-muted; }
    QuestionField .problem { color: $text-error; height: auto; }
    QuestionField SelectionList { height: auto; max-height: 10; }
    QuestionField RadioSet { height: auto; }
    """

    def __init__(self, question: Question, value: Answer | None):
        super().__init__(id=f"q-{question.id.replace('.', '-')}")
        self.question = question
        self.initial = value if value is not None else question.default

    def compose(self) -> ComposeResult:
        q = self.question
        if q.kind != Kind.CONFIRM:
            yield Label(q.prompt + ("" if q.required else "  (optional)"), classes="prompt")
        if q.kind == Kind.CHOICE:
            with RadioSet():
                for opt in q.options:
                    label = f"{opt.label}" + (f" — {opt.hint}" if opt.hint and len(opt.hint) < 60 else "")
                    yield RadioButton(label, value=opt.value == self.initial, name=opt.value)
        elif q.kind == Kind.MULTI:
            chosen = set(self.initial or [])  # type: ignore[arg-type]
            yield SelectionList[str](*[(o.label, o.value, o.value in chosen) for o in q.options])
        elif q.kind == Kind.CONFIRM:
            yield Checkbox(q.prompt, value=bool(self.initial))
        else:
            text = ", ".join(self.initial) if isinstance(self.initial, list) else str(self.initial or "")
            yield Input(value=text, placeholder=q.placeholder or ("comma, separated" if q.kind == Kind.LIST else ""))
        if q.help:
            yield Static(q.help, classes="help", markup=False)
        yield Static("", classes="problem", markup=False)

    @property
    def value(self) -> Answer | None:
        """The current answer (the initial one until the input widgets are mounted)."""
        from textual.css.query import NoMatches

        try:
            return self._read()
        except NoMatches:
            return self.initial

    def _read(self) -> Answer | None:
        q = self.question
        if q.kind == Kind.CHOICE:
            pressed = self.query_one(RadioSet).pressed_button
            return pressed.name if pressed is not None else None
        if q.kind == Kind.MULTI:
            return list(self.query_one(SelectionList).selected)
        if q.kind == Kind.CONFIRM:
            return self.query_one(Checkbox).value
        return self.query_one(Input).value

    def show_problem(self, message: str) -> None:
        """Show (or clear, with '') the problem with this answer."""
        self.query_one(".problem", Static).update(message)
        self.set_class(bool(message), "has-problem")
