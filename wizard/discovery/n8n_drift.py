"""n8n against the inventory: which credential each workflow node uses, what the inventory does not know.

n8n 1.123 has no way to list credentials through its public API, so what n8n holds is learned from the
workflows (every node names the credential it uses: id, name, type). An n8n credential is matched to the
inventory by its id (Credential.n8n_id), never by its name.

- unknown: a credential a workflow uses whose id no inventory entry records;
- missing: an inventory entry's n8n_id that n8n says does not exist (a credential nobody uses is fine:
  credentials may sit unused; only one that is gone is drift);
- changed: a recorded id whose n8n type differs from the one recorded, or an entry recorded as retired
  whose credential workflows still use.

`discovery_plan` and `adopt` are the review and `--adopt` of `idspine discover n8n`. Every text here came
from a server: escape it wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport
from wizard.model import Credential, Discovered, Method, Status, Workspace
from wizard.safe_text import one_line, plain_text

SYSTEM = "n8n"
USED_BY_PREFIX = "n8n:"


@dataclass(frozen=True)
class NodeCredential:
    """A credential as a workflow node names it."""

    id: str
    name: str
    type: str  # the n8n credential type, e.g. "airtableTokenApi"


@dataclass(frozen=True)
class WorkflowInfo:
    """One workflow and the credentials its nodes use (each once)."""

    id: str
    name: str
    active: bool
    credentials: tuple[NodeCredential, ...] = ()


@dataclass
class LiveCredential:
    """An n8n credential seen in workflows, with the workflows that use it."""

    id: str
    name: str
    type: str
    workflows: list[str] = field(default_factory=list)  # workflow names, sorted


def live_credentials(workflows: list[WorkflowInfo]) -> dict[str, LiveCredential]:
    """Every credential the workflows use, by n8n id."""
    found: dict[str, LiveCredential] = {}
    for wf in workflows:
        for nc in wf.credentials:
            live = found.setdefault(nc.id, LiveCredential(nc.id, nc.name, nc.type))
            if wf.name not in live.workflows:
                live.workflows.append(wf.name)
    for live in found.values():
        live.workflows.sort()
    return found


def recorded(ws: Workspace) -> dict[str, Credential]:
    """Inventory credentials with an n8n id (retired ones excluded), by that id."""
    return {c.n8n_id: c for c in ws.credentials if c.n8n_id and c.status != Status.RETIRED}


def _retired(ws: Workspace) -> dict[str, Credential]:
    return {c.n8n_id: c for c in ws.credentials if c.n8n_id and c.status == Status.RETIRED}


Exists = Callable[[str], "bool | None"]  # n8n id -> True/False, None when n8n cannot say


def compare_n8n(
    ws: Workspace, workflows: list[WorkflowInfo], exists: Exists, now: dt.datetime | None = None
) -> DriftReport:
    """The n8n drift: unknown credentials in workflows, recorded ids n8n no longer has, changed types."""
    report = DriftReport(checked_at=now or dt.datetime.now(dt.UTC), systems=[SYSTEM])
    live = live_credentials(workflows)
    known = recorded(ws)
    retired = _retired(ws)
    for cid, lc in sorted(live.items()):
        cred = known.get(cid)
        if cred is None and cid in retired:
            report.findings.append(
                DriftFinding(
                    DriftKind.CHANGED,
                    SYSTEM,
                    "n8n credential",
                    cid,
                    lc.name,
                    f"recorded as retired; still used by {_names(lc.workflows)}",
                    f"credential:{retired[cid].id}",
                )
            )
        elif cred is None:
            report.findings.append(
                DriftFinding(
                    DriftKind.UNKNOWN,
                    SYSTEM,
                    "n8n credential",
                    cid,
                    lc.name,
                    f"type {lc.type}; used by {_names(lc.workflows)}",
                )
            )
        elif cred.n8n_type and lc.type and cred.n8n_type != one_line(lc.type)[:100]:
            report.findings.append(
                DriftFinding(
                    DriftKind.CHANGED,
                    SYSTEM,
                    "n8n credential",
                    cid,
                    lc.name,
                    f"type: recorded {cred.n8n_type}; live {lc.type}",
                    f"credential:{cred.id}",
                )
            )
    for cid, cred in sorted(known.items()):
        if cid in live:
            continue
        answer = exists(cid)
        if answer is False:
            report.findings.append(
                DriftFinding(
                    DriftKind.MISSING,
                    SYSTEM,
                    "n8n credential",
                    cid,
                    cred.label or cred.id,
                    "n8n has no credential with this id",
                    f"credential:{cred.id}",
                )
            )
        elif answer is None:
            report.notes.append(
                f"n8n could not confirm credential {cid} ({cred.id}): the API key may lack the "
                "credential:move scope the existence probe needs"
            )
    return report


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# ---------------------------------------------------------------------------- discover n8n


@dataclass
class N8nDiscovery:
    """What `discover n8n` found: used_by per known entry, and the credentials the inventory lacks."""

    used_by: dict[str, list[str]] = field(default_factory=dict)  # inventory id -> ["n8n:<workflow>", ...]
    unknown: list[LiveCredential] = field(default_factory=list)
    workflows: int = 0


def discovery_plan(ws: Workspace, workflows: list[WorkflowInfo]) -> N8nDiscovery:
    """The review: which workflows use each known credential, and which used credentials are unknown."""
    plan = N8nDiscovery(workflows=len(workflows))
    known = recorded(ws)
    retired = _retired(ws)
    for cid, lc in sorted(live_credentials(workflows).items()):
        cred = known.get(cid)
        if cred is None and cid in retired:
            continue  # recorded, as retired: drift says it is still in use; adopting it again would duplicate it
        if cred is None:
            plan.unknown.append(lc)
        else:
            plan.used_by[cred.id] = [USED_BY_PREFIX + w for w in lc.workflows]
    return plan


def _safe(values: list[str]) -> tuple[list[str], list[str]]:
    """(accepted, refused): values as one plain line each (escape sequences and controls dropped, as Entra
    adoption does); secret-shaped or overlong ones refused, since the inventory must never hold a secret."""
    from wizard.secrets.guard import find_secret_kind

    ok, refused = [], []
    for value in values:
        plain = plain_text(value)
        if find_secret_kind(value) or find_secret_kind(plain) or len(plain) > 200:
            refused.append(value)
        else:
            ok.append(plain)
    return ok, refused


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    base = ("n8n-" + base)[:34].rstrip("-") if base else "n8n-credential"
    if not base[0].isalpha():
        base = "n8n-" + base
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:34]}-{n}"
        n += 1
    return candidate


def service_for_type(n8n_type: str) -> tuple[str, Method]:
    """The catalogue service and method whose n8n credential type this is ("n8n", api-key when none)."""
    from wizard.catalogue import load_catalogue

    for service in load_catalogue().services.values():
        for method in service.methods:
            if method.n8n_type == n8n_type:
                return service.id, method.method
    return "n8n", Method.API_KEY


@dataclass
class AdoptResult:
    """What `adopt` changed in the workspace."""

    updated: list[str] = field(default_factory=list)  # inventory ids whose used_by changed
    adopted: list[str] = field(default_factory=list)  # new inventory ids
    skipped: list[str] = field(default_factory=list)  # one line each: what was not taken, and why


def adopt(ws: Workspace, plan: N8nDiscovery, now: dt.datetime | None = None) -> AdoptResult:
    """Fill used_by of known entries and add each unknown credential, marked discovered (no secret)."""
    at = now or dt.datetime.now(dt.UTC)
    result = AdoptResult()
    for cred_id, uses in plan.used_by.items():
        cred = ws.credential(cred_id)
        if cred is None:
            continue
        accepted, refused = _safe(uses)
        if refused:
            result.skipped.append(
                f"{cred_id}: {len(refused)} workflow name(s) not recorded (unsafe text: secret-shaped or too long)"
            )
        merged = [u for u in cred.used_by if not u.startswith(USED_BY_PREFIX)] + accepted
        if merged != cred.used_by and accepted:
            cred.used_by = merged
            result.updated.append(cred_id)
    taken = {c.id for c in ws.credentials}
    for lc in plan.unknown:
        service, method = service_for_type(lc.type)
        accepted, refused = _safe([USED_BY_PREFIX + w for w in lc.workflows])
        label_ok, _ = _safe([lc.name])
        new_id = _slug(lc.name, taken)
        try:
            cred = Credential(
                id=new_id,
                service=service,
                method=method,
                label=(label_ok[0] if label_ok else "")[:120],
                used_by=accepted,
                n8n_type=one_line(lc.type)[:100],
                n8n_id=lc.id,
                status=Status.ACTIVE,
                notes=f"Found in n8n workflows; the secret stays in n8n (type {one_line(lc.type)[:100]})",
                discovered=Discovered(source=SYSTEM, at=at, key=lc.id),
            )
        except ValueError as exc:
            result.skipped.append(f"n8n credential {lc.id}: not adopted ({str(exc).splitlines()[0]})")
            continue
        ws.credentials.append(cred)
        taken.add(new_id)
        result.adopted.append(new_id)
        if refused:
            result.skipped.append(
                f"{new_id}: {len(refused)} workflow name(s) not recorded (unsafe text: secret-shaped or too long)"
            )
    return result
