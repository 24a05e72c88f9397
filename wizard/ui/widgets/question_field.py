"""One question of a flow step as a widget: its prompt, the right input for its kind, and its problem line.

choice → RadioSet, multi → SelectionList, text → Input, list → a one-item-per-line editor (TextArea),
confirm → Switch. Text and list answers are checked as you type (secret values, the question's own rules);
"an answer is needed" waits for Next.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.timer import Timer
from textual.widgets import Input, Label, RadioButton, RadioSet, SelectionList, Static, Switch, TextArea

from wizard.steps import SECRET_MESSAGE, Answer, Kind, Question, normalise
from wizard.ui.markup import plain

LIVE_CHECK_DELAY = 0.15  # seconds of quiet typing before the answer is checked


def live_problem(question: Question, raw: Answer | None) -> str:
    """The problem with a half-typed answer, or '' (never repeats the answer; emptiness is not a problem yet)."""
    from wizard.secrets.guard import find_secret_kind

    value = normalise(question, raw)
    texts = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    if any(find_secret_kind(str(t)) for t in texts):
        return SECRET_MESSAGE
    if question.validate is None or value in (None, "", []):
        return ""
    try:
        return "; ".join(question.validate(value))
    except (ValueError, TypeError, KeyError):
        return ""


class WrappingRadioButton(RadioButton):
    """A radio button whose long label wraps onto more lines (at a word) instead of ending in '…'."""

    def render(self) -> Content:
        return super().render().rstrip()  # no trailing pad: it would turn a line that just fits into '…'

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.render().wrap(width))) if width > 0 else 1


class QuestionField(Vertical):
    """A question with its input; `value` reads the answer in the engine's terms."""

    DEFAULT_CSS = """
    QuestionField { height: auto; margin-bottom: 1; }
    QuestionField .prompt { text-style: bold; }
    QuestionField .help { color: $text-muted; }
    QuestionField .problem { color: $text-error; height: auto; }
    QuestionField SelectionList { height: auto; max-height: 10; }
    QuestionField RadioSet { height: auto; }
    QuestionField TextArea { height: auto; min-height: 3; max-height: 10; }
    QuestionField .confirm-row { height: auto; }
    QuestionField .confirm-row Label { padding: 1 1; }
    QuestionField.has-problem Input, QuestionField.has-problem TextArea { border: tall $error; }
    """

    def __init__(self, question: Question, value: Answer | None):
        super().__init__(id=f"q-{question.id.replace('.', '-')}")
        self.question = question
        self.initial = value if value is not None else question.default
        self._check_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        q = self.question
        if q.kind != Kind.CONFIRM:
            yield Label(plain(q.prompt + ("" if q.required else "  (optional)")), classes="prompt")
        if q.kind == Kind.CHOICE:
            with RadioSet():
                for opt in q.options:
                    label = f"{opt.label}" + (f" — {opt.hint}" if opt.hint and len(opt.hint) < 60 else "")
                    yield WrappingRadioButton(plain(label), value=opt.value == self.initial, name=opt.value)
        elif q.kind == Kind.MULTI:
            chosen = set(self.initial) if isinstance(self.initial, list) else set()
            yield SelectionList[str](*[(plain(o.label), o.value, o.value in chosen) for o in q.options])
        elif q.kind == Kind.CONFIRM:
            with Horizontal(classes="confirm-row"):
                yield Switch(value=bool(self.initial))
                yield Label(plain(q.prompt), classes="prompt")
        elif q.kind == Kind.LIST:
            found = self.initial if isinstance(self.initial, list) else normalise(q, self.initial)
            items = found if isinstance(found, list) else []
            yield TextArea(
                "\n".join(map(str, items)),
                soft_wrap=True,
                tab_behavior="focus",
                placeholder=(q.placeholder or "one per line").replace(", ", "\n"),
            )
        else:
            text = ", ".join(self.initial) if isinstance(self.initial, list) else str(self.initial or "")
            yield Input(value=text, placeholder=q.placeholder)
        if q.help:
            yield Static(plain(q.help), classes="help", markup=False)
        if q.kind == Kind.LIST and "per line" not in q.help:
            yield Static("One per line: enter starts the next one, tab moves on.", classes="help")
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
            return self.query_one(Switch).value
        if q.kind == Kind.LIST:
            return [line.strip() for line in self.query_one(TextArea).text.splitlines() if line.strip()]
        return self.query_one(Input).value

    def show_problem(self, message: str) -> None:
        """Show (or clear, with '') the problem with this answer; a pending check as-you-type is dropped."""
        if self._check_timer is not None:
            self._check_timer.stop()
            self._check_timer = None
        self._show(message)

    def _show(self, message: str) -> None:
        self.query_one(".problem", Static).update(plain(message))
        self.set_class(bool(message), "has-problem")

    def on_input_changed(self) -> None:
        self._schedule_check()

    def on_text_area_changed(self) -> None:
        self._schedule_check()

    def _schedule_check(self) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(LIVE_CHECK_DELAY, self.check_now)

    def check_now(self) -> None:
        """Check the answer as it stands and show its problem (or clear a fixed one)."""
        self._check_timer = None
        self._show(live_problem(self.question, self.value))
