"""The step engine's types: flows made of typed questions, and the checks every answer gets.

A flow (in `flows/`) is an ordered list of `StepDef`s. Each builds its `Step` from the current workspace (so
later questions can depend on earlier answers), may check the answers (`validate`, returning messages per
question), applies them to a copy of the workspace, and may render a live preview. `wizard.flow_runner`
drives one flow step by step; `flows.FLOWS` lists the flows. No Textual here: the UI renders `Step`s, and
tests drive flows as plain Python.

Public API: Kind, Option, Question (.choices), Step (.explainers), StepProblems, StepDef, Flow, FlowProtocol,
check_answers(), normalise(), flow_answers().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from wizard.model import Workspace
from wizard.secrets.guard import find_secret_kind

Answer = str | list[str] | bool
Answers = dict[str, Answer]

SECRET_MESSAGE = (
    "this looks like a secret value; idspine never stores secrets. Put it in your secret store "
    "and enter a reference such as env:NAME or keyvault://vault/name"
)


class Kind(StrEnum):
    """What sort of answer a question takes."""

    CHOICE = "choice"  # one of the options
    MULTI = "multi"  # any subset of the options
    TEXT = "text"  # one line of text
    LIST = "list"  # several lines of text
    CONFIRM = "confirm"  # yes / no


@dataclass(frozen=True)
class Option:
    """One option of a choice or multi-choice question: the stored value, its label and a short hint."""

    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Question:
    """A typed question tied to the explainer that teaches its concept.

    `validate` (text and list questions) receives the normalised answer and returns problem messages; the
    messages must describe the problem without repeating the answer.
    """

    id: str
    prompt: str
    kind: Kind
    explainer: str
    options: tuple[Option, ...] = ()
    default: Answer | None = None
    help: str = ""
    placeholder: str = ""
    required: bool = True
    validate: Callable[[Answer], list[str]] | None = field(default=None, compare=False, repr=False)

    @property
    def choices(self) -> tuple[tuple[str, str, str], ...]:
        """The options as (value, label, hint) triples."""
        return tuple((o.value, o.label, o.hint) for o in self.options)


@dataclass(frozen=True)
class Step:
    """One screen of a flow."""

    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    explainer: str  # the step's main concept

    def question(self, qid: str) -> Question:
        """The question with this id."""
        return next(q for q in self.questions if q.id == qid)

    @property
    def explainers(self) -> tuple[str, ...]:
        """Every explainer this step links to: the step's own first, then each question's, without repeats."""
        return tuple(dict.fromkeys([self.explainer, *(q.explainer for q in self.questions)]))


class StepProblems(Exception):
    """Answers that cannot be accepted, per question id (messages never repeat a secret)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


Builder = Callable[[Workspace], Step]
Applier = Callable[[Workspace, Answers], Workspace]
Previewer = Callable[[Workspace, Answers], str | None]
Validator = Callable[[Workspace, Answers], dict[str, str]]


@dataclass(frozen=True)
class StepDef:
    """How a flow builds, validates, applies and previews one step.

    `apply` gets a deep copy of the workspace and may change it in place; it raises StepProblems for answers
    that only turn out wrong in context. It must be idempotent: applying the same answers twice adds nothing.
    """

    id: str
    build: Builder
    apply: Applier
    preview: Previewer | None = None
    validate: Validator | None = None


@runtime_checkable
class FlowProtocol(Protocol):
    """What the runner and the UI need from a flow."""

    id: str
    title: str
    summary: str

    def step_ids(self) -> list[str]:
        """The steps' ids, in order."""
        ...

    def steps(self, ws: Workspace) -> list[Step]:
        """Every step as it looks for this workspace."""
        ...

    def build(self, ws: Workspace, step_id: str) -> Step:
        """One step as it looks for this workspace."""
        ...

    def validate(self, ws: Workspace, step_id: str, answers: Answers) -> dict[str, str]:
        """Problems with (already type-checked) answers, per question id."""
        ...

    def apply(self, ws: Workspace, step_id: str, answers: Answers) -> Workspace:
        """The workspace with the answers applied (or StepProblems)."""
        ...

    def preview(self, ws: Workspace, step_id: str, answers: Answers) -> str | None:
        """A live preview of what the answers would produce, if the step has one."""
        ...

    def review(self, ws: Workspace) -> str:
        """A plain-text summary of what the flow has planned so far."""
        ...


@dataclass
class Flow:
    """A guided flow: an ordered list of step definitions (implements FlowProtocol)."""

    id: str
    title: str
    summary: str
    step_defs: list[StepDef] = field(default_factory=list)
    review_text: Callable[[Workspace], str] | None = None

    def __post_init__(self) -> None:
        ids = [d.id for d in self.step_defs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"flow {self.id} repeats a step id: {ids}")

    def step_ids(self) -> list[str]:
        """The steps' ids, in order."""
        return [d.id for d in self.step_defs]

    def step_def(self, step_id: str) -> StepDef:
        """The definition of one step."""
        for d in self.step_defs:
            if d.id == step_id:
                return d
        raise KeyError(f"flow {self.id} has no step {step_id!r}")

    def steps(self, ws: Workspace) -> list[Step]:
        """Every step as it looks for this workspace."""
        return [d.build(ws) for d in self.step_defs]

    def build(self, ws: Workspace, step_id: str) -> Step:
        """One step as it looks for this workspace."""
        return self.step_def(step_id).build(ws)

    def validate(self, ws: Workspace, step_id: str, answers: Answers) -> dict[str, str]:
        """Problems found by the step's own validate hook (empty when fine or when it has none)."""
        hook = self.step_def(step_id).validate
        return dict(hook(ws, answers)) if hook else {}

    def apply(self, ws: Workspace, step_id: str, answers: Answers) -> Workspace:
        """Apply checked answers to a deep copy of the workspace; the original is never changed."""
        problems = self.validate(ws, step_id, answers)
        if problems:
            raise StepProblems(problems)
        return self.step_def(step_id).apply(ws.model_copy(deep=True), answers)

    def preview(self, ws: Workspace, step_id: str, answers: Answers) -> str | None:
        """The step's live preview, or None when it has none."""
        fn = self.step_def(step_id).preview
        return fn(ws, answers) if fn else None

    def review(self, ws: Workspace) -> str:
        """What the flow has planned, in plain text."""
        return self.review_text(ws) if self.review_text else self.summary


def flow_answers(ws: Workspace, flow_id: str) -> dict[str, object]:
    """Answers recorded so far for a flow, keyed 'step_id.question_id' (empty when never started)."""
    progress = ws.flow_progress(flow_id)
    return dict(progress.answers) if progress else {}


def normalise(question: Question, value: Answer | None) -> Answer | None:
    """Coerce a raw answer to the question's type (e.g. a comma or line list for LIST)."""
    if value is None:
        return None
    if question.kind == Kind.CONFIRM:
        return value if isinstance(value, bool) else str(value).strip().lower() in ("y", "yes", "true", "1")
    if question.kind in (Kind.MULTI, Kind.LIST):
        items = value if isinstance(value, list) else str(value).replace("\n", ",").split(",")
        cleaned = [str(i).strip() for i in items if str(i).strip()]
        return list(dict.fromkeys(cleaned))  # a repeated line adds nothing
    if isinstance(value, list):
        return ", ".join(str(v) for v in value).strip()
    return str(value).strip()


def answer_texts(value: Answer | None) -> list[str]:
    """The text in an answer (a list's items, a string itself; nothing for yes/no)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return [value] if isinstance(value, str) else []


def check_answers(step: Step, answers: Answers) -> Answers:
    """Type, option, secret and per-question checks every step gets; returns the normalised answers.

    A missing answer takes the question's default. Keys that are not questions of the step are dropped.
    """
    problems: dict[str, str] = {}
    clean: Answers = {}
    for q in step.questions:
        value = normalise(q, answers.get(q.id, q.default))
        if any(find_secret_kind(t) for t in answer_texts(value)):
            problems[q.id] = SECRET_MESSAGE
            continue
        if q.required and value in (None, "", []) and q.kind != Kind.CONFIRM:
            problems[q.id] = "an answer is needed"
            continue
        allowed = {o.value for o in q.options}
        if q.kind == Kind.CHOICE and value not in allowed and value not in (None, ""):
            problems[q.id] = f"choose one of: {', '.join(o.value for o in q.options)}"
            continue
        if q.kind == Kind.MULTI and isinstance(value, list) and not set(value) <= allowed:
            unknown = [v for v in value if v not in allowed]
            problems[q.id] = f"{len(unknown)} unknown option(s); choose from: {', '.join(sorted(allowed))}"
            continue
        if q.validate is not None and value not in (None, "", []):
            messages = q.validate(value)
            if messages:
                problems[q.id] = "; ".join(messages)
                continue
        clean[q.id] = value if value is not None else ""
    if problems:
        raise StepProblems(problems)
    return clean
