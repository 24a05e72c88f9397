"""Build the `data` of an n8n credential for each credential type idspine supports (pure, no network).

The types themselves (fields, constants, secret formats) are in credential_types.py. Inputs: the secret
(resolved from its reference at push time) is either the bare secret, a JSON object whose keys are n8n
field names (for types needing several values, e.g. aws or snowflake), or a type-specific format (a Google
service-account JSON key, a postgres:// connection string). Non-secret values that idspine already knows
(OAuth client id, tenant, Supabase address, scopes) come in a BuildContext. Errors name fields, never values.
"""

from __future__ import annotations

from typing import Any

from wizard.providers.n8n.credential_types import (
    CREDENTIAL_TYPES,
    BuildContext,
    CredentialBuildError,
    CredentialType,
    json_object,
)

__all__ = [
    "CREDENTIAL_TYPES",
    "BuildContext",
    "CredentialBuildError",
    "CredentialType",
    "build_data",
    "credential_type",
    "redacted",
    "schema_problems",
    "supported_types",
]


def supported_types() -> list[str]:
    """The n8n credential types idspine can build, sorted."""
    return sorted(CREDENTIAL_TYPES)


def credential_type(n8n_type: str) -> CredentialType:
    """The builder description of *n8n_type* (CredentialBuildError when unsupported)."""
    try:
        return CREDENTIAL_TYPES[n8n_type]
    except KeyError:
        raise CredentialBuildError(
            f"n8n credential type {n8n_type!r} is not supported by idspine yet (supported: "
            f"{', '.join(supported_types())})"
        ) from None


def build_data(n8n_type: str, secret: str, context: BuildContext | None = None) -> dict[str, Any]:
    """The `data` object for an n8n credential of *n8n_type*, validated before anything is sent."""
    spec = credential_type(n8n_type)
    context = context or BuildContext()
    if not isinstance(secret, str) or not secret.strip():
        raise CredentialBuildError(f"{n8n_type}: the secret is empty")
    data: dict[str, Any] = dict(spec.fixed)
    if spec.derive:
        data.update({k: v for k, v in spec.derive(context).items() if v not in (None, "")})
    if spec.parse_secret:
        supplied = spec.parse_secret(secret)
    elif secret.lstrip().startswith("{"):
        supplied = json_object(secret, n8n_type)
    else:
        supplied = {spec.secret_field: secret.strip()}
    unknown = set(supplied) - spec.fields
    if unknown:
        # The keys come from the secret itself (a pasted value may sit in a key): count them, never quote them.
        raise CredentialBuildError(
            f"{n8n_type}: the secret's JSON has {len(unknown)} unknown field(s) (their names are not "
            f"shown); allowed: {', '.join(sorted(spec.fields))}"
        )
    for key, value in supplied.items():
        if not isinstance(value, (str, bool, int, float)) or isinstance(value, float) and value != value:
            raise CredentialBuildError(f"{n8n_type}: field {key} must be text, a number or true/false")
    data.update(supplied)
    _adjust(n8n_type, data)
    missing = [f for f in spec.required if data.get(f) in (None, "")]
    if missing:
        raise CredentialBuildError(f"{n8n_type}: missing {', '.join(missing)} ({spec.hint})")
    return data


def _adjust(n8n_type: str, data: dict[str, Any]) -> None:
    """Type-specific switches that must agree with the values given."""
    if n8n_type == "slackApi":
        if data.get("signatureSecret"):
            data.pop("notice", None)
        else:
            data.pop("signatureSecret", None)
            data["notice"] = ""
    elif n8n_type == "aws":
        data["temporaryCredentials"] = bool(data.get("sessionToken"))
        if not data["temporaryCredentials"]:
            data.pop("sessionToken", None)
    elif n8n_type == "googleApi":
        if data.get("delegatedEmail"):
            data["inpersonate"] = True
    elif n8n_type == "postgres" and isinstance(data.get("port"), str) and data["port"].isdigit():
        data["port"] = int(data["port"])


def redacted(n8n_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """*data* safe to display: secret fields replaced by a marker."""
    spec = credential_type(n8n_type)
    return {
        k: ("<secret>" if k in spec.secret_fields or k in ("privateKey", "password") and v else v)
        for k, v in sorted(data.items())
    }


_N8N_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "boolean": bool,
    "number": (int, float),
    "json": (str, dict, list),
}


def schema_problems(data: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Differences between *data* and n8n's schema for its type (field names only, never values).

    Checks that every field exists, has the declared type and (for enums) an allowed value, and that
    the schema's top-level required fields are present. n8n evaluates its conditional rules itself.
    """
    problems: list[str] = []
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return ["the schema has no properties"]
    for key, value in data.items():
        prop = properties.get(key)
        if not isinstance(prop, dict):
            problems.append(f"{key}: not a field of this type")
            continue
        expected = _N8N_TYPES.get(str(prop.get("type")))
        if expected and (
            not isinstance(value, expected) or isinstance(value, bool) and prop.get("type") == "number"
        ):
            problems.append(f"{key}: should be {prop.get('type')}")
        enum = prop.get("enum")
        if isinstance(enum, list) and value not in enum:
            problems.append(f"{key}: not one of the allowed values")
    for key in schema.get("required") or []:
        if key not in data:
            problems.append(f"{key}: required by n8n")
    return problems
