"""The step engine: flows made of typed questions, answered step by step, with progress kept in the workspace.

A flow (in `flows/`) is an ordered list of `StepDef`s. Each builds its `Step` from the current workspace (so
later questions can depend on earlier answers), may check the answers (`validate`, returning messages per
question), applies them to a copy of the workspace, and may render a live preview. `FlowRunner` drives one
flow: validation, Back/Next, "Step N of M", and resuming where the user stopped, because progress is stored
in `Workspace.progress` and so saved with the inventory. Each step's record also lists the inventory objects
its answers added, so answering it again replaces them (`wizard.step_products`): nothing of an old answer
stays in the plan, checklist or exports, and what was already applied for real is listed for retirement.
No Textual here: the UI renders `Step`s, and tests drive flows as plain Python.

Public API (the UI and tests code against these names):
  Kind, Option, Question (.choices), Step (.explainers), StepProblems, StepDef, Flow, FlowProtocol,
  FlowRunner (.step/.current, .saved_answers(), .preview(), .submit()/.next(), .back(), .label/.progress,
  .index, .total, .completed, .replaced, .to_retire), FLOWS / FLOW_MODULES, flow_ids(), get_flow(id),
  check_answers(), flow_answers().
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from wizard.model import FlowProgress, Status, Workspace
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


# Flow id -> module in the `flows` package exposing FLOW (imported on first use).
FLOWS: dict[str, str] = {
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
FLOW_MODULES = FLOWS  # older name, kept for callers that use it


def flow_ids() -> list[str]:
    """Every registered flow id."""
    return list(FLOWS)


def get_flow(flow_id: str) -> Flow:
    """The flow with this id, imported on first use (KeyError for an unknown id)."""
    if flow_id not in FLOWS:
        raise KeyError(f"no flow {flow_id!r}; known: {', '.join(FLOWS)}")
    module = importlib.import_module(f"flows.{FLOWS[flow_id]}")
    return module.FLOW


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


def _texts(value: Answer | None) -> list[str]:
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
        if any(find_secret_kind(t) for t in _texts(value)):
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


class FlowRunner:
    """Drives one flow over a workspace: current step, prefilled answers, Back/Next and resume.

    `restart=True` starts the flow afresh (e.g. onboarding the next client): the flow's recorded answers are
    forgotten, while what earlier runs added to the workspace stays (re-applying never duplicates it).
    """

    def __init__(self, flow: Flow, ws: Workspace, restart: bool = False):
        self.flow = flow
        if restart:
            ws = ws.model_copy(update={"progress": [p for p in ws.progress if p.flow != flow.id]})
        self.ws = ws
        self._ids = flow.step_ids()
        progress = ws.flow_progress(flow.id)
        self.index = max(0, min(progress.step, len(self._ids) - 1)) if progress else 0
        self.completed = bool(progress and progress.completed)
        self._pending_clients: set[str] = set()
        self.replaced: list[str] = []  # what the last submit took back: planned entries removed
        self.to_retire: list[str] = []  # and live entries it listed for retirement

    @property
    def total(self) -> int:
        """Number of steps."""
        return len(self._ids)

    @property
    def step_id(self) -> str:
        """The current step's id."""
        return self._ids[self.index]

    @property
    def step(self) -> Step:
        """The current step, built from the current workspace."""
        return self.flow.build(self.ws, self.step_id)

    current = step

    @property
    def label(self) -> str:
        """'Step N of M'."""
        return f"Step {self.index + 1} of {self.total}"

    progress = label

    def saved_answers(self, step: Step | None = None) -> Answers:
        """Answers given earlier for a step (for prefilling), else the questions' defaults."""
        step = step or self.step
        stored = flow_answers(self.ws, self.flow.id)
        out: Answers = {}
        for q in step.questions:
            value = stored.get(f"{step.id}.{q.id}", q.default)
            if value is not None:
                out[q.id] = value  # type: ignore[assignment]
        return out

    answers = saved_answers

    def preview(self, answers: Answers) -> str | None:
        """Live preview of what the (normalised, unchecked) answers would produce; never raises or shows a secret."""
        step = self.step
        values: Answers = dict(answers)
        for q in step.questions:
            value = normalise(q, answers.get(q.id, q.default))
            if any(find_secret_kind(t) for t in _texts(value)):
                return f"(preview paused: {q.prompt} looks like a secret value)"
            if value is not None:
                values[q.id] = value  # previews see answers in their kind's shape, as apply does
        try:
            return self.flow.preview(self.ws, self.step_id, values)
        except StepProblems as exc:
            return "(preview unavailable: " + "; ".join(exc.problems.values()) + ")"
        except (ValueError, KeyError, TypeError, LookupError):
            return "(preview unavailable until the answers are complete)"

    def submit(self, answers: Answers) -> Workspace:
        """Validate and apply the current step, then move on. Raises StepProblems and changes nothing on error.

        Submitting a step again replaces what its earlier answers produced (see `wizard.step_products`); when
        the answers changed, the later steps already answered are applied again on top, so nothing they
        derived from the old answers stays behind.
        """
        step = self.step
        try:
            clean = check_answers(step, answers)
        except StepProblems as exc:
            raise StepProblems(
                {**self._context_problems(step, answers, exc.problems), **exc.problems}
            ) from None
        self.replaced, self.to_retire = [], []
        before = self._stored_for(self.ws, step.id)
        old_products = self._products(self.ws).get(step.id)
        ws = self._apply_tracked(self.ws, step.id, clean)
        stored = {f"{step.id}.{k}": v for k, v in clean.items()}
        ws = self._record(ws, stored, drop_prefix=f"{step.id}.")
        if old_products is not None and (before != clean or self._products(ws).get(step.id) != old_products):
            ws = self._replay_after(ws, self.index)
        ws = self._settle_clients(ws)
        finished = self.index + 1 >= self.total
        next_index = self.index if finished else self.index + 1
        self.ws = self._with_progress(ws, next_index, finished, {})
        self.completed = finished
        self.index = next_index
        return self.ws

    next = submit

    def _context_problems(self, step: Step, answers: Answers, known: dict[str, str]) -> dict[str, str]:
        """The step's own checks on the answers that passed the per-question ones, so all problems show at once."""
        partial: Answers = {}
        for q in step.questions:
            if q.id not in known:
                value = normalise(q, answers.get(q.id, q.default))
                partial[q.id] = value if value is not None else ""
        try:
            found = self.flow.validate(self.ws, step.id, partial)
        except (StepProblems, ValueError, KeyError, TypeError, LookupError):
            return {}
        return {k: v for k, v in found.items() if k not in known}

    def back(self) -> None:
        """Go to the previous step. Nothing changes until it is submitted again, which then replaces what its
        earlier answers produced (never duplicating it)."""
        if self.index > 0:
            self.index -= 1
        self.completed = False
        self.ws = self._with_progress(self.ws, self.index, False, {})

    def _with_progress(self, ws: Workspace, index: int, done: bool, stored: dict[str, Answer]) -> Workspace:
        others = [p for p in ws.progress if p.flow != self.flow.id]
        old = ws.flow_progress(self.flow.id)
        merged = {**(old.answers if old else {}), **stored}
        record = FlowProgress(
            flow=self.flow.id,
            step=index,
            completed=done,
            answers=merged,
            produced=dict(old.produced) if old else {},
        )
        return ws.model_copy(update={"progress": [*others, record]})

    # What steps produced, and replacing it when answers change.
    def _products(self, ws: Workspace) -> dict[str, list[str]]:
        progress = ws.flow_progress(self.flow.id)
        return dict(progress.produced) if progress else {}

    def _stored_for(self, ws: Workspace, step_id: str) -> Answers:
        prefix = f"{step_id}."
        return {
            k.removeprefix(prefix): v
            for k, v in flow_answers(ws, self.flow.id).items()  # type: ignore[misc]
            if k.startswith(prefix)
        }

    def _record(self, ws: Workspace, stored: dict[str, Answer], drop_prefix: str = "") -> Workspace:
        """The workspace with this flow's answers updated (a step's earlier answers replaced by `stored`)."""
        old = ws.flow_progress(self.flow.id)
        answers = {
            k: v
            for k, v in (old.answers if old else {}).items()
            if not (drop_prefix and k.startswith(drop_prefix))
        }
        record = FlowProgress(
            flow=self.flow.id,
            step=old.step if old else self.index,
            completed=old.completed if old else False,
            answers={**answers, **stored},
            produced=dict(old.produced) if old else {},
        )
        others = [p for p in ws.progress if p.flow != self.flow.id]
        return ws.model_copy(update={"progress": [*others, record]})

    def _set_products(self, ws: Workspace, step_id: str, produced: list[str] | None) -> Workspace:
        old = ws.flow_progress(self.flow.id)
        products = dict(old.produced) if old else {}
        if produced is None:
            products.pop(step_id, None)
        else:
            products[step_id] = produced
        record = FlowProgress(
            flow=self.flow.id,
            step=old.step if old else self.index,
            completed=old.completed if old else False,
            answers=dict(old.answers) if old else {},
            produced=products,
        )
        others = [p for p in ws.progress if p.flow != self.flow.id]
        return ws.model_copy(update={"progress": [*others, record]})

    def _apply_tracked(self, ws: Workspace, step_id: str, answers: Answers | None) -> Workspace:
        """Apply a step's answers in place of what its earlier answers produced (None: take it all back)."""
        from wizard import step_products as sp

        old = set(self._products(ws).get(step_id, []))
        present = sp.subjects(ws)
        orphans = sp.awaiting_retirement(ws)
        trial: Workspace | None = None
        if answers is None:
            wanted: set[str] = set()
        elif old or orphans:
            # What would the new answers add on their own? (Objects waiting to be retired count as absent, so
            # answers that produce one again take it back.)
            scratch = sp.remove(ws.model_copy(deep=True), old | orphans)
            before = sp.subjects(scratch)
            trial = self._apply_to_copy(scratch, step_id, answers)
            wanted = sp.subjects(trial) - before
        else:
            wanted = set()
        stale = (old & present) - wanted - sp.claimed(ws, self.flow.id, step_id)
        gone = {s for s in stale if not s.startswith("client:") and sp.removable(ws, s)}
        base = sp.remove(ws.model_copy(deep=True), gone) if gone else ws
        gone_clients = {s for s in stale if s.startswith("client:") and sp.removable(base, s)}
        if gone_clients:
            base = sp.remove(base if gone else base.model_copy(deep=True), gone_clients)
        if answers is None:
            real = base if base is not ws else ws.model_copy(deep=True)  # never change the caller's copy
        elif base is ws:
            real = self.flow.apply(ws, step_id, answers)  # copies before changing anything
        else:
            real = self._apply_to_copy(base, step_id, answers)
        after = sp.subjects(real)
        produced = (wanted | (after - present)) & after
        # A client still referenced now may be free once the later steps are replayed: settled at the end.
        self._pending_clients |= {s for s in stale - gone_clients if s.startswith("client:")}
        live = {
            s
            for s in stale - gone
            if s in after
            and not s.startswith(("checklist:", "client:"))
            and sp.status_of(real, s) == Status.ACTIVE
        }
        if trial is not None:  # a checklist item not done yet says what the new answers say
            real = sp.refresh_checklist(real, trial, wanted & old)
        self.replaced += sorted(gone | gone_clients)
        self.to_retire += sorted(live)
        real = sp.withdraw_retire_items(sp.retire_items(real, live), produced)
        return self._set_products(real, step_id, None if answers is None else sorted(produced))

    def _settle_clients(self, ws: Workspace) -> Workspace:
        """Clients the answers no longer produce: removed when nothing refers to them, else listed to retire."""
        from wizard import step_products as sp

        pending, self._pending_clients = self._pending_clients, set()
        owned = set().union(*(set(items) for p in ws.progress for items in p.produced.values()))
        pending = {s for s in pending if s not in owned and s in sp.subjects(ws)}
        gone = {s for s in pending if sp.removable(ws, s)}
        ws = sp.remove(ws.model_copy(deep=True), gone) if gone else ws
        live = {s for s in pending - gone if sp.status_of(ws, s) == Status.ACTIVE}
        self.replaced += sorted(gone)
        self.to_retire += sorted(live)
        return sp.retire_items(ws.model_copy(deep=True), live) if live else ws

    def _apply_to_copy(self, private: Workspace, step_id: str, answers: Answers) -> Workspace:
        """Flow.apply on a workspace that is already a private copy (saves a second deep copy)."""
        if not isinstance(self.flow, Flow):
            return self.flow.apply(private, step_id, answers)
        problems = self.flow.validate(private, step_id, answers)
        if problems:
            raise StepProblems(problems)
        return self.flow.step_def(step_id).apply(private, answers)

    def _replay_after(self, ws: Workspace, index: int) -> Workspace:
        """Apply the later steps already answered again, on the changed workspace; where one no longer
        fits, take back what it and every later step produced (their answers stay, to prefill)."""
        for j in range(index + 1, self.total):
            sid = self._ids[j]
            if sid not in self._products(ws):
                continue  # never submitted
            step = self.flow.build(ws, sid)
            try:
                clean = check_answers(step, self._stored_for(ws, sid))
                ws = self._apply_tracked(ws, sid, clean)
            except (StepProblems, ValueError, KeyError, LookupError):
                for k in range(j, self.total):
                    if self._ids[k] in self._products(ws):
                        ws = self._apply_tracked(ws, self._ids[k], None)
                break
        return ws
