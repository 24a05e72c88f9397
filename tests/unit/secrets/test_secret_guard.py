"""The secret guard refuses every known secret shape anywhere in the model, without echoing it."""

from __future__ import annotations

import pydantic
import pytest

from wizard.model import Credential, Method
from wizard.secrets.guard import SecretValueError, find_secret_kind, validate_reference


def test_every_canary_shape_is_recognised(canaries: dict[str, str]) -> None:
    for name, value in canaries.items():
        assert find_secret_kind(value), name
        assert find_secret_kind(f"my key is {value} ok"), name


@pytest.mark.parametrize("field", ["notes", "label", "owner", "planned_migration"])
def test_secret_in_free_text_is_refused_without_echo(field: str, canaries: dict[str, str]) -> None:
    for value in canaries.values():
        with pytest.raises(pydantic.ValidationError) as info:
            Credential(id="x", service="github", method=Method.PAT, **{field: f"token {value}"})
        text = str(info.value)
        assert value not in text and value[:12] not in text
        assert "never stores secret values" in text


@pytest.mark.parametrize(
    "ref",
    [
        "env:N8N_API_KEY",
        "keyvault://kv-acme-prod/n8n-graph",
        "1password://Clients/Acme",
        "op://Vault/Item/field",
        "file:~/.config/idspine/acme.env",
    ],
)
def test_references_are_accepted(ref: str) -> None:
    assert validate_reference(ref) == ref


@pytest.mark.parametrize("ref", ["N8N_API_KEY", "env:", "env:1BAD", "keyvault://x/", "https://vault/x", ""])
def test_malformed_references_are_refused(ref: str) -> None:
    with pytest.raises(ValueError):
        validate_reference(ref)


def test_a_raw_secret_as_reference_is_refused_as_a_secret(canaries: dict[str, str]) -> None:
    for value in canaries.values():
        if "\n" in value:
            continue
        with pytest.raises(SecretValueError) as info:
            validate_reference(value)
        assert value not in str(info.value)
        if not any(c.islower() for c in value) or not any(c.isupper() for c in value[4:]):
            continue  # an all-caps or hex-only run is a plausible variable name
        env_ref = "env:X" + "".join(ch for ch in value if ch.isalnum())[:60]
        with pytest.raises(ValueError) as info:
            validate_reference(env_ref)
        assert env_ref[5:] not in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "Tenant-Acme-Data-Engineer",
        "https://n8n.northwind.example/rest/oauth2-credential/callback",
        "11111111-2222-4333-8444-555555555555",
        "repo:northwind/acme-pipeline:ref:refs/heads/main",
        "com.intuit.quickbooks.accounting",
        "Replace with the workspace service principal (OAuth M2M)",
        "api://AzureADTokenExchange",
        "Sites.Selected",
    ],
)
def test_ordinary_values_pass(text: str) -> None:
    assert find_secret_kind(text) is None
