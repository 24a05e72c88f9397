"""Flow: choose the identity provider through a short decision interview, with the reasons shown."""

from __future__ import annotations

from wizard.idp_interview import IDP_NAMES, QUESTIONS, recommend
from wizard.model import IdP, Workspace
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef

EXPLAINERS = {
    "licences": "identity-provider", "clients": "b2b-and-multi-tenant", "saas": "sso", "self_host": "idp-comparison",
    "residency": "data-residency", "external": "identity-planes", "budget": "idp-comparison",
}


def _interview(ws: Workspace) -> Step:
    questions = tuple(
        Question(qid, prompt, Kind.CHOICE, EXPLAINERS[qid],
                 options=tuple(Option(v, label) for v, label in opts.items()), default=next(iter(opts)))
        for qid, (prompt, opts) in QUESTIONS.items()
    )
    return Step("interview", "Your situation", "Seven questions decide which identity provider fits you best. "
                "Nothing is final: the next step shows the reasons and lets you choose.", questions,
                "identity-provider")


def _apply_interview(ws: Workspace, answers: Answers) -> Workspace:
    rec = recommend({k: str(v) for k, v in answers.items()})
    best = rec.recommended
    ws.consultancy.idp_reasons = best.reasons[:4] or ["Best overall fit for your answers."]
    if ws.consultancy.idp is None:
        ws.consultancy.idp = best.idp
    return ws


def _preview_interview(ws: Workspace, answers: Answers) -> str:
    return recommend({k: str(v) for k, v in answers.items()}).summary()


def _confirm(ws: Workspace) -> Step:
    options = tuple(Option(i.value, IDP_NAMES[i]) for i in IdP)
    default = (ws.consultancy.idp or IdP.ENTRA).value
    return Step("confirm", "Your identity provider", "idspine recommends the provider with the most reasons "
                "below. Pick it, or choose another if you know something the interview did not ask.",
                (Question("idp", "Identity provider", Kind.CHOICE, "idp-comparison", options=options,
                          default=default),), "idp-comparison")


def _apply_confirm(ws: Workspace, answers: Answers) -> Workspace:
    chosen = IdP(str(answers["idp"]))
    if chosen != ws.consultancy.idp:
        ws.consultancy.idp_reasons = [f"Chosen by you over the interview's recommendation ({chosen.value})."]
    ws.consultancy.idp = chosen
    return ws


def _preview_confirm(ws: Workspace, answers: Answers) -> str:
    reasons = "\n".join(f"  + {r}" for r in ws.consultancy.idp_reasons)
    return f"Interview pick: {ws.consultancy.idp}\n{reasons}"


STEPS = [
    StepDef("interview", _interview, _apply_interview, _preview_interview),
    StepDef("confirm", _confirm, _apply_confirm, _preview_confirm),
]
FLOW = Flow("idp-choice", "Choose an identity provider", "A decision interview with reasons and a runner-up.", STEPS)
