"""The chosen IdP's address (and, for Google, the project), asked on the step after the IdP is chosen.

Entra ID needs neither (the home tenant says where it is), so for Entra the wrapped step is the step itself,
unchanged; for every other IdP it gains the questions in front of its own.
"""

from __future__ import annotations

from dataclasses import replace

from flows.options import text
from wizard.idps.address import (
    ADDRESS_LABELS,
    check_address,
    check_gcp_project,
    needs_address,
    normalise_address,
)
from wizard.idps.catalogue import profile_for
from wizard.model import IdP, Workspace
from wizard.steps import Answer, Answers, Kind, Question, Step, StepDef

ADDRESS = "idp_address"
PROJECT = "gcp_project"
EXPLAINER = "idp-objects"


def _questions(ws: Workspace) -> tuple[Question, ...]:
    idp = ws.consultancy.idp
    if idp is None or not needs_address(idp):
        return ()
    label, placeholder = ADDRESS_LABELS[idp]

    def check(value: Answer) -> list[str]:
        return check_address(idp, str(value))

    out = [
        Question(
            ADDRESS,
            label,
            Kind.TEXT,
            EXPLAINER,
            default=ws.consultancy.idp_address,
            placeholder=placeholder,
            validate=check,
        )
    ]
    if idp == IdP.GOOGLE:
        out.append(
            Question(
                PROJECT,
                "Google Cloud project for service accounts",
                Kind.TEXT,
                EXPLAINER,
                default=ws.consultancy.gcp_project,
                placeholder="yourco-automation",
                validate=lambda value: check_gcp_project(str(value)),
            )
        )
    return tuple(out)


def with_idp_address(defn: StepDef) -> StepDef:
    """The step with the IdP address questions in front when the chosen IdP is not Entra ID."""

    def build(ws: Workspace) -> Step:
        step = defn.build(ws)
        extra = _questions(ws)
        if not extra:
            return step
        name = profile_for(ws.consultancy.idp).name
        intro = f"First, where {name} lives, so the plan and checklist can name it. " + step.intro
        return replace(step, intro=intro, questions=extra + step.questions)

    def apply(ws: Workspace, answers: Answers) -> Workspace:
        idp = ws.consultancy.idp
        if idp is not None and needs_address(idp) and text(answers, ADDRESS):
            ws.consultancy.idp_address = normalise_address(idp, text(answers, ADDRESS))
            if idp == IdP.GOOGLE:
                ws.consultancy.gcp_project = text(answers, PROJECT)
        return defn.apply(ws, answers)

    return StepDef(defn.id, build, apply, defn.preview, defn.validate)
