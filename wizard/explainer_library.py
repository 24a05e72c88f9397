"""The explainer library: the files of the `explainers` package loaded, checked, searched and personalised
with the user's own workspace ("In your setup"). Their format is parsed by `wizard.explainer_format`."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources

from wizard.explainer_format import (  # the format's names are re-exported: code reaches them through here
    DIAGRAM_WIDTH,
    LINK,
    PLACEHOLDER,
    SECTIONS,
    Explainer,
    ExplainerError,
    parse,
)
from wizard.model import Workspace
from wizard.safe_text import markdown_text


@functools.cache
def _library() -> dict[str, Explainer]:
    found: dict[str, Explainer] = {}
    for entry in sorted(resources.files("explainers").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            exp = parse(entry.read_text(encoding="utf-8"), f"explainers/{entry.name}")
            if f"{exp.id}.md" != entry.name:
                raise ExplainerError(f"explainers/{entry.name}:2: id {exp.id!r} does not match the file name")
            found[exp.id] = exp
    return found


def all_explainers() -> list[Explainer]:
    """Every explainer, sorted by title."""
    return sorted(_library().values(), key=lambda e: e.title.lower())


def get(explainer_id: str) -> Explainer:
    """One explainer by id (KeyError when unknown)."""
    return _library()[explainer_id]


def exists(explainer_id: str) -> bool:
    """Whether an explainer with this id ships with idspine."""
    return explainer_id in _library()


@dataclass(frozen=True)
class SearchResult:
    """A search hit with its score between 0 and 1 (higher is better)."""

    explainer: Explainer
    score: float


_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class _Index:
    """One explainer's words, split by where they occur, for ranking."""

    title: frozenset[str]
    head: frozenset[str]
    body: tuple[str, ...]
    head_text: str
    body_text: str


@functools.cache
def _index() -> dict[str, _Index]:
    found = {}
    for e in _library().values():
        title = _WORD.findall(e.title.lower())
        head = _WORD.findall(f"{e.id} {e.summary}".lower())
        body = _WORD.findall(" ".join(e.sections.values()).lower())
        found[e.id] = _Index(
            frozenset(title),
            frozenset(title + head),
            tuple(body),
            " " + " ".join(title + head) + " ",
            " " + " ".join(body) + " ",
        )
    return found


def _query_words(query: str) -> list[str]:
    """Lower-case words of a query, plural 's' dropped from longer words so 'tokens' finds 'token'."""
    words = _WORD.findall(query.lower())
    return [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def _word_score(word: str, idx: _Index) -> float:
    """How well one query word matches: title beats id/summary beats body (more mentions help a bit)."""
    if any(t.startswith(word) for t in idx.title):
        return 1.0
    if any(t.startswith(word) for t in idx.head):
        return 0.8
    hits = sum(1 for t in idx.body if t.startswith(word))
    return 0.3 + 0.05 * min(hits, 6) if hits else 0.0


def search(query: str) -> list[SearchResult]:
    """Explainers containing every word of the query (matched at word starts), best first.

    Title words weigh most, then id and summary, then the body (more mentions help a little); the query
    as a phrase earns a bonus, and an exact title or id scores 1."""
    words = _query_words(query)
    if not words:
        return [SearchResult(e, 0.5) for e in all_explainers()]
    lib = _library()
    phrase = " " + " ".join(words)
    results: list[SearchResult] = []
    for exp_id, idx in _index().items():
        scores = [_word_score(w, idx) for w in words]
        if not all(scores):
            continue
        score = 0.8 * sum(scores) / len(words)
        if len(words) > 1:
            score += 0.2 if phrase in idx.head_text else 0.1 if phrase in idx.body_text else 0.0
        if exp_id == "-".join(words) or " ".join(_WORD.findall(lib[exp_id].title.lower())) == phrase.strip():
            score = 1.0
        results.append(SearchResult(lib[exp_id], round(min(score, 1.0), 4)))
    return sorted(results, key=lambda r: (-r.score, r.explainer.title))


def setup_values(ws: Workspace | None, today: dt.date | None = None) -> dict[str, str]:
    """Values for the placeholders of "In your setup", with readable defaults when unknown; `today` dates
    the expiry list (default: the real date)."""
    values = {
        "idp_name": "your IdP",
        "home_tenant": "your tenant",
        "example_group": "Tenant-Acme-Data-Engineer",
        "example_admin_group": "Admin-Acme-Owner",
        "example_sp": "svc-n8n-graph-acme",
        "n8n_url": "https://n8n.example.com",
        "clients": "your clients",
        "consultancy": "your consultancy",
        "static_keys": "none recorded yet",
        "expiring": "nothing yet",
        "federated_sps": "none yet",
        "managed_identities": "none yet",
        "n8n_credentials": "none yet",
        "privileged": "none recorded",
        "oauth_user": "none yet",
        "residencies": "no clients yet",
    }
    if ws is None:
        return values
    from wizard.advice.idp import IDP_NAMES

    c = ws.consultancy
    if c.idp:
        values["idp_name"] = IDP_NAMES[c.idp]
    if c.home_tenant:
        values["home_tenant"] = c.home_tenant
    values["consultancy"] = c.name
    normal = [g.name for g in ws.groups if not g.admin]
    admin = [g.name for g in ws.groups if g.admin]
    if normal:
        values["example_group"] = normal[0]
    if admin:
        values["example_admin_group"] = admin[0]
    if ws.service_principals:
        values["example_sp"] = ws.service_principals[0].name
    if c.integrations.n8n_url:
        values["n8n_url"] = c.integrations.n8n_url
    if ws.clients:
        values["clients"] = _names([cl.name for cl in ws.clients], "your clients")
    values.update(_inventory_values(ws, today or dt.date.today()))
    return values


def _names(items: list[str], none: str) -> str:
    return ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "") if items else none


def _inventory_values(ws: Workspace, today: dt.date) -> dict[str, str]:
    """Lists drawn from the inventory for the placeholders that describe it."""
    from wizard.model import STATIC_METHODS, CredentialKind, Method, Status

    live = [c for c in ws.credentials if c.status != Status.RETIRED]
    soon = today + dt.timedelta(days=30)
    return {
        "static_keys": _names([c.id for c in live if c.method in STATIC_METHODS], "none recorded yet"),
        "expiring": _names(
            [c.id for c in live if c.expires and c.expires <= soon], "nothing in the next 30 days"
        ),
        "federated_sps": _names(
            [s.name for s in ws.service_principals if s.credential_kind == CredentialKind.FEDERATED],
            "none yet",
        ),
        "managed_identities": _names([c.id for c in live if c.method == Method.MANAGED_IDENTITY], "none yet"),
        "n8n_credentials": _names([c.id for c in live if c.n8n_type], "none yet"),
        "privileged": _names([c.id for c in live if c.privileged], "none recorded"),
        "oauth_user": _names([c.id for c in live if c.method == Method.OAUTH_USER], "none yet"),
        "residencies": _names([f"{cl.name} ({cl.residency or '?'})" for cl in ws.clients], "no clients yet"),
    }


def fill(
    explainer: Explainer, ws: Workspace | None = None, links: str = "markdown", today: dt.date | None = None
) -> str:
    """The explainer as Markdown, "In your setup" personalised; [[id]] links as Markdown links or plain titles."""
    values = setup_values(ws, today)

    def link(match: re.Match[str]) -> str:
        target = match.group(1)
        title = _library()[target].title if target in _library() else target
        return f"[{title}](explainer:{target})" if links == "markdown" else title

    parts = [f"# {explainer.title}", "", f"*{explainer.summary}*", ""]
    for name in SECTIONS:
        body = explainer.sections[name]
        if name == "In your setup":
            body = PLACEHOLDER.sub(
                lambda m: markdown_text(values[m.group(1)]) if m.group(1) in values else m.group(0), body
            )
        parts += [f"## {name}", "", body, ""]
    if explainer.related:
        related = ", ".join(f"[[{r}]]" for r in explainer.related)
        parts += ["## Related", "", related, ""]
    return LINK.sub(link, "\n".join(parts)).rstrip() + "\n"


def pane_text(explainer: Explainer, ws: Workspace | None = None, today: dt.date | None = None) -> str:
    """The short form shown beside a wizard step: summary, plain words, the diagram and pitfalls."""
    values = setup_values(ws, today)
    setup = PLACEHOLDER.sub(
        lambda m: markdown_text(values[m.group(1)]) if m.group(1) in values else m.group(0),
        explainer.sections["In your setup"],
    )
    md = "\n\n".join(
        [
            f"### {explainer.title}",
            explainer.sections["In plain words"],
            "**What travels where**",
            explainer.sections["What travels where"],
            "**Pitfalls**",
            explainer.sections["Pitfalls"],
            "**In your setup**",
            setup,
        ]
    )
    return LINK.sub(lambda m: _library()[m.group(1)].title if m.group(1) in _library() else m.group(1), md)


def validate_library() -> list[str]:
    """Problems across all explainers: unknown related ids and links, unknown placeholders, diagrams that
    are not a fenced text block of at most DIAGRAM_WIDTH columns, sources that are not https addresses or
    are not listed under "## Sources"."""
    problems = []
    lib = _library()
    known_placeholders = set(setup_values(None))
    for e in lib.values():
        where = f"explainers/{e.id}.md"
        for r in e.related:
            if r not in lib:
                problems.append(f"{where}: related id {r!r} does not exist")
            elif r == e.id:
                problems.append(f"{where}: lists itself as related")
        if len(set(e.related)) != len(e.related):
            problems.append(f"{where}: a related id is listed twice")
        for target in LINK.findall(" ".join(e.sections.values())):
            if target not in lib:
                problems.append(f"{where}: link [[{target}]] goes nowhere")
        for name in PLACEHOLDER.findall(e.sections["In your setup"]):
            if name not in known_placeholders:
                problems.append(f"{where}: placeholder {{{name}}} is not one of {sorted(known_placeholders)}")
        diagram = e.sections["What travels where"].splitlines()
        if not diagram or diagram[0].strip() != "```text" or diagram[-1].strip() != "```":
            problems.append(f"{where}: 'What travels where' must be one ```text fenced block")
        for line in diagram:
            if len(line) > DIAGRAM_WIDTH:
                problems.append(
                    f"{where}: diagram line wider than {DIAGRAM_WIDTH} columns: {line.strip()[:40]}"
                )
        for source in e.sources:
            if not source.startswith("https://"):
                problems.append(f"{where}: source {source!r} is not an https address")
            if source not in e.sections["Sources"]:
                problems.append(f"{where}: source {source} is not listed under '## Sources'")
    return problems
