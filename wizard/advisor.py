"""The credential-method advisor: for a service, a hat and a caller's host, rank the methods and say why."""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.catalogue import MethodInfo, Service, load_catalogue
from wizard.model import Hat, Host, Method

# Lower is better: on Azure a managed identity is simplest; nothing stored beats a short-lived app credential beats a person's token beats a static key.
BASE_RANK: dict[Method, int] = {
    Method.FEDERATION: 1,
    Method.MANAGED_IDENTITY: 0,
    Method.OAUTH_CLIENT_CREDENTIALS: 2,
    Method.OAUTH_USER: 3,
    Method.PAT: 4,
    Method.API_KEY: 5,
    Method.SERVICE_ACCOUNT_KEY: 6,
}

# Which callers can present which kinds of proof without a stored secret.
HOST_CAN: dict[Host, set[Method]] = {
    Host.AZURE: {Method.MANAGED_IDENTITY, Method.FEDERATION},
    Host.GITHUB_ACTIONS: {Method.FEDERATION},
    Host.N8N_CLOUD: set(),
    Host.N8N_SELF_HOSTED: set(),
    Host.LAPTOP: set(),
}

HOST_WORDS = {
    Host.N8N_CLOUD: "n8n Cloud", Host.N8N_SELF_HOSTED: "a self-hosted n8n", Host.AZURE: "an Azure resource",
    Host.GITHUB_ACTIONS: "GitHub Actions", Host.LAPTOP: "your laptop",
}

WHY: dict[Method, str] = {
    Method.FEDERATION: "Nothing is stored: {host} proves who it is with its own short-lived token, exchanged "
    "for an access token.",
    Method.MANAGED_IDENTITY: "Azure hands the resource its tokens; there is no secret to leak or rotate.",
    Method.OAUTH_CLIENT_CREDENTIALS: "An app identity, not a person: it survives staff changes, has its own "
    "narrow permissions, and its secret can be rotated on a schedule.",
    Method.OAUTH_USER: "Acts as a consenting user with only the scopes granted; tokens refresh themselves, "
    "but the connection breaks when that person leaves.",
    Method.PAT: "Quick to set up and scoped, but tied to one person's account and only as safe as its expiry.",
    Method.API_KEY: "A long-lived shared key: simple, but anyone holding it is the caller, often with broad rights.",
    Method.SERVICE_ACCOUNT_KEY: "A downloadable private key that rarely expires: the most dangerous thing to "
    "leave in a workflow or a laptop folder.",
}

EXPLAINER: dict[Method, str] = {
    Method.FEDERATION: "workload-identity-federation",
    Method.MANAGED_IDENTITY: "managed-identity",
    Method.OAUTH_CLIENT_CREDENTIALS: "client-credentials-flow",
    Method.OAUTH_USER: "authorization-code-flow",
    Method.PAT: "pat-vs-api-key-vs-oauth",
    Method.API_KEY: "pat-vs-api-key-vs-oauth",
    Method.SERVICE_ACCOUNT_KEY: "service-accounts-and-iam-roles",
}


@dataclass(frozen=True)
class MethodAdvice:
    """One ranked option for a service."""

    method: Method
    label: str
    why: str
    scopes: list[str]
    rotation: str
    where: str
    revoke: str
    lifetime: str
    n8n_type: str | None
    explainer: str
    score: int


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

    def record(self) -> dict[str, object]:
        """What to record in the inventory for the recommended method (Credential fields, no secret)."""
        best = self.recommended
        fields: dict[str, object] = {"service": self.service.id, "method": best.method.value,
                                     "scopes": list(best.scopes[:3])}
        if best.n8n_type and self.host in (Host.N8N_CLOUD, Host.N8N_SELF_HOSTED):
            fields["n8n_type"] = best.n8n_type
        if best.method not in (Method.FEDERATION, Method.MANAGED_IDENTITY):
            fields["secret_ref"] = "env:NAME, keyvault://vault/name or 1password://vault/item"
            fields["expires"] = "the date the service shows when you create it"
        if self.migration:
            fields["planned_migration"] = self.migration
        return fields


def _allowed(info: MethodInfo, host: Host) -> str | None:
    """None if `host` can use the method, else the reason it cannot."""
    if info.hosts is not None and host not in info.hosts:
        where = ", ".join(HOST_WORDS[h] for h in info.hosts)
        return f"only from {where}"
    if info.method in (Method.FEDERATION, Method.MANAGED_IDENTITY) and info.method not in HOST_CAN[host]:
        return f"{HOST_WORDS[host]} cannot present a workload identity for it"
    return None


def _score(info: MethodInfo, hat: Hat, host: Host) -> tuple[int, str]:
    """Rank (lower is better) and any hat-specific note."""
    score = BASE_RANK[info.method] * 10
    note = ""
    if hat == Hat.PROTOTYPE and info.method == Method.PAT:
        score = BASE_RANK[Method.OAUTH_CLIENT_CREDENTIALS] * 10 - 10
        note = (" For a prototype this is acceptable: narrow it to what the prototype touches, set an expiry "
                "where the service allows one, and record the planned move.")
    if host == Host.LAPTOP and info.method == Method.OAUTH_USER and hat != Hat.PROTOTYPE:
        score -= 15
        note = " At a laptop, a person signing in as themselves beats keeping an app secret on disk."
    if host in (Host.N8N_CLOUD, Host.N8N_SELF_HOSTED) and info.n8n_type is None:
        score += 30
        note += (" n8n has no built-in credential type for this, so it means hand-building requests with a "
                 "generic HTTP credential.")
    if hat == Hat.CLIENT_DELIVERY and host != Host.LAPTOP:
        if info.method in (Method.PAT, Method.OAUTH_USER):
            score += 15
            note += (" For client work, a credential tied to your personal account is a liability: have the client "
                    "own it, or use an app identity in their tenant.")
        elif info.method in (Method.OAUTH_CLIENT_CREDENTIALS, Method.FEDERATION, Method.MANAGED_IDENTITY):
            note += " Create it in the client's own tenant or organisation so they can see and revoke it."
    if hat == Hat.OWN_PRODUCTION and info.method == Method.PAT:
        note = " Fine for now in your own production only with an expiry and an owner recorded."
    return score, note


def _migration(ranked: list[MethodAdvice], service: Service, host: Host) -> str:
    """The path from the recommended method to something better, if one exists anywhere."""
    best = ranked[0]
    better = [m for m in service.methods if BASE_RANK[m.method] < BASE_RANK[best.method]]
    if not better:
        return ""
    # Prefer a target reachable from here, then federation (many callers can use it), then the rank.
    target = min(better, key=lambda m: (_allowed(m, host) is not None, m.method == Method.MANAGED_IDENTITY,
                                        BASE_RANK[m.method]))
    reason = _allowed(target, host)
    tail = f" (needs the caller to move: {reason})" if reason else ""
    return f"{best.label} now → {target.label} later{tail}."


def advise(service_id: str, hat: Hat | str, host: Host | str) -> Advice:
    """Rank the credential methods of `service_id` for the consultant's hat and the caller's host."""
    hat, host = Hat(hat), Host(host)
    service = load_catalogue().get(service_id)
    ranked: list[MethodAdvice] = []
    unavailable: list[tuple[Method, str]] = []
    for info in service.methods:
        reason = _allowed(info, host)
        if reason:
            unavailable.append((info.method, reason))
            continue
        score, note = _score(info, hat, host)
        why = WHY[info.method].format(host=HOST_WORDS[host]) + note
        ranked.append(MethodAdvice(
            method=info.method, label=info.label, why=why, scopes=list(info.scopes), rotation=info.rotation,
            where=info.where, revoke=info.revoke, lifetime=info.lifetime, n8n_type=info.n8n_type,
            explainer=EXPLAINER[info.method], score=score,
        ))
    if not ranked:
        raise LookupError(f"{service.name} offers no credential {HOST_WORDS[host]} can use: "
                          + "; ".join(f"{m}: {r}" for m, r in unavailable))
    ranked.sort(key=lambda a: (a.score, a.method.value))
    return Advice(service=service, hat=hat, host=host, ranked=ranked, unavailable=unavailable,
                  migration=_migration(ranked, service, host), traps=list(service.traps))
