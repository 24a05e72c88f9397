"""Supabase against the inventory: the project's API keys (metadata only) and its Auth providers.

The project is the consultancy's (integrations.supabase_project_ref). Its keys in the inventory are the
consultancy's own Supabase credentials (client "") with a key kind, and any adopted from `supabase:<ref>`.
A recorded key is matched by the live id it was adopted with (Discovered.key); one typed in by hand has no
id, so it stands for one live key of its kind (the legacy anon and service_role keys are one each).

- unknown: a live key no inventory entry stands for;
- missing: a recorded key whose id is gone, or a recorded kind with no live key left;
- changed: the same id with another kind; the Azure provider's client id differs from the recorded app;
- the Azure (Microsoft) provider enabled while the inventory records no Entra app for Supabase sign-in
  (unknown), or disabled while it does (missing).

Key values are never part of this: the reader asks with reveal=false and drops any value sent anyway.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport
from wizard.model import Credential, Discovered, Method, Status, SupabaseKey, Workspace
from wizard.safe_text import one_line


@dataclass(frozen=True)
class ApiKeyInfo:
    """One project API key as the Management API lists it, without its value."""

    key: str  # the live id; "legacy:<name>" for a legacy key listed without one
    name: str
    type: str  # "legacy" | "publishable" | "secret" | "" (as Supabase says)
    prefix: str = ""

    @property
    def kind(self) -> SupabaseKey | None:
        if self.type == "publishable":
            return SupabaseKey.PUBLISHABLE
        if self.type == "secret":
            return SupabaseKey.SECRET
        if self.type == "legacy" and self.name == "anon":
            return SupabaseKey.ANON
        if self.type == "legacy" and self.name == "service_role":
            return SupabaseKey.SERVICE_ROLE
        return None


@dataclass(frozen=True)
class AuthProviders:
    """Which external sign-in providers the project's Auth has enabled, and the Azure provider's settings."""

    enabled: tuple[str, ...] = ()  # e.g. ("azure", "email", "github")
    azure_client_id: str = ""
    azure_url: str = ""

    @property
    def azure_enabled(self) -> bool:
        return "azure" in self.enabled


@dataclass(frozen=True)
class SupabaseSnapshot:
    """What one read of the project returned."""

    ref: str
    keys: tuple[ApiKeyInfo, ...] = ()
    auth: AuthProviders = field(default_factory=AuthProviders)


def system_of(ref: str) -> str:
    return f"supabase:{ref}"


def callback(ref: str) -> str:
    """Supabase Auth's callback for the project (the redirect URI an Entra app for it registers)."""
    return f"https://{ref}.supabase.co/auth/v1/callback"


def recorded_keys(ws: Workspace, ref: str) -> list[Credential]:
    """The inventory's keys of this project: the consultancy's own Supabase keys and those adopted from it."""
    source = system_of(ref)
    out = []
    for c in ws.credentials:
        if c.service != "supabase" or c.key_kind is None or c.status == Status.RETIRED:
            continue
        if (c.discovered and c.discovered.source == source) or (not c.client and c.discovered is None):
            out.append(c)
    return out


def _live_id(cred: Credential, ref: str) -> str:
    d = cred.discovered
    return d.key if d and d.source == system_of(ref) and d.key else ""


def match_keys(
    ws: Workspace, snap: SupabaseSnapshot
) -> tuple[dict[str, Credential], list[Credential], list[ApiKeyInfo]]:
    """(live key -> its inventory entry, recorded entries with no live key, live keys nobody records)."""
    live = {k.key: k for k in snap.keys}
    matched: dict[str, Credential] = {}
    missing: list[Credential] = []
    by_hand: list[Credential] = []
    for cred in recorded_keys(ws, snap.ref):
        key = _live_id(cred, snap.ref)
        if not key:
            by_hand.append(cred)
        elif key in live and key not in matched:
            matched[key] = cred
        else:
            missing.append(cred)
    for cred in by_hand:  # one live key of the same kind each, in name order
        spare = sorted(
            (k for k in snap.keys if k.key not in matched and k.kind == cred.key_kind), key=lambda k: k.name
        )
        if spare:
            matched[spare[0].key] = cred
        else:
            missing.append(cred)
    still = retired_but_live(ws, snap)
    unknown = [k for k in snap.keys if k.key not in matched and k.key not in still]
    return matched, missing, unknown


def retired_but_live(ws: Workspace, snap: SupabaseSnapshot) -> dict[str, Credential]:
    """Live keys whose inventory entry (adopted with their id) is marked retired: the key was meant to be gone."""
    live = {k.key for k in snap.keys}
    out = {}
    for c in ws.credentials:
        key = _live_id(c, snap.ref)
        if c.status == Status.RETIRED and c.service == "supabase" and key in live:
            out[key] = c
    return out


def azure_app(ws: Workspace, ref: str) -> tuple[bool, str]:
    """(whether the inventory implies the Azure provider is on, the recorded app id for it or "").

    It does when a service principal registers the project's Auth callback as a redirect URI, or the
    checklist step that enables the provider is done.
    """
    url = callback(ref)
    for sp in ws.service_principals:
        if sp.status != Status.RETIRED and url in sp.redirect_uris:
            return True, sp.app_id or ""
    done = any(i.id == f"org:supabase-azure-enable:{ref}" and i.done for i in ws.checklist)
    return done, ""


def compare_supabase(ws: Workspace, snap: SupabaseSnapshot, now: dt.datetime | None = None) -> DriftReport:
    """The Supabase drift for one project."""
    system = system_of(snap.ref)
    report = DriftReport(checked_at=now or dt.datetime.now(dt.UTC), systems=[system])
    matched, missing, unknown = match_keys(ws, snap)
    live = {k.key: k for k in snap.keys}
    for key, cred in sorted(matched.items()):
        info = live[key]
        if info.kind is not None and cred.key_kind != info.kind:
            report.findings.append(
                DriftFinding(
                    DriftKind.CHANGED,
                    system,
                    "api key",
                    key,
                    info.name,
                    f"kind: recorded {cred.key_kind.value if cred.key_kind else '-'}; live {info.kind.value}",
                    f"credential:{cred.id}",
                )
            )
    for key, cred in sorted(retired_but_live(ws, snap).items()):
        report.findings.append(
            DriftFinding(
                DriftKind.CHANGED,
                system,
                "api key",
                key,
                live[key].name,
                "recorded as retired; the key still exists in the project",
                f"credential:{cred.id}",
            )
        )
    for cred in missing:
        kind = cred.key_kind.value if cred.key_kind else "?"
        key = _live_id(cred, snap.ref)
        detail = "no key with this id in the project" if key else f"the project has no {kind} key left"
        report.findings.append(
            DriftFinding(
                DriftKind.MISSING,
                system,
                "api key",
                key,
                cred.label or cred.id,
                detail,
                f"credential:{cred.id}",
            )
        )
    for info in unknown:
        detail = f"type {info.type or 'not given'}" + (f", prefix {info.prefix}" if info.prefix else "")
        report.findings.append(
            DriftFinding(DriftKind.UNKNOWN, system, "api key", info.key, info.name, detail)
        )
    implied, app_id = azure_app(ws, snap.ref)
    auth = snap.auth
    if auth.azure_enabled and not implied:
        report.findings.append(
            DriftFinding(
                DriftKind.UNKNOWN,
                system,
                "auth provider",
                "azure",
                "Azure (Microsoft) sign-in",
                f"enabled in Supabase (client id {auth.azure_client_id or '-'}, URL {auth.azure_url or '-'}); "
                "the inventory records no Entra app with the project's callback",
            )
        )
    elif implied and not auth.azure_enabled:
        report.findings.append(
            DriftFinding(
                DriftKind.MISSING,
                system,
                "auth provider",
                "azure",
                "Azure (Microsoft) sign-in",
                "the inventory has an Entra app for Supabase sign-in; the provider is disabled in Supabase",
            )
        )
    elif implied and app_id and auth.azure_client_id and auth.azure_client_id.lower() != app_id.lower():
        report.findings.append(
            DriftFinding(
                DriftKind.CHANGED,
                system,
                "auth provider",
                "azure",
                "Azure (Microsoft) sign-in",
                f"client id: recorded {app_id}; live {auth.azure_client_id}",
            )
        )
    return report


# ---------------------------------------------------------------------------- discover supabase


@dataclass
class SupabaseAdoptResult:
    adopted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _new_id(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "key"
    base = ("supabase-" + base)[:36].rstrip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def adopt_keys(ws: Workspace, snap: SupabaseSnapshot, now: dt.datetime | None = None) -> SupabaseAdoptResult:
    """Add every live key the inventory lacks as a Supabase credential marked discovered (no value, no ref)."""
    at = now or dt.datetime.now(dt.UTC)
    result = SupabaseAdoptResult()
    _, _, unknown = match_keys(ws, snap)
    taken = {c.id for c in ws.credentials}
    for info in unknown:
        kind = info.kind
        if kind is None:
            result.skipped.append(f"key {info.key}: type {info.type or 'not given'} is not one idspine knows")
            continue
        new_id = _new_id(info.name, taken)
        try:
            cred = Credential(
                id=new_id,
                service="supabase",
                method=Method.API_KEY,
                label=f"Supabase {kind.value} key {one_line(info.name)}"[:120],
                key_kind=kind,
                privileged=kind.privileged,
                status=Status.ACTIVE,
                notes="Found in the Supabase project; record where its value is kept (secret_ref)",
                discovered=Discovered(source=system_of(snap.ref), at=at, key=info.key),
            )
        except ValueError as exc:
            result.skipped.append(f"key {info.key}: not adopted ({str(exc).splitlines()[0]})")
            continue
        ws.credentials.append(cred)
        taken.add(new_id)
        result.adopted.append(new_id)
    return result
