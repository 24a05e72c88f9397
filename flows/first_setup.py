"""Flow: first-time setup, from nothing to a sound plan (hats and tools, IdP, naming, groups, identities, methods)."""

from __future__ import annotations

from flows import credentials, groups, idp_choice, naming, service_principals
from flows.options import HAT_OPTIONS, service_options, slugify
from flows.review import add_checklist, manual_steps, plan_text
from wizard.model import Hat, Workspace
from wizard.steps import Answers, Flow, Kind, Question, Step, StepDef, StepProblems


def _about(ws: Workspace) -> Step:
    c = ws.consultancy
    return Step("about", "You and your tools", "Start with who you are and what you use. Your hats decide how "
                "strict the advice is; your tools decide which credentials you will need.", (
        Question("name", "Consultancy name", Kind.TEXT, "credential-inventory", default=c.name),
        Question("home_tenant", "Home tenant (domain or tenant id)", Kind.TEXT, "identity-provider",
                 default=c.home_tenant, required=False, placeholder="yourco.onmicrosoft.com"),
        Question("hats", "Your hats", Kind.MULTI, "consultant-hats", options=HAT_OPTIONS,
                 default=[h.value for h in c.hats] or [Hat.PROTOTYPE.value, Hat.CLIENT_DELIVERY.value]),
        Question("tools", "Tools you connect to", Kind.MULTI, "credential-inventory", options=service_options(),
                 default=list(c.tools) or ["n8n", "supabase", "airtable", "github", "microsoft-graph"]),
    ), "consultant-hats")


def _apply_about(ws: Workspace, answers: Answers) -> Workspace:
    name = str(answers["name"])
    if not any(ch.isalpha() for ch in name):
        raise StepProblems({"name": "a name with letters, e.g. Northwind Data"})
    c = ws.consultancy
    c.name = name
    if c.slug in ("", "my-consultancy"):
        c.slug = slugify(name)
    c.home_tenant = str(answers.get("home_tenant") or "")
    c.hats = [Hat(h) for h in answers.get("hats") or []]  # type: ignore[union-attr]
    c.tools = list(answers.get("tools") or [])  # type: ignore[arg-type]
    if not c.hats:
        raise StepProblems({"hats": "pick at least one hat"})
    return ws


def _review(ws: Workspace) -> Step:
    return Step("review", "Review the plan", "Everything so far is a plan: nothing has changed anywhere yet. "
                "Saving writes the inventory and the checklist; `idspine apply` or the Entra screen carries out "
                "the parts idspine can do for you.",
                (Question("confirm", "Save this plan and add the manual steps to the checklist", Kind.CONFIRM,
                          "credential-inventory", default=True),), "credential-inventory")


def _apply_review(ws: Workspace, answers: Answers) -> Workspace:
    if answers.get("confirm") is not True:
        raise StepProblems({"confirm": "confirm to save the plan (or go back and change it)"})
    return add_checklist(ws, manual_steps(ws))


STEPS = [
    StepDef("about", _about, _apply_about),
    *idp_choice.STEPS,
    *naming.STEPS,
    *groups.STEPS,
    *service_principals.STEPS,
    *credentials.STEPS,
    StepDef("review", _review, _apply_review, lambda ws, a: plan_text(ws)),
]
FLOW = Flow("first-setup", "First-time setup", "From nothing to a plan: IdP, naming, groups, identities and "
            "a credential method per service.", STEPS)
