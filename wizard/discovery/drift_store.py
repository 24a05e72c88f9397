"""The last `idspine drift` result, kept beside the user's state (never in the inventory, never a secret).

One small JSON file per inventory, in platformdirs' user state folder (`~/.local/state/idspine/drift/` on
Linux), named by a hash of the inventory's real path so two inventories never share a result and the path
itself is not spelled out. Written atomically with mode 0600. It holds the time, the counts per kind, the
systems compared and the one-line reasons a system could not be read: enough for the home screen to say
"Drift: in sync 2 h ago" without contacting anything. A damaged or foreign file reads as "never checked".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from wizard.discovery.findings import DriftKind, DriftReport
from wizard.safe_text import one_line

FORMAT = 1
MAX_BYTES = 64 * 1024  # a summary is a few hundred bytes; anything bigger is not ours
MAX_REASON = 300


@dataclass(frozen=True)
class LastDrift:
    """The summary of one drift run."""

    at: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)  # DriftKind value -> findings
    systems: tuple[str, ...] = ()
    unreadable: dict[str, str] = field(default_factory=dict)

    @property
    def differences(self) -> int:
        return sum(self.counts.values())

    @property
    def exit_code(self) -> int:
        return 2 if self.unreadable else (1 if self.differences else 0)


def state_folder() -> Path:
    """The user state folder of idspine (platformdirs), where the drift summaries live."""
    from platformdirs import user_state_dir

    return Path(user_state_dir("idspine")) / "drift"


def store_path(inventory: Path | str, folder: Path | None = None) -> Path:
    """Where the summary for this inventory lives: keyed by the hash of its real (symlink-free) path."""
    real = os.path.realpath(os.fspath(inventory))
    digest = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return (folder or state_folder()) / f"{digest}.json"


def summary_of(report: DriftReport) -> LastDrift:
    """The part of a report worth remembering: no names, no details, no ids."""
    return LastDrift(
        at=report.checked_at,
        counts={k.value: n for k, n in report.counts().items() if n},
        systems=tuple(report.systems),
        unreadable={s: one_line(r)[:MAX_REASON] for s, r in report.unreadable.items()},
    )


def save_last(inventory: Path | str, report: DriftReport, folder: Path | None = None) -> Path:
    """Record this report's summary for *inventory* (atomic, 0600, folder 0700); returns the file written."""
    from wizard.files import write_bytes_atomic

    path = store_path(inventory, folder)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    last = summary_of(report)
    data = {
        "format": FORMAT,
        "at": last.at.isoformat(),
        "counts": last.counts,
        "systems": list(last.systems),
        "unreadable": last.unreadable,
    }
    write_bytes_atomic(path, json.dumps(data, indent=1).encode("utf-8"), 0o600, follow_link=False)
    return path


def load_last(inventory: Path | str, folder: Path | None = None) -> LastDrift | None:
    """The last summary for *inventory*, or None when there is none or it cannot be trusted."""
    path = store_path(inventory, folder)
    try:
        if path.is_symlink() or path.stat().st_size > MAX_BYTES:
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return _parse(raw)


def _parse(raw: object) -> LastDrift | None:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        return None
    try:
        at = dt.datetime.fromisoformat(str(raw["at"]))
    except (KeyError, ValueError):
        return None
    if at.tzinfo is None:
        return None
    kinds = {k.value for k in DriftKind}
    counts_raw, systems_raw, unreadable_raw = raw.get("counts"), raw.get("systems"), raw.get("unreadable")
    if not isinstance(counts_raw, dict) or not isinstance(systems_raw, list):
        return None
    if not isinstance(unreadable_raw, dict):
        return None
    counts = {
        k: v for k, v in counts_raw.items() if k in kinds and isinstance(v, int) and not isinstance(v, bool)
    }
    if any(v < 0 for v in counts.values()):
        return None
    return LastDrift(
        at=at,
        counts=counts,
        systems=tuple(one_line(s)[:100] for s in systems_raw if isinstance(s, str)),
        unreadable={
            one_line(s)[:100]: one_line(r)[:MAX_REASON]
            for s, r in unreadable_raw.items()
            if isinstance(s, str) and isinstance(r, str)
        },
    )


def ago(at: dt.datetime, now: dt.datetime) -> str:
    """'just now', '5 min ago', '2 h ago', '3 d ago' (a time in the future reads as just now)."""
    seconds = (now - at).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def describe(last: LastDrift | None, now: dt.datetime | None = None) -> str:
    """One plain line for the home screen (outside text already made one-line; escape it for markup)."""
    if last is None:
        return "Drift: never checked; run idspine drift"
    when = ago(last.at, now or dt.datetime.now(dt.UTC))
    if last.unreadable:
        systems = ", ".join(sorted(last.unreadable))
        extra = f"; {last.differences} difference(s) elsewhere" if last.differences else ""
        return f"Drift: could not read {systems} {when}{extra}; run idspine drift"
    if not last.differences:
        return f"Drift: in sync {when}"
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(last.counts.items()) if n)
    noun = "difference" if last.differences == 1 else "differences"
    return f"Drift: {last.differences} {noun} ({parts}) {when}; run idspine drift"
