"""Flow: the naming convention for groups and service principals, with a live preview and validation."""

from __future__ import annotations

from wizard.model import NamingConvention, Workspace
from wizard.naming import IDP_NAME_RULES, check_group_name, group_name, service_principal_name
from wizard.steps import Answers, Flow, Kind, Question, Step, StepDef, StepProblems


def _build(ws: Workspace) -> Step:
    n = ws.consultancy.naming
    return Step("convention", "Naming convention", "Names carry meaning: who the group is for and what it "
                "grants. A fixed pattern makes them sortable, auditable and safe to automate.", (
        Question("group_template", "Client group pattern", Kind.TEXT, "naming-policy", default=n.group_template,
                 help="Placeholders: {Client} {Role} (capitalised) or {client} {role} (as typed)."),
        Question("internal_group_template", "Internal group pattern", Kind.TEXT, "naming-policy",
                 default=n.internal_group_template),
        Question("admin_group_template", "Admin group pattern (kept apart)", Kind.TEXT, "pim",
                 default=n.admin_group_template),
        Question("service_principal_template", "Service principal pattern", Kind.TEXT, "service-principals",
                 default=n.service_principal_template, help="Placeholders: {tool} {purpose} {client}."),
        Question("prefix", "Required prefix", Kind.TEXT, "naming-policy", default=n.prefix, required=False),
        Question("suffix", "Required suffix", Kind.TEXT, "naming-policy", default=n.suffix, required=False),
        Question("blocked_words", "Blocked words", Kind.LIST, "naming-policy", default=list(n.blocked_words),
                 required=False, placeholder="admin, test, temp"),
        Question("max_length", "Maximum length", Kind.TEXT, "naming-policy", default=str(n.max_length)),
    ), "naming-policy")


def _convention(ws: Workspace, answers: Answers) -> NamingConvention:
    problems: dict[str, str] = {}
    try:
        length = int(str(answers.get("max_length") or 64))
    except ValueError:
        problems["max_length"] = "a whole number, e.g. 64"
        length = 64
    for key in ("group_template", "admin_group_template", "internal_group_template"):
        if "{role}" not in str(answers.get(key, "")).lower():
            problems[key] = "the pattern needs a {Role} placeholder"
    if "{client}" not in str(answers.get("group_template", "")).lower():
        problems["group_template"] = "client groups need a {Client} placeholder"
    if problems:
        raise StepProblems(problems)
    try:
        return NamingConvention(
            group_template=str(answers["group_template"]),
            internal_group_template=str(answers["internal_group_template"]),
            admin_group_template=str(answers["admin_group_template"]),
            service_principal_template=str(answers["service_principal_template"]),
            prefix=str(answers.get("prefix") or ""), suffix=str(answers.get("suffix") or ""),
            blocked_words=list(answers.get("blocked_words") or []),  # type: ignore[arg-type]
            max_length=length, allowed_pattern=ws.consultancy.naming.allowed_pattern,
        )
    except ValueError as exc:
        raise StepProblems({"max_length": str(exc).splitlines()[-1]}) from None


def _examples(ws: Workspace, conv: NamingConvention) -> list[tuple[str, list[str]]]:
    client = ws.clients[0].slug if ws.clients else "acme"
    names = [group_name(conv, "data-engineer", client), group_name(conv, "analyst"),
             group_name(conv, "owner", client, admin=True)]
    out = [(n, check_group_name(n, conv, ws.consultancy.idp)) for n in names]
    sp = service_principal_name(conv, "n8n", "graph", client)
    out.append((sp, []))
    return out


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    conv = _convention(ws, answers)
    bad = [(n, p) for n, p in _examples(ws, conv) if p]
    if bad:
        name, problems = bad[0]
        raise StepProblems({"group_template": f"the pattern gives '{name}', which {problems[0]}"})
    ws.consultancy.naming = conv
    return ws


def _preview(ws: Workspace, answers: Answers) -> str:
    conv = _convention(ws, answers)
    lines = ["Examples:"]
    for name, problems in _examples(ws, conv):
        lines.append(f"  {'✗' if problems else '✓'} {name}" + (f"  — {'; '.join(problems)}" if problems else ""))
    if ws.consultancy.idp:
        lines.append(f"{ws.consultancy.idp.value}: {IDP_NAME_RULES[ws.consultancy.idp].note}")
    return "\n".join(lines)


STEPS = [StepDef("convention", _build, _apply, _preview)]
FLOW = Flow("naming", "Naming conventions", "Patterns for group and service principal names.", STEPS)
