"""The credential-method advisor: for a service, a hat and a caller's host, rank the methods and say why.

Pure and deterministic: it reads only the packaged catalogue, never the network or the clock (a date for the
inventory record is passed in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from textwrap import shorten

from wizard.catalogue import MethodInfo, Service, load_catalogue
from wizard.model import Hat, Host, Method

# Lower is better. Nothing stored (managed identity, then federation) beats a short-lived app credential, beats a
# person's delegated sign-in, beats a person's token, beats a static key, beats a downloadable private key.
BASE_RANK: dict[Method, int] = {
    Method.MANAGED_IDENTITY: 0,
    Method.FEDERATION: 1,
    Method.OAUTH_CLIENT_CREDENTIALS: 2,
    Method.OAUTH_USER: 3,
    Method.PAT: 4,
    Method.API_KEY: 5,
    Method.SERVICE_ACCOUNT_KEY: 6,
}

# Which callers can present a workload identity without a stored secret.
HOST_CAN: dict[Host, frozenset[Method]] = {
    Host.AZURE: frozenset(
        {Method.MANAGED_IDENTITY, Method.FEDERATION}
    ),  # a managed identity's token federates too
    Host.GITHUB_ACTIONS: frozenset(
        {Method.FEDERATION}
    ),  # token.actions.githubusercontent.com issues OIDC tokens
    Host.N8N_CLOUD: frozenset(),
    Host.N8N_SELF_HOSTED: frozenset(),
    Host.LAPTOP: frozenset(),
}

HOST_CANNOT: dict[Host, str] = {
    Host.N8N_CLOUD: "n8n Cloud has no workload identity of its own: no OIDC token to exchange and no managed identity",
    Host.N8N_SELF_HOSTED: "a self-hosted n8n outside Azure has no workload identity to present (run it on an Azure "
    "resource with a managed identity to get one)",
    Host.LAPTOP: "a laptop has no workload identity; people sign in as themselves there",
    Host.GITHUB_ACTIONS: "GitHub Actions can federate but has no Azure managed identity",
    Host.AZURE: "",
}

HOST_WORDS = {
    Host.N8N_CLOUD: "n8n Cloud",
    Host.N8N_SELF_HOSTED: "a self-hosted n8n",
    Host.AZURE: "an Azure resource",
    Host.GITHUB_ACTIONS: "GitHub Actions",
    Host.LAPTOP: "your laptop",
}
N8N_HOSTS = frozenset({Host.N8N_CLOUD, Host.N8N_SELF_HOSTED})
SECRETLESS = frozenset({Method.FEDERATION, Method.MANAGED_IDENTITY})

WHY: dict[Method, str] = {
    Method.FEDERATION: "Nothing is stored: {host} proves who it is with its own short-lived token, exchanged "
    "for an access token.",
    Method.MANAGED_IDENTITY: "Azure hands the resource its tokens, so there is no secret to leak or rotate.",
    Method.OAUTH_CLIENT_CREDENTIALS: "An app identity, not a person: it survives staff changes, has its own "
    "narrow permissions, and its secret can be rotated on a schedule.",
    Method.OAUTH_USER: "Acts as a consenting user with only the scopes granted; tokens refresh themselves, "
    "but the connection breaks when that person leaves.",
    Method.PAT: "Quick to set up and scoped, but tied to one person's account and only as safe as its expiry.",
    Method.API_KEY: "A long-lived shared key: simple, but anyone holding it is the caller, often with broad rights.",
    Method.SERVICE_ACCOUNT_KEY: "A downloadable private key that rarely expires: the most dangerous thing to "
    "leave in a workflow or a laptop folder.",
}

# The explainer behind each method's advice (a catalogue entry may name a closer one).
EXPLAINER: dict[Method, str] = {
    Method.FEDERATION: "workload-identity-federation",
    Method.MANAGED_IDENTITY: "managed-identity",
    Method.OAUTH_CLIENT_CREDENTIALS: "client-credentials-flow",
    Method.OAUTH_USER: "authorization-code-flow",
    Method.PAT: "pat-vs-api-key-vs-oauth",
    Method.API_KEY: "pat-vs-api-key-vs-oauth",
    Method.SERVICE_ACCOUNT_KEY: "service-accounts-and-iam-roles",
}

# Suggested lifetime, in days, when the creator picks the expiry: (prototype, production).
SUGGESTED_DAYS: dict[Method, tuple[int, int]] = {
    Method.OAUTH_CLIENT_CREDENTIALS: (30, 180),
    Method.PAT: (30, 90),
    Method.API_KEY: (30, 90),
    Method.SERVICE_ACCOUNT_KEY: (30, 90),
}

# Score adjustments, in rank tenths. Named so the rules read as policy, not arithmetic.
PROTOTYPE_PAT_SCORE = 12  # for a prototype a PAT ranks just behind a workload identity
LAPTOP_OWN_SIGN_IN_BONUS = -15  # at a laptop, signing in as yourself beats an app secret on disk
PERSONAL_CREDENTIAL_FOR_CLIENT = 15  # client delivery: a credential tied to a person is a liability
N8N_NO_TYPE = 35  # n8n has no credential type at all: hand-built token requests, worse than a key n8n knows
N8N_GENERIC_TYPE = 5  # n8n only has a generic type that works


@dataclass(frozen=True)
class MethodAdvice:
    """One ranked option for a service."""

    method: Method
    label: str
    why: str  # one or two sentences
    scopes: list[str]
    rotation: str
    where: str
    revoke: str
    lifetime: str
    n8n_type: str | None  # n8n's dedicated type
    explainer: str
    score: int
    n8n_generic: str | None = None  # a generic n8n type that works when there is no dedicated one
    notes: list[str] = field(default_factory=list)  # further remarks, shown under the why
    expiry_days: int | None = (
        None  # lifetime to set when creating it (or, if it cannot expire, a planned end)
    )
    person_bound: bool = False
    privileged: bool = False

    @property
    def n8n_credential(self) -> str | None:
        """The n8n credential type to use: the dedicated one, else the generic one."""
        return self.n8n_type or self.n8n_generic


@dataclass(frozen=True)
class Advice:
    """The advisor's answer for one service, hat and host."""

    service: Service
    hat: Hat
    host: Host
    ranked: list[MethodAdvice]
    unavailable: list[tuple[Method, str]] = field(default_factory=list)  # methods ruled out, and why
    migration: str = ""
    traps: list[str] = field(default_factory=list)

    @property
    def recommended(self) -> MethodAdvice:
        """The best option."""
        return self.ranked[0]

    def option(self, method: Method | str) -> MethodAdvice | None:
        """The ranked option for `method`, if it is available here."""
        return next((a for a in self.ranked if a.method == method), None)

    def record(self, today: dt.date | None = None, method: Method | str | None = None) -> dict[str, object]:
        """Credential fields to record in the inventory for the recommended (or the given) method.

        Every key is a field of `wizard.model.Credential` except `id`, which the workspace decides. No secret is
        ever part of it: `secret_ref` is a suggested reference name. With `today`, `expires` is the suggested
        expiry date; without it, no date is invented.
        """
        best = self.option(method) if method else self.recommended
        if best is None:
            raise LookupError(f"{method} is not available for {self.service.id} from {HOST_WORDS[self.host]}")
        n8n = self.host in N8N_HOSTS
        fields: dict[str, object] = {
            "service": self.service.id,
            "method": best.method.value,
            "label": shorten(best.label, 80, placeholder="…"),  # at a word, never mid-word
            "scopes": list(best.scopes[:3]),
            "used_by": [f"{'n8n' if n8n else self.host.value}:{self.service.id}"],
            "status": "planned",
        }
        if n8n and best.n8n_type:
            fields["n8n_type"] = best.n8n_type
        if best.privileged:
            fields["privileged"] = True
            if (
                self.service.id == "supabase"
            ):  # a new secret key (sb_secret_...): revocable alone, unlike service_role
                fields["key_kind"] = "secret"
        if best.method not in SECRETLESS:
            fields["secret_ref"] = "env:" + f"{self.service.id}_{best.method.value}".upper().replace("-", "_")
        if today is not None and best.expiry_days is not None:
            fields["expires"] = today + dt.timedelta(days=best.expiry_days)
        if best.method == self.recommended.method and self.migration:
            fields["planned_migration"] = shorten(self.migration, 300, placeholder="…")
        elif best.method != self.recommended.method:
            fields["planned_migration"] = shorten(
                f"Chosen over {self.recommended.label}; plan the move back.", 300, placeholder="…"
            )
        return fields


def _allowed(info: MethodInfo, host: Host) -> str | None:
    """None if `host` can use the method, else the reason it cannot."""
    if info.method in SECRETLESS and info.method not in HOST_CAN[host]:
        return HOST_CANNOT[host] or f"{HOST_WORDS[host]} cannot present this identity"
    if info.hosts is not None and host not in info.hosts:
        return "only from " + ", ".join(HOST_WORDS[h] for h in info.hosts)
    return None


def _expiry_days(info: MethodInfo, hat: Hat) -> int | None:
    """The lifetime to set when creating it, where the creator chooses one."""
    if info.method not in SUGGESTED_DAYS:
        return None
    proto, prod = SUGGESTED_DAYS[info.method]
    if not info.expiry_choice:  # it cannot expire: a prototype still records the day it must be deleted
        return proto if hat == Hat.PROTOTYPE and info.method != Method.OAUTH_CLIENT_CREDENTIALS else None
    days = proto if hat == Hat.PROTOTYPE else prod
    return min(days, info.max_days) if info.max_days else days


def _score(info: MethodInfo, hat: Hat, host: Host, expiry: int | None) -> tuple[int, list[str]]:
    """Rank (lower is better) and the hat- or host-specific remarks, most important first."""
    score = BASE_RANK[info.method] * 10
    notes: list[str] = []
    static = info.method in (Method.PAT, Method.API_KEY, Method.SERVICE_ACCOUNT_KEY)
    if hat == Hat.PROTOTYPE and info.method == Method.PAT:
        score = PROTOTYPE_PAT_SCORE
        if info.expiry_choice:
            notes.append(
                f"For a prototype this is acceptable with a short expiry ({expiry} days), scoped to what "
                "the prototype touches, and a planned move recorded."
            )
        else:
            notes.append(
                f"For a prototype this is acceptable, but this token cannot expire by itself: record an "
                f"end date {expiry} days out and delete it then."
            )
    elif hat == Hat.PROTOTYPE and static:
        notes.append(
            "Tolerable for a prototype if it is the only way in; "
            + (
                f"let it end within {expiry} days."
                if info.expiry_choice
                else f"it cannot expire by itself, so record an end date {expiry} days out and delete it then."
            )
        )
    if host == Host.LAPTOP and info.method == Method.OAUTH_USER:
        score += LAPTOP_OWN_SIGN_IN_BONUS
        notes.append("At a laptop, you signing in as yourself beats keeping an app secret on disk.")
    if hat == Hat.CLIENT_DELIVERY and host != Host.LAPTOP:
        if info.person_bound:
            score += PERSONAL_CREDENTIAL_FOR_CLIENT
            notes.append(
                "For client work, a credential tied to your personal account is a liability: have the "
                "client own it, or use an app identity in their tenant."
            )
        elif info.method not in (Method.API_KEY, Method.SERVICE_ACCOUNT_KEY):
            notes.append(
                "Create it in the client's own tenant or organisation so they can see and revoke it."
            )
        else:
            notes.append("Have the client create the key in their own account and hand you only a reference.")
    if hat == Hat.OWN_PRODUCTION and info.method == Method.PAT:
        notes.append(
            "In your own production a personal token needs an expiry and a named owner in the inventory."
        )
    if host in N8N_HOSTS:
        if info.n8n_type is None and info.n8n_generic is None:
            score += N8N_NO_TYPE
            notes.append("n8n has no credential type for this, so it means hand-building the token requests.")
        elif info.n8n_type is None:
            score += N8N_GENERIC_TYPE
            notes.append(
                f"In n8n, use the generic {info.n8n_generic} credential (no dedicated type does this)."
            )
    if info.why:
        notes.append(info.why)
    return score, notes


def _migration(ranked: list[MethodAdvice], service: Service, host: Host) -> str:
    """The path from the recommended method to something better, if one exists anywhere."""
    best = ranked[0]
    if best.method in SECRETLESS:
        return ""  # nothing stored already: moving between workload identities gains nothing
    better = [m for m in service.methods if BASE_RANK[m.method] < BASE_RANK[best.method]]
    if not better:
        return ""
    # Prefer a target reachable from here, then one many callers can use (not a managed identity), then the rank.
    target = min(
        better,
        key=lambda m: (
            _allowed(m, host) is not None,
            m.method == Method.MANAGED_IDENTITY,
            BASE_RANK[m.method],
        ),
    )
    reason = _allowed(target, host)
    tail = f" (needs the caller to move: {reason})" if reason else ""
    return f"{best.label} now → {target.label} later{tail}."


def advise(service_id: str, hat: Hat | str, host: Host | str) -> Advice:
    """Rank the credential methods of `service_id` for the consultant's hat and the caller's host.

    KeyError for an unknown service (with close matches), ValueError for an unknown hat or host, LookupError when
    the service offers nothing this host can use.
    """
    hat, host = Hat(hat), Host(host)
    service = load_catalogue().get(service_id)
    ranked: list[MethodAdvice] = []
    unavailable: list[tuple[Method, str]] = []
    for info in service.methods:
        reason = _allowed(info, host)
        if reason:
            unavailable.append((info.method, reason))
            continue
        expiry = _expiry_days(info, hat)
        score, notes = _score(info, hat, host, expiry)
        general = WHY[info.method].format(host=HOST_WORDS[host])
        ranked.append(
            MethodAdvice(
                method=info.method,
                label=info.label,
                why=" ".join([general, *notes[:1]]),
                scopes=list(info.scopes),
                rotation=info.rotation,
                where=info.where,
                revoke=info.revoke,
                lifetime=info.lifetime,
                n8n_type=info.n8n_type,
                n8n_generic=info.n8n_generic,
                explainer=info.explainer or EXPLAINER[info.method],
                score=score,
                notes=notes[1:] + ([info.notes] if info.notes else []),
                expiry_days=expiry,
                person_bound=info.person_bound,
                privileged=info.privileged,
            )
        )
    if not ranked:
        raise LookupError(
            f"{service.name} offers no credential {HOST_WORDS[host]} can use: "
            + "; ".join(f"{m}: {r}" for m, r in unavailable)
        )
    ranked.sort(key=lambda a: (a.score, BASE_RANK[a.method]))
    return Advice(
        service=service,
        hat=hat,
        host=host,
        ranked=ranked,
        unavailable=unavailable,
        migration=_migration(ranked, service, host),
        traps=list(service.traps),
    )
