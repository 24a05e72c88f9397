"""Drift: how the inventory and a live system disagree, one finding each, and the exit code they add up to.

Expiry is not drift: an inventory that records an expired secret truthfully is in sync (the audit reports
expiry). Objects are matched by their stable ids (object id, app id, key id, n8n credential id), never by
display name alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class DriftKind(StrEnum):
    """What kind of disagreement a finding is."""

    MISSING = "missing"  # recorded in the inventory (with a live id), not found in the live system
    UNKNOWN = "unknown"  # found in the live system, not recorded in the inventory
    CHANGED = "changed"  # recorded and found, but a compared property differs
    UNRECORDED_SECRET = "unrecorded-secret"  # a secret or certificate on a known app that nobody recorded


@dataclass(frozen=True)
class DriftFinding:
    """One disagreement. Every text field may hold hostile text from a server: escape it before output."""

    kind: DriftKind
    system: str  # "entra:TENANT", "n8n", "supabase:REF"
    object_type: str  # "application", "service principal", "client secret", "certificate",
    # "federated credential", "group", "n8n credential", "api key", "auth provider"
    key: str  # the live object's stable id (object id, app id, key id, n8n id); "" when only recorded
    name: str  # its display name, for people
    detail: str = ""  # e.g. "redirect URIs: recorded a, b; live a, b, c"
    entry: str = ""  # the inventory entry it concerns ("service_principal:svc-x", "credential:ID"), when any


@dataclass
class DriftReport:
    """Findings from every system that was compared, and the systems that could not be read."""

    checked_at: dt.datetime
    systems: list[str] = field(default_factory=list)  # the systems compared
    findings: list[DriftFinding] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # system -> one-line reason
    # What a system could not confirm either way (e.g. an n8n key without the scope to probe a credential):
    # said in the report, but neither drift nor "cannot read".
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 in sync, 1 drift, 2 a system could not be read (nothing can be said about it)."""
        if self.unreadable:
            return 2
        return 1 if self.findings else 0

    def merge(self, other: DriftReport) -> None:
        """Add another system's comparison to this report."""
        self.systems.extend(s for s in other.systems if s not in self.systems)
        self.findings.extend(other.findings)
        self.unreadable.update(other.unreadable)
        self.notes.extend(other.notes)

    def counts(self) -> dict[DriftKind, int]:
        """How many findings of each kind (every kind listed, zeros included)."""
        out = dict.fromkeys(DriftKind, 0)
        for f in self.findings:
            out[f.kind] += 1
        return out

    def as_dict(self) -> dict[str, object]:
        """The report as plain JSON-ready data (texts as the servers sent them: escape them where shown)."""
        return {
            "checked_at": self.checked_at.isoformat(),
            "exit_code": self.exit_code,
            "systems": list(self.systems),
            "counts": {k.value: n for k, n in self.counts().items()},
            "unreadable": dict(self.unreadable),
            "notes": list(self.notes),
            "findings": [
                {
                    "kind": f.kind.value,
                    "system": f.system,
                    "object_type": f.object_type,
                    "key": f.key,
                    "name": f.name,
                    "detail": f.detail,
                    "entry": f.entry,
                }
                for f in self.findings
            ],
        }
