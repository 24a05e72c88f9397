"""Blueprint (b): a data API that accepts OIDC access tokens from several issuers, for people and services.

Drawn from a rollout where a query server kept its API keys working while it learnt to validate JWTs from
a list of identity providers: people through the authorization code flow with PKCE (a public client, no
secret), long-running services through client credentials. Improved here: admin rights come from an app
role instead of a list of e-mail addresses, each accepted issuer is pinned to its own audience, and every
remaining API key gets an owner, an end date and a replacement.
"""

from __future__ import annotations

from wizard.blueprints.model import AppSpec, Blueprint, Param, Params, RoleGroup
from wizard.model import CredentialKind


def issuer_pairs(value: str) -> list[tuple[str, str]]:
    """'issuer|audience, issuer|audience' -> pairs (ValueError when an item is not a pair)."""
    pairs = []
    for item in Param("issuers", "").items(value):
        issuer, sep, audience = item.partition("|")
        if not sep or not issuer.startswith("https://") or not audience:
            raise ValueError(f"issuers: {item!r} is not 'https://issuer|audience'")
        pairs.append((issuer, audience))
    return pairs


def _public_redirects(params: Params) -> list[str]:
    return [f"http://localhost:{params['callback_port']}/callback"]


def _checklist(params: Params) -> list[str]:
    pairs = "; ".join(f"{iss} (audience {aud})" for iss, aud in issuer_pairs(params["issuers"]))
    services = ", ".join(Param("service_accounts", "").items(params["service_accounts"]))
    return [
        f"Configure the API's accepted issuers, each with exactly one audience: {pairs}",
        "Validate every token: signature against the issuer's published keys (cache them, refresh on an "
        "unknown key id), iss and aud as a listed pair, exp and nbf; reject anything else with 401",
        "Identify callers by issuer + subject (not e-mail); log both with every query",
        "Grant admin actions through the Data.Admin app role (group-assigned), never a list of addresses",
        "People: the command-line client signs in with the authorization code flow and PKCE as a public client "
        "(no secret) and caches the refresh token in the OS keychain, never in a plain file",
        f"Services ({services}): client credentials with a certificate or federated credential where the host "
        "allows; a client secret only with an end date and a store reference; grant each the Data.Write or "
        "Data.Read application role on the API and give admin consent",
        "API keys: list every remaining key in the inventory with an owner and an end date; move each caller "
        "to client credentials, then switch the API-key path off",
    ]


def _service_account_apps(params: Params) -> list[AppSpec]:
    """One app registration per service account (client credentials); each is granted the API's roles."""
    return [
        AppSpec(
            name,
            "data",
            CredentialKind.SECRET,
            f"service account {name}: client credentials; grant it Data.Write or Data.Read on the API",
        )
        for name in Param("service_accounts", "").items(params.get("service_accounts", ""))
    ]


BLUEPRINT = Blueprint(
    id="data-api-oidc",
    title="Data API trusting OIDC tokens from several issuers",
    summary="A data API validating access tokens from a list of issuer + audience pairs: people sign in with "
    "the authorization code flow and PKCE, services with client credentials; API keys stay only as a "
    "dated migration path.",
    explainers=(
        "pkce",
        "client-credentials-flow",
        "tokens",
        "scopes",
        "pat-vs-api-key-vs-oauth",
        "app-roles",
    ),
    groups=(
        RoleGroup("Data-Reader", "Data.Read", ("data:read",), allowed="both", description="Query data"),
        RoleGroup(
            "Data-Writer",
            "Data.Write",
            ("data:read", "data:write"),
            allowed="both",
            description="Query and load data",
        ),
        RoleGroup("Data", "Data.Admin", ("*",), admin=True, description="Administer the data API"),
    ),
    apps=(
        AppSpec(
            "api",
            "data",
            CredentialKind.NONE,
            "resource server: exposes the app roles; holds no credential of its own",
            carries_group_roles=True,
        ),
        AppSpec(
            "cli",
            "data",
            CredentialKind.NONE,
            "public client for people: authorization code flow with PKCE, localhost redirect, no secret",
            redirects=_public_redirects,
        ),
    ),
    checklist=_checklist,
    extra_apps=_service_account_apps,
    params=(
        Param(
            "issuers",
            "accepted 'https://issuer|audience' pairs, comma-separated",
            "https://login.microsoftonline.com/{tenant}/v2.0|api://{client}-data",
            pattern=r"^https://\S+\|\S+$",
        ),
        Param(
            "service_accounts",
            "services that call the API with client credentials, comma-separated",
            "ingest",
            pattern=r"^[a-z][a-z0-9-]{0,19}$",
        ),
        Param(
            "callback_port",
            "localhost port of the command-line client's sign-in callback",
            "8400",
            pattern=r"^[0-9]{4,5}$",
        ),
    ),
)
