"""Drives one flow over a workspace: current step, prefilled answers, Back/Next, resume, replacing old answers.

Progress is stored in `Workspace.progress` and so saved with the inventory. Each step's record also lists the
inventory objects its answers added, so answering it again replaces them (`wizard.step_products`): nothing of
an old answer stays in the plan, checklist or exports, and what was already applied for real is listed for
retirement.
"""

from __future__ import annotations

from typing import cast

from wizard import step_products as sp
from wizard.model import FlowProgress, Status, Workspace
from wizard.secrets.guard import find_secret_kind
from wizard.steps import (
    Answer,
    Answers,
    Flow,
    Step,
    StepProblems,
    answer_texts,
    check_answers,
    flow_answers,
    normalise,
)


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

    @property
    def label(self) -> str:
        """'Step N of M'."""
        return f"Step {self.index + 1} of {self.total}"

    def saved_answers(self, step: Step | None = None) -> Answers:
        """Answers given earlier for a step (for prefilling), else the questions' defaults."""
        step = step or self.step
        stored = flow_answers(self.ws, self.flow.id)
        out: Answers = {}
        for q in step.questions:
            value = stored.get(f"{step.id}.{q.id}", q.default)
            if value is not None:
                out[q.id] = cast(Answer, value)
        return out

    def preview(self, answers: Answers) -> str | None:
        """Live preview of what the (normalised, unchecked) answers would produce; never raises or shows a secret."""
        step = self.step
        values: Answers = dict(answers)
        for q in step.questions:
            value = normalise(q, answers.get(q.id, q.default))
            if any(find_secret_kind(t) for t in answer_texts(value)):
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
        stored = flow_answers(ws, self.flow.id)
        return {k.removeprefix(prefix): cast(Answer, v) for k, v in stored.items() if k.startswith(prefix)}

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
