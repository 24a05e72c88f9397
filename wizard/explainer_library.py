"""The explainers: Markdown files with front matter, loaded from the `explainers` package, searched and
personalised with the user's own workspace ("In your setup")."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from wizard.model import Workspace

SECTIONS = ("In plain words", "What travels where", "Pitfalls", "In your setup", "Sources")
FRONT_KEYS = ("id", "title", "summary", "related", "sources")
DIAGRAM_WIDTH = 76
_LINK = re.compile(r"\[\[([a-z0-9-]+)\]\]")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class ExplainerError(ValueError):
    """An explainer file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Explainer:
    """One concept: metadata and Markdown sections."""

    id: str
    title: str
    summary: str
    related: tuple[str, ...]
    sources: tuple[str, ...]
    sections: dict[str, str]

    @property
    def text(self) -> str:
        """All sections as one lower-case string, for search."""
        return " ".join([self.title, self.summary, *self.sections.values()]).lower()


def _list(value: str, file: str, line: int) -> tuple[str, ...]:
    value = value.strip()
    if not (value.startswith("[") and value.endswith("]")):
        raise ExplainerError(f"{file}:{line}: expected a [list, of, values]")
    return tuple(v.strip().strip('"') for v in value[1:-1].split(",") if v.strip())


def parse(text: str, file: str = "<explainer>") -> Explainer:
    """Parse one explainer file; ExplainerError with file and line when it is malformed."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ExplainerError(f"{file}:1: must start with a '---' front matter block")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ExplainerError(f"{file}:1: the front matter block is not closed with '---'") from None
    meta: dict[str, str] = {}
    meta_line: dict[str, int] = {}
    for i in range(1, end):
        if not lines[i].strip():
            continue
        key, sep, value = lines[i].partition(":")
        if not sep or key.strip() not in FRONT_KEYS:
            raise ExplainerError(f"{file}:{i + 1}: expected one of {', '.join(FRONT_KEYS)} as 'key: value'")
        meta[key.strip()] = value.strip().strip('"')
        meta_line[key.strip()] = i + 1
    missing = [k for k in FRONT_KEYS if k not in meta]
    if missing:
        raise ExplainerError(f"{file}:1: front matter lacks {', '.join(missing)}")
    sections: dict[str, str] = {}
    current: str | None = None
    body: list[str] = []
    for i in range(end + 1, len(lines)):
        line = lines[i]
        if line.startswith("## "):
            if current:
                sections[current] = "\n".join(body).strip()
            current, body = line[3:].strip(), []
        elif current:
            body.append(line)
    if current:
        sections[current] = "\n".join(body).strip()
    for name in SECTIONS:
        if not sections.get(name):
            raise ExplainerError(f"{file}: the section '## {name}' is missing or empty")
    return Explainer(
        id=meta["id"], title=meta["title"], summary=meta["summary"],
        related=_list(meta["related"], file, meta_line["related"]),
        sources=_list(meta["sources"], file, meta_line["sources"]), sections=sections,
    )


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
    """A search hit with its score (higher is better)."""

    explainer: Explainer
    score: float


def search(query: str) -> list[SearchResult]:
    """Explainers containing every word of the query, best first (title and summary hits weigh more)."""
    words = query.lower().split()
    if not words:
        return [SearchResult(e, 0.5) for e in all_explainers()]
    results = []
    for e in _library().values():
        head = f"{e.id} {e.title} {e.summary}".lower()
        text = e.text
        if all(w in text or w in head for w in words):
            score = sum(1.0 if w in head else 0.4 for w in words) / len(words)
            results.append(SearchResult(e, min(score, 1.0)))
    return sorted(results, key=lambda r: (-r.score, r.explainer.title))


def setup_values(ws: Workspace | None) -> dict[str, str]:
    """Values for the placeholders of "In your setup", with readable defaults when unknown."""
    values = {
        "idp_name": "your IdP", "home_tenant": "your tenant", "example_group": "Tenant-Acme-Data-Engineer",
        "example_admin_group": "Admin-Acme-Owner", "example_sp": "svc-n8n-graph-acme",
        "n8n_url": "https://n8n.example.com", "clients": "your clients", "consultancy": "your consultancy",
        "static_keys": "none recorded yet", "expiring": "nothing yet", "federated_sps": "none yet",
        "managed_identities": "none yet", "n8n_credentials": "none yet", "privileged": "none recorded",
        "oauth_user": "none yet", "residencies": "no clients yet",
    }
    if ws is None:
        return values
    from wizard.idp_interview import IDP_NAMES

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
        values["clients"] = ", ".join(cl.name for cl in ws.clients[:4])
    values.update(_inventory_values(ws))
    return values


def _names(items: list[str], none: str) -> str:
    return ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "") if items else none


def _inventory_values(ws: Workspace) -> dict[str, str]:
    """Lists drawn from the inventory for the placeholders that describe it."""
    import datetime as dt

    from wizard.model import STATIC_METHODS, CredentialKind, Method, Status

    live = [c for c in ws.credentials if c.status != Status.RETIRED]
    soon = dt.date.today() + dt.timedelta(days=30)
    return {
        "static_keys": _names([c.id for c in live if c.method in STATIC_METHODS], "none recorded yet"),
        "expiring": _names([c.id for c in live if c.expires and c.expires <= soon], "nothing in the next 30 days"),
        "federated_sps": _names([s.name for s in ws.service_principals
                                 if s.credential_kind == CredentialKind.FEDERATED], "none yet"),
        "managed_identities": _names([c.id for c in live if c.method == Method.MANAGED_IDENTITY], "none yet"),
        "n8n_credentials": _names([c.id for c in live if c.n8n_type], "none yet"),
        "privileged": _names([c.id for c in live if c.privileged], "none recorded"),
        "oauth_user": _names([c.id for c in live if c.method == Method.OAUTH_USER], "none yet"),
        "residencies": _names([f"{cl.name} ({cl.residency or '?'})" for cl in ws.clients], "no clients yet"),
    }


def fill(explainer: Explainer, ws: Workspace | None = None, links: str = "markdown") -> str:
    """The explainer as Markdown, "In your setup" personalised; [[id]] links as Markdown links or plain titles."""
    values = setup_values(ws)

    def link(match: re.Match[str]) -> str:
        target = match.group(1)
        title = _library()[target].title if target in _library() else target
        return f"[{title}](explainer:{target})" if links == "markdown" else title

    parts = [f"# {explainer.title}", "", f"*{explainer.summary}*", ""]
    for name in SECTIONS:
        body = explainer.sections[name]
        if name == "In your setup":
            body = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)
        parts += [f"## {name}", "", body, ""]
    if explainer.related:
        related = ", ".join(f"[[{r}]]" for r in explainer.related)
        parts += ["## Related", "", related, ""]
    return _LINK.sub(link, "\n".join(parts)).rstrip() + "\n"


def pane_text(explainer: Explainer, ws: Workspace | None = None) -> str:
    """The short form shown beside a wizard step: summary, plain words, the diagram and pitfalls."""
    values = setup_values(ws)
    setup = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), explainer.sections["In your setup"])
    md = "\n\n".join([
        f"### {explainer.title}", explainer.sections["In plain words"],
        "**What travels where**", explainer.sections["What travels where"],
        "**Pitfalls**", explainer.sections["Pitfalls"], "**In your setup**", setup,
    ])
    return _LINK.sub(lambda m: _library()[m.group(1)].title if m.group(1) in _library() else m.group(1), md)


def validate_library() -> list[str]:
    """Problems across all explainers: unknown related ids, wide diagrams, bad sources."""
    problems = []
    lib = _library()
    for e in lib.values():
        for r in e.related:
            if r not in lib:
                problems.append(f"explainers/{e.id}.md: related id {r!r} does not exist")
        for target in _LINK.findall(" ".join(e.sections.values())):
            if target not in lib:
                problems.append(f"explainers/{e.id}.md: link [[{target}]] goes nowhere")
        for line in e.sections["What travels where"].splitlines():
            if len(line) > DIAGRAM_WIDTH:
                problems.append(f"explainers/{e.id}.md: diagram line wider than {DIAGRAM_WIDTH} columns")
        if not e.sources or not all(s.startswith("https://") for s in e.sources):
            problems.append(f"explainers/{e.id}.md: sources must be https addresses")
    return problems
