"""The step engine on a small flow of its own: types, validation, secrets, Back/Next, progress, resume, registry."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flows import FLOWS, get_flow
from wizard.flow_runner import FlowRunner
from wizard.inventory import dumps, parse
from wizard.model import Group, Workspace, new_workspace
from wizard.steps import (
    Answers,
    Flow,
    FlowProtocol,
    Kind,
    Option,
    Question,
    Step,
    StepDef,
    StepProblems,
    check_answers,
)


def _no_digits(value: object) -> list[str]:
    return ["no digits, please"] if any(ch.isdigit() for ch in str(value)) else []


def _pets(ws: Workspace) -> Step:
    return Step(
        "pets",
        "Pets",
        "Name your pets.",
        (
            Question("name", "Your name", Kind.TEXT, "tokens", validate=_no_digits),
            Question(
                "kind",
                "Kind",
                Kind.CHOICE,
                "scopes",
                options=(Option("cat", "Cat", "purrs"), Option("dog", "Dog")),
            ),
            Question(
                "toys",
                "Toys",
                Kind.MULTI,
                "scopes",
                options=(Option("ball", "Ball"), Option("rope", "Rope")),
                default=["ball"],
                required=False,
            ),
            Question("names", "Pet names", Kind.LIST, "naming-policy"),
        ),
        "tokens",
    )


def _apply_pets(ws: Workspace, answers: Answers) -> Workspace:
    for pet in answers["names"]:  # type: ignore[union-attr]
        if ws.group(str(pet)) is None:
            ws.groups.append(Group(name=str(pet), role=str(answers["kind"])))
    return ws


def _done(ws: Workspace) -> Step:
    return Step(
        "done", "Done", "Confirm.", (Question("ok", "All good?", Kind.CONFIRM, "sso", default=True),), "sso"
    )


def _validate_done(ws: Workspace, answers: Answers) -> dict[str, str]:
    return {} if answers.get("ok") is True else {"ok": "please confirm"}


PETS = Flow(
    "pets",
    "Pets",
    "A test flow.",
    [
        StepDef("pets", _pets, _apply_pets, lambda ws, a: f"{len(a.get('names') or [])} pet(s)"),
        StepDef("middle", lambda ws: Step("middle", "Middle", "", (), "sso"), lambda ws, a: ws),
        StepDef("done", _done, lambda ws, a: ws, None, _validate_done),
    ],
)
GOOD = {"name": "Ada", "kind": "cat", "names": "Tom, Felix\nTom"}


def test_question_and_step_expose_choices_and_explainers() -> None:
    step = _pets(new_workspace("X", "x"))
    assert step.question("kind").choices == (("cat", "Cat", "purrs"), ("dog", "Dog", ""))
    assert step.explainers == ("tokens", "scopes", "naming-policy")
    assert isinstance(PETS, FlowProtocol)
    assert [s.id for s in PETS.steps(new_workspace("X", "x"))] == ["pets", "middle", "done"]


def test_answers_are_normalised_to_their_kind() -> None:
    clean = check_answers(_pets(new_workspace("X", "x")), GOOD)
    assert clean["names"] == ["Tom", "Felix"]  # comma and line separated, repeats dropped
    assert clean["toys"] == ["ball"]  # default used when missing
    assert check_answers(_done(new_workspace("X", "x")), {"ok": "yes"})["ok"] is True


def test_every_kind_of_wrong_answer_is_reported_per_question() -> None:
    with pytest.raises(StepProblems) as info:
        check_answers(
            _pets(new_workspace("X", "x")), {"name": "R2D2", "kind": "fish", "toys": ["ball", "laser"]}
        )
    problems = info.value.problems
    assert set(problems) == {"name", "kind", "toys", "names"}
    assert problems["name"] == "no digits, please"
    assert "cat" in problems["kind"] and "dog" in problems["kind"]
    assert "1 unknown" in problems["toys"]
    assert problems["names"] == "an answer is needed"


@pytest.mark.parametrize("field", ["name", "names", "toys"])
def test_a_secret_in_any_text_answer_is_refused_and_never_echoed(
    field: str, canaries: dict[str, str]
) -> None:
    runner = FlowRunner(PETS, new_workspace("X", "x"))
    for value in canaries.values():
        answers = {**GOOD, field: [value] if field != "name" else value}
        with pytest.raises(StepProblems) as info:
            runner.submit(answers)
        assert "secret" in info.value.problems[field]
        assert value not in str(info.value) and value not in repr(info.value.problems)
        preview = runner.preview(answers) or ""
        assert value not in preview and "secret" in preview
    assert runner.index == 0 and runner.ws.progress == []


def test_next_back_progress_and_completion() -> None:
    runner = FlowRunner(PETS, new_workspace("X", "x"))
    assert (runner.label, runner.step_id) == ("Step 1 of 3", "pets")
    assert runner.preview(GOOD) == "2 pet(s)"  # previews see normalised answers
    runner.submit(GOOD)
    assert runner.step.id == "middle" and runner.label == "Step 2 of 3"
    runner.back()
    assert runner.step_id == "pets"
    assert runner.saved_answers()["names"] == ["Tom", "Felix"]  # prefilled from progress
    runner.submit(runner.saved_answers())
    runner.submit({})
    with pytest.raises(StepProblems) as info:
        runner.submit({"ok": False})
    assert info.value.problems == {"ok": "please confirm"}
    assert not runner.completed
    ws = runner.submit({"ok": True})
    assert runner.completed and ws.flow_progress("pets").completed
    assert [g.name for g in ws.groups] == ["Tom", "Felix"]  # applied twice (next, back, next): no duplicates
    runner.back()  # reopening a finished flow: it is no longer marked complete
    assert not runner.completed and not runner.ws.flow_progress("pets").completed


def test_resume_after_restart_from_the_saved_inventory() -> None:
    runner = FlowRunner(PETS, new_workspace("X", "x"))
    runner.submit(GOOD)
    reloaded, _, _ = parse(dumps(runner.ws).encode())
    resumed = FlowRunner(PETS, reloaded)
    assert resumed.step_id == "middle" and resumed.label == "Step 2 of 3"
    assert resumed.saved_answers(PETS.build(reloaded, "pets"))["kind"] == "cat"
    fresh = FlowRunner(PETS, reloaded, restart=True)
    assert fresh.index == 0 and fresh.saved_answers() == {"toys": ["ball"]}
    assert [g.name for g in fresh.ws.groups] == ["Tom", "Felix"]  # restart forgets answers, keeps entries


def test_a_failed_apply_changes_nothing() -> None:
    def explode(ws: Workspace, answers: Answers) -> Workspace:
        ws.groups.append(Group(name="half-done"))
        raise StepProblems({"name": "refused in context"})

    flow = Flow("boom", "Boom", "", [StepDef("pets", _pets, explode)])
    ws = new_workspace("X", "x")
    runner = FlowRunner(flow, ws)
    with pytest.raises(StepProblems):
        runner.submit(GOOD)
    assert runner.ws is ws and ws.groups == [] and ws.progress == []


def test_preview_never_raises() -> None:
    def broken(ws: Workspace, answers: Answers) -> str:
        raise KeyError("x")

    flow = Flow("p", "P", "", [StepDef("pets", _pets, _apply_pets, broken)])
    assert "unavailable" in (FlowRunner(flow, new_workspace("X", "x")).preview(GOOD) or "")


def test_registry_knows_every_flow_and_imports_them_lazily() -> None:
    assert set(FLOWS) == {
        "first-setup",
        "idp-choice",
        "naming",
        "groups",
        "service-principals",
        "credentials",
        "n8n",
        "supabase",
        "client-onboarding",
    }
    for flow_id in FLOWS:
        flow = get_flow(flow_id)
        assert flow.id == flow_id and flow.title and flow.summary
    with pytest.raises(KeyError):
        get_flow("nope")
    code = (
        "import sys, wizard.steps, wizard.flow_runner; bad = [m for m in sys.modules if m.startswith('flows') or "
        "m.startswith('textual') or m.startswith('httpx')]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=".")
    assert out.stdout.strip() == "[]"
    code = "import sys, flows; print([m for m in sys.modules if m.startswith('flows.')])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=".")
    assert out.stdout.strip() == "[]"  # the registry imports a flow only when asked for it


def test_flows_never_import_textual_or_httpx() -> None:
    code = (
        "import sys\nfrom flows import FLOWS, get_flow\nfor f in FLOWS: get_flow(f)\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('textual', 'httpx')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=".")
    assert out.stdout.strip() == "[]"


def test_repeated_step_ids_are_refused() -> None:
    with pytest.raises(ValueError):
        Flow("dup", "Dup", "", [StepDef("a", _done, lambda ws, a: ws), StepDef("a", _done, lambda ws, a: ws)])
