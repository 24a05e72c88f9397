"""Flow: first-time setup, from nothing to a sound plan (hats and tools, IdP, naming, groups, identities, methods).

The steps are those of the single-purpose flows, in order, each reading its earlier answers from this flow's
progress; the last step reviews the plan and adds what stays manual to the checklist.
"""

from __future__ import annotations

from flows import credentials, groups, idp_choice, naming, service_principals
from flows.idp_address import with_idp_address
from flows.options import (
    HAT_OPTIONS,
    check_has_letters,
    check_tenant,
    service_options,
    slugify,
    text,
    text_list,
)
from flows.review import add_checklist, manual_steps, plan_text
from wizard.model import Hat, Workspace
from wizard.steps import Answers, Flow, Kind, Question, Step, StepDef, StepProblems

FLOW_ID = "first-setup"
DEFAULT_SLUGS = ("", "my-consultancy", "consultancy")


def _about(ws: Workspace) -> Step:
    c = ws.consultancy
    return Step(
        "about",
        "You and your tools",
        "Start with who you are and what you use. Your hats decide how "
        "strict the advice is; your tools decide which credentials you will need.",
        (
            Question(
                "name",
                "Consultancy name",
                Kind.TEXT,
                "credential-inventory",
                default=c.name,
                validate=check_has_letters,
            ),
            Question(
                "home_tenant",
                "Home tenant (domain or tenant id)",
                Kind.TEXT,
                "identity-provider",
                default=c.home_tenant,
                required=False,
                placeholder="yourco.onmicrosoft.com",
                validate=check_tenant,
            ),
            Question(
                "hats",
                "Your hats",
                Kind.MULTI,
                "consultant-hats",
                options=HAT_OPTIONS,
                default=[h.value for h in c.hats] or [Hat.PROTOTYPE.value, Hat.CLIENT_DELIVERY.value],
            ),
            Question(
                "tools",
                "Tools you connect to",
                Kind.MULTI,
                "credential-inventory",
                options=service_options(),
                default=list(c.tools) or ["n8n", "supabase", "airtable", "github", "microsoft-graph"],
            ),
        ),
        "consultant-hats",
    )


def _apply_about(ws: Workspace, answers: Answers) -> Workspace:
    hats = [Hat(h) for h in text_list(answers, "hats")]
    if not hats:
        raise StepProblems({"hats": "pick at least one hat"})
    c = ws.consultancy
    c.name = text(answers, "name")
    if c.slug in DEFAULT_SLUGS:
        c.slug = slugify(c.name)
    c.home_tenant = text(answers, "home_tenant")
    c.hats = hats
    c.tools = text_list(answers, "tools")
    return ws


def _review(ws: Workspace) -> Step:
    return Step(
        "review",
        "Review the plan",
        "Everything so far is a plan: nothing has changed anywhere yet. "
        "The preview lists what will be created, where, and what stays manual. Finishing saves the "
        "inventory and adds the manual steps to the checklist (export it with `idspine export "
        "checklist`).",
        (
            Question(
                "confirm",
                "Save this plan and add the manual steps to the checklist",
                Kind.CONFIRM,
                "credential-inventory",
                default=True,
            ),
        ),
        "credential-inventory",
    )


def _apply_review(ws: Workspace, answers: Answers) -> Workspace:
    if answers.get("confirm") is not True:
        raise StepProblems({"confirm": "confirm to save the plan (or go back and change it)"})
    return add_checklist(ws, manual_steps(ws))


def review_text(ws: Workspace) -> str:
    """The whole first-setup plan: the IdP and its reasons, then what will be created and what stays manual."""
    head = [f"Identity provider: {ws.consultancy.idp.value if ws.consultancy.idp else 'not chosen yet'}"]
    head += [f"  • {r}" for r in ws.consultancy.idp_reasons]
    return "\n".join([*head, "", plan_text(ws)])


STEPS = [
    StepDef("about", _about, _apply_about),
    *idp_choice.make_steps(FLOW_ID),
    with_idp_address(naming.STEPS[0]),
    *naming.STEPS[1:],
    *groups.STEPS,
    *service_principals.STEPS,
    *credentials.make_steps(FLOW_ID),
    StepDef("review", _review, _apply_review, lambda ws, a: review_text(ws)),
]
FLOW = Flow(
    FLOW_ID,
    "First-time setup",
    "From nothing to a plan: IdP, naming, groups, identities and a credential method per service.",
    STEPS,
    review_text,
)
