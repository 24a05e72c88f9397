"""Flow: groups for the consultancy's own tenant from role templates, with admin groups kept apart."""

from __future__ import annotations

from collections.abc import Callable

from flows.options import check_roles, text, text_list
from wizard.idps import where as idp_words
from wizard.model import Group, GroupKind, Status, Workspace
from wizard.naming import check_group_name, group_name
from wizard.steps import Answer, Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems

# Role templates: the roles a data/AI consultancy usually needs, and the admin roles kept in separate groups.
ROLE_TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "solo": (["Data-Engineer", "Automation-Owner"], ["Global"]),
    "team": (["Data-Engineer", "Analyst", "Automation-Owner", "Contractor"], ["Global", "Identity"]),
    "custom": ([], []),
}
TEMPLATE_OPTIONS = (
    Option("solo", "Solo consultant", "you, plus room for a helper"),
    Option("team", "Small team with contractors", "engineers, analysts, contractors; identity admin apart"),
    Option("custom", "Only the roles I list below"),
)
KIND_OPTIONS = (
    Option(GroupKind.SECURITY.value, "Security group", "for access to apps and resources"),
    Option(GroupKind.M365.value, "Microsoft 365 group", "adds a mailbox, Teams and SharePoint site"),
)


def plan_groups(
    ws: Workspace,
    roles: list[str],
    admin_roles: list[str],
    client: str = "",
    kind: GroupKind = GroupKind.SECURITY,
) -> list[Group]:
    """The groups the convention gives for these roles (not yet added to the workspace); admins always security."""
    conv = ws.consultancy.naming
    who = f" for {client}" if client else ""
    out = [
        Group(
            name=group_name(conv, r, client),
            client=client,
            role=r,
            kind=kind,
            description=f"{r.replace('-', ' ')}{who}",
        )
        for r in dict.fromkeys(roles)
    ]
    out += [
        Group(
            name=group_name(conv, r, client, admin=True),
            client=client,
            role=r,
            admin=True,
            description=f"Administrators: {r.replace('-', ' ')}{who}; eligible through PIM, not standing",
        )
        for r in dict.fromkeys(admin_roles)
    ]
    return out


def group_problems(ws: Workspace, groups: list[Group]) -> list[str]:
    """Every naming problem of the planned groups, and clashes between a role and an admin group's name."""
    problems = [
        f"'{g.name}' {p}"
        for g in groups
        for p in check_group_name(g.name, ws.consultancy.naming, ws.consultancy.idp)
    ]
    names = [g.name.lower() for g in groups]
    clashes = sorted({n for n in names if names.count(n) > 1})
    problems += [f"two planned groups are both named '{n}'" for n in clashes]
    for g in groups:
        have = ws.group(g.name)
        if have is not None and (have.client != g.client or have.admin != g.admin):
            problems.append(f"'{g.name}' already exists for another purpose")
    return problems


def add_groups(ws: Workspace, groups: list[Group]) -> tuple[Workspace, list[str]]:
    """Add groups that are not there yet (by name, case-insensitive), update planned ones' type and
    description (owners and other fields set later stay); returns (workspace, problems)."""
    problems = group_problems(ws, groups)
    if problems:
        return ws, problems
    have = {g.name.lower(): g for g in ws.groups if g.status != Status.RETIRED}
    for g in groups:
        existing = have.get(g.name.lower())
        if existing is None:
            ws.groups.append(g)
        elif existing.status == Status.PLANNED:  # still on paper: takes the answers' type and description
            existing.kind, existing.description = g.kind, g.description
    return ws, []


def role_check(ws: Workspace, client: str = "", admin: bool = False) -> Callable[[Answer], list[str]]:
    """A validator for role lines: each a role name whose group name (by the convention) the IdP accepts."""

    def check(value: Answer) -> list[str]:
        roles = value if isinstance(value, list) else [str(value)]
        found = check_roles(roles)
        if found:
            return found
        for role in roles:
            try:
                name = group_name(ws.consultancy.naming, role, client, admin=admin)
            except KeyError:
                return []  # the convention itself is broken; its own step says so
            problems = check_group_name(name, ws.consultancy.naming, ws.consultancy.idp)
            if problems:
                return [f"'{name}' {problems[0]}"]
        return []

    return check


def _build(ws: Workspace) -> Step:
    entra = idp_words.is_entra(ws)
    prof = idp_words.profile(ws)
    return Step(
        "roles",
        "Groups for your own tenant"
        if entra
        else f"{idp_words.plural(prof.groups.term)[:1].upper()}{idp_words.plural(prof.groups.term)[1:]} in "
        f"{prof.groups.container}",
        "People get access through groups, never one by one. "
        "One group per role; administrators in separate groups so their rights can be time-limited. "
        "Start from a template and adjust the lists.",
        (
            Question(
                "template",
                "Role template",
                Kind.CHOICE,
                "group-types",
                options=TEMPLATE_OPTIONS,
                default="solo",
            ),
            Question(
                "roles",
                "Extra roles",
                Kind.LIST,
                "group-types",
                default=[],
                required=False,
                validate=role_check(ws),
                help="One per line, e.g. Analyst; added to the template's roles.",
            ),
            Question(
                "admin_roles",
                "Extra admin roles (separate groups)",
                Kind.LIST,
                "pim",
                default=[],
                validate=role_check(ws, admin=True),
                required=False,
                help="Admin groups are never mixed with role groups.",
            ),
            Question(
                "kind",
                "Group type",
                Kind.CHOICE,
                "group-types",
                default=GroupKind.SECURITY.value,
                # Microsoft 365 groups exist only in Entra; elsewhere the one kind is the IdP's own group
                options=KIND_OPTIONS
                if entra
                else (
                    Option(
                        GroupKind.SECURITY.value,
                        prof.groups.term[:1].upper() + prof.groups.term[1:],
                        f"in {prof.groups.container}",
                    ),
                ),
            ),
        ),
        "group-types" if entra else "idp-objects",
    )


def _planned(ws: Workspace, answers: Answers) -> list[Group]:
    base_roles, base_admins = ROLE_TEMPLATES.get(text(answers, "template", "solo"), ([], []))
    return plan_groups(
        ws,
        [*base_roles, *text_list(answers, "roles")],
        [*base_admins, *text_list(answers, "admin_roles")],
        kind=GroupKind(text(answers, "kind", GroupKind.SECURITY.value)),
    )


def _validate(ws: Workspace, answers: Answers) -> dict[str, str]:
    if not _planned(ws, answers):
        return {"roles": "the custom template needs at least one role"}
    return {}


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    ws, problems = add_groups(ws, _planned(ws, answers))
    if problems:
        raise StepProblems({"roles": "; ".join(problems[:3])})
    return ws


def preview_groups(ws: Workspace, groups: list[Group]) -> str:
    """One line per planned group: checked name, admin mark, new or existing."""
    lines = []
    for g in groups:
        state = "exists" if ws.group(g.name) else "new"
        problems = check_group_name(g.name, ws.consultancy.naming, ws.consultancy.idp)
        lines.append(
            f"  {'✗' if problems else '✓'} {g.name}{' (admin)' if g.admin else ''} — {state}"
            + (f": {problems[0]}" if problems else "")
        )
    return "Groups:\n" + "\n".join(lines)


STEPS = [StepDef("roles", _build, _apply, lambda ws, a: preview_groups(ws, _planned(ws, a)), _validate)]
FLOW = Flow(
    "groups",
    "Groups",
    "Role groups for your tenant, admins apart.",
    STEPS,
    lambda ws: preview_groups(ws, [g for g in ws.groups if not g.client]),
)
