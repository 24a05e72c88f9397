"""Read a Supabase project through the Management API: API key metadata and which Auth providers are on.

- `GET /v1/projects/{ref}/api-keys?reveal=false` (Supabase Management API, operation v1-get-project-api-keys;
  supabase/cli packages/api/src/generated/openapi.json: a list of ApiKeyResponse {name, id, type, prefix,
  api_key, hash, ...}; `reveal` is a boolean query parameter). Only name, type, id and prefix are kept: any
  `api_key` or `hash` value that comes back anyway is dropped here, before anything else sees the answer.
- `GET /v1/projects/{ref}/config/auth` (AuthConfigResponse): every `external_<provider>_enabled` that is
  true, and the Azure provider's client id and URL (never its secret).

Needs a token with read access to the project (scope secrets:read for the keys). Nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

from wizard.discovery.supabase_drift import ApiKeyInfo, AuthProviders, SupabaseSnapshot
from wizard.providers.errors import ErrorKind, ProviderError
from wizard.providers.supabase import SupabaseProvider, check_ref

KEPT_FIELDS = ("id", "name", "type", "prefix")  # everything else, api_key and hash first, is dropped
_ENABLED = re.compile(r"^external_([a-z0-9_]+)_enabled$")
MAX_TEXT = 200
MAX_KEYS = 1000


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return value[:limit] if isinstance(value, str) else ""


def metadata_only(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of an ApiKeyResponse idspine keeps; the key value and its hash never pass."""
    return {k: item.get(k) for k in KEPT_FIELDS}


def parse_api_keys(data: Any) -> tuple[ApiKeyInfo, ...]:
    """The API key list as ApiKeyInfo (ProviderError when it is not a list of keys)."""
    if not isinstance(data, list):
        raise ProviderError("Supabase api-keys: the answer is not a list", ErrorKind.BAD_RESPONSE)
    if len(data) > MAX_KEYS:
        raise ProviderError("Supabase api-keys: too many keys in the answer", ErrorKind.BAD_RESPONSE)
    keys: list[ApiKeyInfo] = []
    for raw in data:
        if not isinstance(raw, dict):
            raise ProviderError("Supabase api-keys: an item is not an object", ErrorKind.BAD_RESPONSE)
        item = metadata_only(raw)
        name = _text(item["name"])
        if not name:
            raise ProviderError("Supabase api-keys: a key without a name", ErrorKind.BAD_RESPONSE)
        kind = _text(item["type"], 40)
        key_id = _text(item["id"])
        if not key_id:
            if kind != "legacy" and kind:
                raise ProviderError(
                    "Supabase api-keys: a non-legacy key without an id", ErrorKind.BAD_RESPONSE
                )
            key_id = f"legacy:{name}"
        keys.append(ApiKeyInfo(key_id, name, kind, _text(item["prefix"], 40)))
    return tuple(keys)


def parse_auth(data: Any) -> AuthProviders:
    """The enabled external providers and the Azure provider's non-secret settings."""
    if not isinstance(data, dict):
        raise ProviderError("Supabase auth config: the answer is not an object", ErrorKind.BAD_RESPONSE)
    enabled = sorted(
        m.group(1) for key, value in data.items() if value is True and (m := _ENABLED.match(str(key)))
    )
    return AuthProviders(
        tuple(enabled), _text(data.get("external_azure_client_id")), _text(data.get("external_azure_url"))
    )


def read_project(provider: SupabaseProvider, project_ref: str) -> SupabaseSnapshot:
    """The project's key metadata and Auth providers (ProviderError on any failure)."""
    ref = check_ref(project_ref)
    api = provider._api  # the provider's one safe JsonApi (Bearer token, limits, retries)
    keys = parse_api_keys(api.call("GET", f"/v1/projects/{ref}/api-keys?reveal=false").data)
    auth = parse_auth(provider.get_auth_config(ref))
    return SupabaseSnapshot(ref, keys, auth)
