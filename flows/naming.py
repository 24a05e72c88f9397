"""Flow: the naming convention for groups and service principals, with a live preview and validation."""

from __future__ import annotations

import re
from collections.abc import Callable

from flows.options import check_name_part, check_words, text, text_list
from wizard.model import NamingConvention, Workspace
from wizard.naming import IDP_NAME_RULES, check_group_name, group_name, service_principal_name
from wizard.safe_regex import pattern_problem
from wizard.steps import Answer, Answers, Flow, Kind, Question, Step, StepDef, StepProblems

PLACEHOLDERS = {"client", "role", "tool", "purpose"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")


def _check_template(value: Answer, needs: tuple[str, ...] = ()) -> list[str]:
    """Problems with a name template: placeholders unknown, none at all, or a needed one missing."""
    found = _PLACEHOLDER.findall(str(value))
    unknown = sorted({p for p in found if p.lower() not in PLACEHOLDERS})
    if unknown:
        return [
            f"unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)}; use {{Client}} {{Role}} "
            "{tool} {purpose}"
        ]
    if str(value).count("{") != len(found) or str(value).count("}") != len(found):
        return ["braces must enclose a placeholder name, e.g. {Role}"]
    if not found:
        return ["needs at least one placeholder, e.g. {Role}; otherwise every name would be the same"]
    missing = [n for n in needs if n not in {p.lower() for p in found}]
    if missing:
        shown = {"client": "{Client}", "role": "{Role}", "tool": "{tool}", "purpose": "{purpose}"}
        return [f"needs {' and '.join(shown[m] for m in missing)}, so each name is distinct"]
    return []


def template_check(*needs: str) -> Callable[[Answer], list[str]]:
    """A validator for a template that must contain these placeholders (lower-case names)."""
    return lambda value: _check_template(value, needs)


NEEDS = {
    "group_template": ("client", "role"),
    "internal_group_template": ("role",),
    "admin_group_template": ("role",),
    "service_principal_template": ("tool", "purpose"),
}


def _check_length(value: Answer) -> list[str]:
    text_value = str(value)
    if not text_value.isdigit() or not 8 <= int(text_value) <= 256:
        return ["a whole number from 8 to 256, e.g. 64"]
    return []


def _check_pattern(value: Answer) -> list[str]:
    problem = pattern_problem(str(value))  # invalid, or a shape that could take unbounded time (ReDoS)
    return [problem] if problem else []


def _build(ws: Workspace) -> Step:
    n = ws.consultancy.naming
    return Step(
        "convention",
        "Naming convention",
        "Names carry meaning: who the group is for and what it "
        "grants. A fixed pattern makes names sortable, auditable and safe to automate. The preview "
        "shows real examples checked against your rules and your IdP's limits.",
        (
            Question(
                "group_template",
                "Client group pattern",
                Kind.TEXT,
                "naming-policy",
                default=n.group_template,
                help="Placeholders: {Client} {Role} (capitalised) or {client} {role} (as typed).",
                validate=template_check(*NEEDS["group_template"]),
            ),
            Question(
                "internal_group_template",
                "Internal group pattern",
                Kind.TEXT,
                "group-types",
                default=n.internal_group_template,
                validate=template_check(*NEEDS["internal_group_template"]),
            ),
            Question(
                "admin_group_template",
                "Admin group pattern (kept apart)",
                Kind.TEXT,
                "pim",
                default=n.admin_group_template,
                validate=template_check(*NEEDS["admin_group_template"]),
                help="Admin groups get their own prefix so they stand out and can be made eligible through PIM.",
            ),
            Question(
                "service_principal_template",
                "Service principal pattern",
                Kind.TEXT,
                "service-principals",
                default=n.service_principal_template,
                help="Placeholders: {tool} {purpose} {client}.",
                validate=template_check(*NEEDS["service_principal_template"]),
            ),
            Question(
                "prefix",
                "Required prefix",
                Kind.TEXT,
                "naming-policy",
                default=n.prefix,
                required=False,
                placeholder="nw-",
                validate=check_name_part,
            ),
            Question(
                "suffix",
                "Required suffix",
                Kind.TEXT,
                "naming-policy",
                default=n.suffix,
                required=False,
                validate=check_name_part,
            ),
            Question(
                "blocked_words",
                "Blocked words",
                Kind.LIST,
                "naming-policy",
                default=list(n.blocked_words),
                required=False,
                placeholder="test, temp, ceo",
                validate=check_words,
            ),
            Question(
                "allowed_pattern",
                "Allowed characters (regular expression)",
                Kind.TEXT,
                "naming-policy",
                default=n.allowed_pattern,
                validate=_check_pattern,
            ),
            Question(
                "max_length",
                "Maximum length",
                Kind.TEXT,
                "naming-policy",
                default=str(n.max_length),
                validate=_check_length,
            ),
        ),
        "naming-policy",
    )


def _validate(ws: Workspace, answers: Answers) -> dict[str, str]:
    problems: dict[str, str] = {}
    for key, needs in NEEDS.items():
        found = _check_template(text(answers, key), needs)
        if found:
            problems[key] = found[0]
    return problems


def _convention(ws: Workspace, answers: Answers) -> NamingConvention:
    try:
        return NamingConvention(
            group_template=text(answers, "group_template"),
            internal_group_template=text(answers, "internal_group_template"),
            admin_group_template=text(answers, "admin_group_template"),
            service_principal_template=text(answers, "service_principal_template"),
            prefix=text(answers, "prefix"),
            suffix=text(answers, "suffix"),
            blocked_words=text_list(answers, "blocked_words"),
            allowed_pattern=text(answers, "allowed_pattern", ws.consultancy.naming.allowed_pattern),
            max_length=int(text(answers, "max_length", "64")),
        )
    except ValueError:
        raise StepProblems({"max_length": "a whole number from 8 to 256, e.g. 64"}) from None


def examples(ws: Workspace, conv: NamingConvention) -> list[tuple[str, str, list[str]]]:
    """(question id, example name, problems) for names the convention produces."""
    client = ws.clients[0].slug if ws.clients else "acme"
    try:
        groups = [
            ("group_template", group_name(conv, "data-engineer", client)),
            ("internal_group_template", group_name(conv, "analyst")),
            ("admin_group_template", group_name(conv, "owner", client, admin=True)),
            ("admin_group_template", group_name(conv, "global", admin=True)),
        ]
        sp = service_principal_name(conv, "n8n", "graph", client)
    except KeyError as exc:
        raise StepProblems({"group_template": str(exc).strip("'\"")}) from None
    out = [(qid, name, check_group_name(name, conv, ws.consultancy.idp)) for qid, name in groups]
    sp_problems = [] if len(sp) <= 120 else ["is longer than 120 characters"]
    out.append(("service_principal_template", sp, sp_problems))
    return out


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    conv = _convention(ws, answers)
    problems: dict[str, str] = {}
    for qid, name, found in examples(ws, conv):
        if found and qid not in problems:
            problems[qid] = f"the pattern gives '{name}', which {'; '.join(found)}"
    if problems:
        raise StepProblems(problems)
    ws.consultancy.naming = conv
    return ws


def _preview(ws: Workspace, answers: Answers) -> str:
    conv = _convention(ws, answers)
    lines = ["Examples:"]
    for _, name, problems in examples(ws, conv):
        lines.append(
            f"  {'✗' if problems else '✓'} {name}" + (f"  — {'; '.join(problems)}" if problems else "")
        )
    if ws.consultancy.idp:
        lines.append(f"{ws.consultancy.idp.value}: {IDP_NAME_RULES[ws.consultancy.idp].note}")
    return "\n".join(lines)


STEPS = [StepDef("convention", _build, _apply, _preview, _validate)]
FLOW = Flow(
    "naming",
    "Naming conventions",
    "Patterns for group and service principal names.",
    STEPS,
    lambda ws: "\n".join(f"{n}" for _, n, _ in examples(ws, ws.consultancy.naming)),
)
