"""Flow: groups for the consultancy's own tenant from role templates, with admin groups kept apart."""

from __future__ import annotations

from wizard.model import Group, GroupKind, Workspace
from wizard.naming import check_group_name, group_name
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems

DEFAULT_ROLES = ["Data-Engineer", "Analyst", "Automation-Owner"]
DEFAULT_ADMIN_ROLES = ["Global"]


def plan_groups(ws: Workspace, roles: list[str], admin_roles: list[str], client: str = "",
                kind: GroupKind = GroupKind.SECURITY) -> list[Group]:
    """The groups the convention gives for these roles (not yet added to the workspace)."""
    conv = ws.consultancy.naming
    who = f" for {client}" if client else ""
    out = [Group(name=group_name(conv, r, client), client=client, role=r, kind=kind,
                 description=f"{r.replace('-', ' ')}{who}") for r in roles]
    out += [Group(name=group_name(conv, r, client, admin=True), client=client, role=r, admin=True,
                  description=f"Administrators: {r.replace('-', ' ')}{who}; eligible through PIM, not standing")
            for r in admin_roles]
    return out


def add_groups(ws: Workspace, groups: list[Group]) -> tuple[Workspace, list[str]]:
    """Add groups that are not there yet (by name, case-insensitive); returns (workspace, problems)."""
    problems = [f"{g.name} {p}" for g in groups for p in check_group_name(g.name, ws.consultancy.naming,
                                                                             ws.consultancy.idp)]
    if problems:
        return ws, problems
    have = {g.name.lower() for g in ws.groups}
    ws.groups.extend(g for g in groups if g.name.lower() not in have)
    return ws, []


def _build(ws: Workspace) -> Step:
    return Step("roles", "Groups for your own tenant", "People get access through groups, never one by one. "
                "One group per role; administrators in separate groups so their rights can be time-limited.", (
        Question("roles", "Roles", Kind.LIST, "group-types", default=DEFAULT_ROLES,
                 help="One per line, e.g. Data-Engineer"),
        Question("admin_roles", "Admin roles (separate groups)", Kind.LIST, "pim", default=DEFAULT_ADMIN_ROLES,
                 required=False),
        Question("kind", "Group type", Kind.CHOICE, "group-types", default=GroupKind.SECURITY.value, options=(
            Option(GroupKind.SECURITY.value, "Security group", "for access to apps and resources"),
            Option(GroupKind.M365.value, "Microsoft 365 group", "adds a mailbox, Teams and SharePoint site"),
        )),
    ), "group-types")


def _planned(ws: Workspace, answers: Answers) -> list[Group]:
    return plan_groups(ws, list(answers.get("roles") or []), list(answers.get("admin_roles") or []),  # type: ignore[arg-type]
                       kind=GroupKind(str(answers.get("kind") or GroupKind.SECURITY.value)))


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    ws, problems = add_groups(ws, _planned(ws, answers))
    if problems:
        raise StepProblems({"roles": problems[0]})
    return ws


def _preview(ws: Workspace, answers: Answers) -> str:
    have = {g.name.lower() for g in ws.groups}
    lines = []
    for g in _planned(ws, answers):
        state = "exists" if g.name.lower() in have else "new"
        problems = check_group_name(g.name, ws.consultancy.naming, ws.consultancy.idp)
        lines.append(f"  {'✗' if problems else '✓'} {g.name}{' (admin)' if g.admin else ''} — {state}"
                     + (f": {problems[0]}" if problems else ""))
    return "Groups:\n" + "\n".join(lines)


STEPS = [StepDef("roles", _build, _apply, _preview)]
FLOW = Flow("groups", "Groups", "Role groups for your tenant, admins apart.", STEPS)
