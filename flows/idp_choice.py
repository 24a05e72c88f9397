"""Flow: choose the identity provider through a short decision interview, with the reasons and runner-up shown."""

from __future__ import annotations

from wizard.advice.idp import IDP_NAMES, QUESTIONS, Recommendation, recommend
from wizard.model import IdP, Workspace
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef, flow_answers

FLOW_ID = "idp-choice"
EXPLAINERS = {
    "licences": "identity-provider",
    "clients": "b2b-and-multi-tenant",
    "saas": "sso",
    "self_host": "idp-comparison",
    "residency": "data-residency",
    "external": "identity-planes",
    "budget": "idp-comparison",
}
HELP = {
    "licences": "Licences you already pay for often include an identity provider.",
    "saas": "Prebuilt integrations save wiring each app's SAML/OIDC and provisioning by hand.",
    "self_host": "Self-hosting gives control and costs operations: patching, backups, uptime.",
    "external": "Customer sign-in (CIAM) is a different product from staff sign-in at most vendors.",
}


def interview_answers(ws: Workspace, flow_id: str) -> dict[str, str]:
    """The interview answers recorded so far in this flow (empty when the interview was not answered)."""
    stored = flow_answers(ws, flow_id)
    return {qid: str(stored[f"interview.{qid}"]) for qid in QUESTIONS if f"interview.{qid}" in stored}


def _interview(ws: Workspace) -> Step:
    questions = tuple(
        Question(
            qid,
            prompt,
            Kind.CHOICE,
            EXPLAINERS[qid],
            help=HELP.get(qid, ""),
            options=tuple(Option(v, label) for v, label in opts.items()),
            default=next(iter(opts)),
        )
        for qid, (prompt, opts) in QUESTIONS.items()
    )
    return Step(
        "interview",
        "Your situation",
        "Seven questions decide which identity provider fits you best. "
        "Nothing is final: the preview shows the ranking as you answer, and the next step lets you "
        "choose.",
        questions,
        "idp-comparison",
    )


def _preview_interview(ws: Workspace, answers: Answers) -> str:
    return recommend({k: str(v) for k, v in answers.items()}).summary()


def make_steps(flow_id: str) -> list[StepDef]:
    """The interview and confirm steps, reading earlier answers from `flow_id`'s progress."""

    def recommendation(ws: Workspace) -> Recommendation:
        return recommend(interview_answers(ws, flow_id))

    def confirm(ws: Workspace) -> Step:
        rec = recommendation(ws)
        options = tuple(Option(r.idp.value, IDP_NAMES[r.idp], f"score {r.score}") for r in rec.ranking)
        return Step(
            "confirm",
            "Your identity provider",
            f"The interview recommends {rec.recommended.name}; "
            f"the runner-up is {rec.runner_up.name}. Keep the recommendation, or choose another if you "
            "know something the interview did not ask. The preview shows the reasons for your pick.",
            (
                Question(
                    "idp",
                    "Identity provider",
                    Kind.CHOICE,
                    "idp-comparison",
                    options=options,
                    default=rec.recommended.idp.value,
                ),
            ),
            "identity-provider",
        )

    def apply_confirm(ws: Workspace, answers: Answers) -> Workspace:
        chosen = IdP(str(answers["idp"]))
        ws.consultancy.idp = chosen
        ws.consultancy.idp_reasons = recommendation(ws).reasons_for(chosen)
        return ws

    def preview_confirm(ws: Workspace, answers: Answers) -> str:
        rec = recommendation(ws)
        chosen = IdP(str(answers.get("idp") or rec.recommended.idp.value))
        lines = [f"Why {IDP_NAMES[chosen]}:"] + [f"  • {r}" for r in rec.reasons_for(chosen)]
        return "\n".join(lines)

    return [
        StepDef("interview", _interview, lambda ws, a: ws, _preview_interview),
        StepDef("confirm", confirm, apply_confirm, preview_confirm),
    ]


STEPS = make_steps(FLOW_ID)
FLOW = Flow(
    FLOW_ID,
    "Choose an identity provider",
    "A decision interview with reasons and a runner-up.",
    STEPS,
    lambda ws: "\n".join(
        [
            f"Identity provider: {ws.consultancy.idp or 'not chosen'}",
            *(f"  • {r}" for r in ws.consultancy.idp_reasons),
        ]
    ),
)
