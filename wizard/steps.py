"""The step engine: flows made of typed questions, answered step by step, with progress kept in the workspace.

A flow (in `flows/`) is a list of `StepDef`s. Each builds its `Step` from the current workspace (so later
questions can depend on earlier answers), applies answers to a copy of the workspace, and may render a
live preview. `FlowRunner` drives one flow: validation, Back/Next, "step N of M", and resuming where the
user stopped, because progress is stored in `Workspace.progress` and saved with the inventory.
No Textual here: the UI renders `Step`s, and tests drive flows as plain Python.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from wizard.model import FlowProgress, Workspace
from wizard.secret_guard import find_secret_kind

Answer = str | list[str] | bool
Answers = dict[str, Answer]


class Kind(StrEnum):
    """What sort of answer a question takes."""

    CHOICE = "choice"  # one of the options
    MULTI = "multi"  # any subset of the options
    TEXT = "text"  # one line of text
    LIST = "list"  # several lines of text
    CONFIRM = "confirm"  # yes / no


@dataclass(frozen=True)
class Option:
    """One option of a choice or multi-choice question."""

    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Question:
    """A typed question tied to the explainer that teaches its concept."""

    id: str
    prompt: str
    kind: Kind
    explainer: str
    options: tuple[Option, ...] = ()
    default: Answer | None = None
    help: str = ""
    placeholder: str = ""
    required: bool = True


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


class StepProblems(Exception):
    """Answers that cannot be accepted, per question id (messages never repeat a secret)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class StepDef:
    """How a flow builds, applies and previews one step."""

    id: str
    build: Callable[[Workspace], Step]
    apply: Callable[[Workspace, Answers], Workspace]
    preview: Callable[[Workspace, Answers], str | None] | None = None


@dataclass
class Flow:
    """A guided flow: an ordered list of steps."""

    id: str
    title: str
    summary: str
    steps: list[StepDef] = field(default_factory=list)


# Flow id -> module in the `flows` package exposing FLOW.
FLOW_MODULES = {
    "first-setup": "first_setup",
    "idp-choice": "idp_choice",
    "naming": "naming",
    "groups": "groups",
    "service-principals": "service_principals",
    "credentials": "credentials",
    "n8n": "n8n_setup",
    "supabase": "supabase_setup",
    "client-onboarding": "client_onboarding",
}


def get_flow(flow_id: str) -> Flow:
    """The flow with this id, imported on first use."""
    module = importlib.import_module(f"flows.{FLOW_MODULES[flow_id]}")
    return module.FLOW


def normalise(question: Question, value: Answer | None) -> Answer | None:
    """Coerce a raw answer to the question's type (e.g. a comma list for LIST)."""
    if value is None:
        return None
    if question.kind == Kind.CONFIRM:
        return value if isinstance(value, bool) else str(value).strip().lower() in ("y", "yes", "true", "1")
    if question.kind in (Kind.MULTI, Kind.LIST):
        items = value if isinstance(value, list) else str(value).replace("\n", ",").split(",")
        return [str(i).strip() for i in items if str(i).strip()]
    return str(value).strip()


def check_answers(step: Step, answers: Answers) -> Answers:
    """Type, option and secret checks every question gets; returns the normalised answers."""
    problems: dict[str, str] = {}
    clean: Answers = {}
    for q in step.questions:
        value = normalise(q, answers.get(q.id, q.default))
        texts = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        if any(find_secret_kind(t) for t in texts):
            problems[q.id] = ("this looks like a secret value; idspine never stores secrets. Put it in your "
                              "secret store and enter a reference such as env:NAME")
            continue
        if q.required and value in (None, "", []) and q.kind != Kind.CONFIRM:
            problems[q.id] = "an answer is needed"
            continue
        allowed = {o.value for o in q.options}
        if q.kind == Kind.CHOICE and value not in allowed and value not in (None, ""):
            problems[q.id] = f"choose one of: {', '.join(sorted(allowed))}"
            continue
        if q.kind == Kind.MULTI and isinstance(value, list) and not set(value) <= allowed:
            problems[q.id] = f"unknown option(s): {', '.join(sorted(set(value) - allowed))}"
            continue
        clean[q.id] = value if value is not None else ""
    if problems:
        raise StepProblems(problems)
    return clean


class FlowRunner:
    """Drives one flow over a workspace: current step, answers, Back/Next and resume."""

    def __init__(self, flow: Flow, ws: Workspace, restart: bool = False):
        self.flow = flow
        if restart:  # a fresh run (e.g. onboarding the next client): forget the previous answers
            ws = ws.model_copy(update={"progress": [p for p in ws.progress if p.flow != flow.id]})
        self.ws = ws
        progress = ws.flow_progress(flow.id)
        self.index = min(progress.step, len(flow.steps) - 1) if progress else 0
        self.completed = bool(progress and progress.completed)

    @property
    def total(self) -> int:
        """Number of steps."""
        return len(self.flow.steps)

    @property
    def step(self) -> Step:
        """The current step, built from the current workspace."""
        return self.flow.steps[self.index].build(self.ws)

    @property
    def label(self) -> str:
        """'Step N of M'."""
        return f"Step {self.index + 1} of {self.total}"

    def saved_answers(self, step: Step | None = None) -> Answers:
        """Answers given earlier for a step (for prefilling), else the questions' defaults."""
        step = step or self.step
        progress = self.ws.flow_progress(self.flow.id)
        stored = progress.answers if progress else {}
        out: Answers = {}
        for q in step.questions:
            key = f"{step.id}.{q.id}"
            value = stored.get(key, q.default)
            if value is not None:
                out[q.id] = value  # type: ignore[assignment]
        return out

    def preview(self, answers: Answers) -> str | None:
        """Live preview of what the current answers would produce."""
        fn = self.flow.steps[self.index].preview
        if fn is None:
            return None
        try:
            return fn(self.ws, answers)
        except (StepProblems, ValueError, KeyError) as exc:
            return f"(preview unavailable: {exc})"

    def submit(self, answers: Answers) -> Workspace:
        """Validate and apply the current step; move on. Raises StepProblems and changes nothing on error."""
        step = self.step
        clean = check_answers(step, answers)
        ws = self.flow.steps[self.index].apply(self.ws.model_copy(deep=True), clean)
        finished = self.index + 1 >= self.total
        self.ws = self._record(ws, step, clean, self.index + (0 if finished else 1), finished)
        if finished:
            self.completed = True
        else:
            self.index += 1
        return self.ws

    def back(self) -> None:
        """Go to the previous step (answers already applied stay applied; re-applying never duplicates)."""
        if self.index > 0:
            self.index -= 1
            self.ws = self._with_progress(self.ws, self.index, self.completed, {})

    def _record(self, ws: Workspace, step: Step, answers: Answers, index: int, done: bool) -> Workspace:
        stored = {f"{step.id}.{k}": v for k, v in answers.items()}
        return self._with_progress(ws, index, done, stored)

    def _with_progress(self, ws: Workspace, index: int, done: bool, stored: dict[str, Answer]) -> Workspace:
        others = [p for p in ws.progress if p.flow != self.flow.id]
        old = ws.flow_progress(self.flow.id)
        merged = {**(old.answers if old else {}), **stored}
        progress = FlowProgress(flow=self.flow.id, step=index, completed=done, answers=merged)
        return ws.model_copy(update={"progress": [*others, progress]})
