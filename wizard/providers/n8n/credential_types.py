"""The n8n credential types idspine fills: their fields, secret fields, constants and secret formats.

The field names and the constant flags were checked against n8n 1.123.81's own
`GET /api/v1/credentials/schema/{type}` (the integration test does so again on every run). n8n validates
`data` with a JSON schema in which an absent switch counts as "on" for its conditional fields (a quirk of
the validator n8n uses), so the types always carry switches such as `sshTunnel: false` explicitly, and
the OAuth2 types carry `serverUrl`, `sendAdditionalBodyProperties` and `additionalBodyProperties`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit


class CredentialBuildError(ValueError):
    """The credential data cannot be built; the message names fields only."""


@dataclass(frozen=True)
class BuildContext:
    """Non-secret facts idspine knows about the credential."""

    client_id: str = ""  # OAuth client / application id (e.g. the service principal's app id)
    tenant: str = ""  # Entra tenant id or domain (Microsoft types)
    supabase_url: str = ""  # https://<ref>.supabase.co
    scopes: tuple[str, ...] = ()


Deriver = Callable[[BuildContext], dict[str, Any]]
SecretParser = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class CredentialType:
    """How idspine fills one n8n credential type."""

    name: str
    secret_field: str  # the field a bare secret fills
    fields: frozenset[str]  # every field idspine may send (all exist in n8n's schema for this type)
    required: tuple[str, ...]  # must be present and non-empty before sending
    secret_fields: frozenset[str]  # fields holding secret values (never displayed)
    fixed: dict[str, Any] = field(default_factory=dict)  # constants, e.g. switches set explicitly to false
    derive: Deriver | None = None  # values from the BuildContext
    parse_secret: SecretParser | None = None  # a type-specific secret format
    hint: str = ""  # how to store the secret


def _oauth2(
    name: str,
    *,
    scope: bool = False,
    extra: dict[str, Any] | None = None,
    extra_fields: tuple[str, ...] = (),
    extra_required: tuple[str, ...] = (),
    derive: Deriver | None = None,
) -> CredentialType:
    base = {"serverUrl": "", "sendAdditionalBodyProperties": False, "additionalBodyProperties": "{}"}
    base.update(extra or {})

    def _derive(ctx: BuildContext) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if ctx.client_id:
            out["clientId"] = ctx.client_id
        if scope and ctx.scopes:
            out["scope"] = " ".join(ctx.scopes)
        if derive:
            out.update(derive(ctx))
        return out

    fields = {"clientId", "clientSecret", *base, *extra_fields, *(("scope",) if scope else ())}
    return CredentialType(
        name,
        "clientSecret",
        frozenset(fields),
        ("clientId", "clientSecret", *extra_required),
        frozenset({"clientSecret"}),
        base,
        _derive,
        hint="the OAuth client secret (the client id comes from the service principal, or put both in a "
        'JSON object {"clientId": ..., "clientSecret": ...})',
    )


def _microsoft_urls(ctx: BuildContext) -> dict[str, Any]:
    if not ctx.tenant:
        return {}
    root = f"https://login.microsoftonline.com/{ctx.tenant}/oauth2/v2.0"
    return {"authUrl": f"{root}/authorize", "accessTokenUrl": f"{root}/token"}


def _google_service_account(secret: str) -> dict[str, Any]:
    """A service-account JSON key file: its client_email and private_key."""
    try:
        data = json.loads(secret)
    except ValueError:
        raise CredentialBuildError(
            "googleApi: the secret must be the service account's JSON key file"
        ) from None
    if not isinstance(data, dict):
        raise CredentialBuildError("googleApi: the secret must be a JSON object")
    if data.get("type") == "service_account" or "client_email" in data:
        email, key = data.get("client_email"), data.get("private_key")
        if not isinstance(email, str) or not isinstance(key, str):
            raise CredentialBuildError("googleApi: the JSON key lacks client_email or private_key")
        return {"email": email, "privateKey": key}
    return data  # already n8n field names


def _postgres_dsn(secret: str) -> dict[str, Any]:
    """postgres://user:password@host:port/database[?sslmode=...] to n8n's postgres fields."""
    if secret.lstrip().startswith("{"):
        return json_object(secret, "postgres")
    try:
        parts = urlsplit(secret.strip())
        port = parts.port
    except ValueError:
        raise CredentialBuildError("postgres: the connection string is not a valid URL") from None
    if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
        raise CredentialBuildError("postgres: expected postgresql://user:password@host:port/database")
    out: dict[str, Any] = {
        "host": parts.hostname,
        "database": unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "port": port or 5432,
    }
    query = dict(p.partition("=")[::2] for p in parts.query.split("&") if p)
    mode = query.get("sslmode")
    if mode in ("disable", "allow", "require"):
        out["ssl"] = mode
    elif mode in ("verify-ca", "verify-full", "prefer"):
        out["ssl"] = "require" if mode != "prefer" else "allow"
    return out


def json_object(secret: str, type_name: str) -> dict[str, Any]:
    try:
        data = json.loads(secret)
    except ValueError:
        raise CredentialBuildError(
            f"{type_name}: the secret starts like JSON but is not valid JSON"
        ) from None
    if not isinstance(data, dict):
        raise CredentialBuildError(f"{type_name}: the secret JSON must be an object of field names")
    return data


def _simple(
    name: str,
    secret_field: str,
    *,
    optional: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
    fixed: dict[str, Any] | None = None,
    more_secrets: tuple[str, ...] = (),
    derive: Deriver | None = None,
    parser: SecretParser | None = None,
    hint: str = "",
) -> CredentialType:
    fixed = fixed or {}
    return CredentialType(
        name,
        secret_field,
        frozenset({secret_field, *optional, *required, *fixed}),
        (secret_field, *required),
        frozenset({secret_field, *more_secrets}),
        fixed,
        derive,
        parser,
        hint or f"the bare {secret_field}",
    )


_TYPES: list[CredentialType] = [
    _simple("airtableTokenApi", "accessToken", hint="the Airtable personal access token"),
    _oauth2("airtableOAuth2Api"),
    _simple(
        "githubApi",
        "accessToken",
        optional=("user",),
        fixed={"server": "https://api.github.com"},
        hint="the GitHub token (fine-grained PAT or app token)",
    ),
    _oauth2("githubOAuth2Api", extra={"server": "https://api.github.com"}),
    _simple(
        "httpHeaderAuth",
        "value",
        optional=("name",),
        fixed={"name": "Authorization"},
        hint='the header value, or {"name": "X-Api-Key", "value": ...}',
    ),
    _simple("httpBearerAuth", "token", hint="the bearer token"),
    _simple(
        "supabaseApi",
        "serviceRole",
        required=("host",),
        derive=lambda c: {"host": c.supabase_url} if c.supabase_url else {},
        hint="the secret (sb_secret_...) or legacy service_role key, which bypasses Row Level Security; the host "
        "comes from the workspace's Supabase project",
    ),
    _simple(
        "openAiApi",
        "apiKey",
        optional=("organizationId", "url"),
        fixed={"header": False},
        hint="the OpenAI API key",
    ),
    _simple(
        "azureOpenAiApi",
        "apiKey",
        required=("resourceName",),
        optional=("apiVersion", "endpoint"),
        fixed={"apiVersion": "2025-03-01-preview"},
        hint='{"apiKey": ..., "resourceName": ...} (apiVersion optional)',
    ),
    _simple(
        "slackApi",
        "accessToken",
        optional=("signatureSecret", "notice"),
        more_secrets=("signatureSecret",),
        hint="the Slack bot token (xoxb-...), or JSON with accessToken and signatureSecret",
    ),
    _simple(
        "aws",
        "secretAccessKey",
        required=("accessKeyId",),
        optional=("region", "sessionToken"),
        fixed={"region": "us-east-1", "temporaryCredentials": False, "customEndpoints": False},
        more_secrets=("sessionToken",),
        hint='{"accessKeyId": ..., "secretAccessKey": ..., "region": ...}',
    ),
    _simple(
        "googleApi",
        "privateKey",
        required=("email",),
        optional=("region", "delegatedEmail"),
        fixed={"inpersonate": False, "httpNode": False},
        parser=_google_service_account,
        hint="the service account's JSON key file",
    ),
    _simple(
        "googlePalmApi",
        "apiKey",
        fixed={"host": "https://generativelanguage.googleapis.com"},
        hint="the Gemini (Google AI) API key",
    ),
    _oauth2("googleOAuth2Api", scope=True),
    _oauth2("googleBigQueryOAuth2Api"),
    _oauth2(
        "microsoftOAuth2Api", scope=True, extra_fields=("authUrl", "accessTokenUrl"), derive=_microsoft_urls
    ),
    _oauth2("quickBooksOAuth2Api", extra={"environment": "production"}),
    _oauth2(
        "azureStorageOAuth2Api",
        extra_fields=("account", "authUrl", "accessTokenUrl"),
        extra_required=("account",),
        derive=_microsoft_urls,
    ),
    _simple("azureStorageSharedKeyApi", "key", required=("account",), hint='{"account": ..., "key": ...}'),
    _simple(
        "snowflake",
        "password",
        required=("account", "username"),
        optional=("database", "warehouse", "schema", "role"),
        fixed={"authentication": "password", "privateKey": "", "clientSessionKeepAlive": False},
        hint='{"account": ..., "username": ..., "password": ..., "warehouse": ..., "database": ...}',
    ),
    _simple(
        "oktaApi",
        "accessToken",
        required=("url",),
        hint='{"url": "https://org.okta.com", "accessToken": ...}',
    ),
    _simple(
        "auth0ManagementApi",
        "clientSecret",
        required=("domain", "clientId"),
        derive=lambda c: {"clientId": c.client_id} if c.client_id else {},
        hint='{"domain": ..., "clientId": ..., "clientSecret": ...}',
    ),
    _simple(
        "postgres",
        "password",
        required=("host", "database", "user"),
        optional=("port", "ssl"),
        fixed={"port": 5432, "ssl": "require", "allowUnauthorizedCerts": False, "sshTunnel": False},
        parser=_postgres_dsn,
        hint="a postgresql://user:password@host:5432/database connection string",
    ),
]

CREDENTIAL_TYPES: dict[str, CredentialType] = {t.name: t for t in _TYPES}
