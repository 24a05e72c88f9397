"""Issue 14, secrets: every vendor shape is refused (also with lowercase or hex bodies), connection strings
with passwords and SAS signatures too; server echoes are redacted even re-cased or cut; JSON secrets' keys
are never quoted. Ordinary names, GUIDs, addresses and references still pass."""

from __future__ import annotations

import json
import random
import string

import pytest

from wizard.providers.http import scrub
from wizard.providers.n8n.credentials import CredentialBuildError, build_data
from wizard.secrets.guard import REDACTED, find_secret_kind, redact, validate_reference

_rng = random.Random(14)
LOWER = string.ascii_lowercase
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits


def pick(chars: str, n: int) -> str:
    return "".join(_rng.choice(chars) for _ in range(n))


def _guid() -> str:
    return "-".join(pick(HEX, n) for n in (8, 4, 4, 4, 12))


# Built at run time so no secret-shaped literal sits in the repository. Bodies deliberately low-entropy
# (lowercase only, hex only) where the vendor's format allows it: the entropy test alone misses those.
VENDOR_TOKENS = {
    "hugging face (lowercase body)": "hf" + "_" + pick(LOWER, 34),
    "shopify admin token": "shp" + "at_" + pick(HEX, 32),
    "shopify custom app": "shp" + "ca_" + pick(HEX, 32),
    "shopify shared secret": "shp" + "ss_" + pick(HEX, 32),
    "digitalocean pat": "do" + "p_v1_" + pick(HEX, 64),
    "digitalocean oauth": "do" + "o_v1_" + pick(HEX, 64),
    "hubspot na1": "pat" + "-na1-" + _guid(),
    "hubspot eu1": "pat" + "-eu1-" + _guid(),
    "azure devops legacy pat": pick("abcdefghijklmnopqrstuvwxyz234567", 52),
    "azure devops new pat": pick(ALNUM, 76) + "AZ" + "DO" + pick(ALNUM, 4),
    "stripe live (lowercase)": "sk" + "_live_" + pick(LOWER, 24),
    "stripe restricted": "rk" + "_live_" + pick(ALNUM, 24),
    "gitlab pat (lowercase)": "gl" + "pat-" + pick(LOWER, 20),
    "npm": "np" + "m_" + pick(LOWER + string.digits, 36),
    "pypi": "pypi" + "-AgEIcHlwaS5vcmc" + pick(ALNUM + "_-", 60),
    "slack app token": "xa" + "pp-1-" + pick(ALNUM, 30),
}

CONNECTION_STRINGS = {
    "postgres short password": "postgres://u" + ":pw@" + "db.example.com:5432/app",
    "redis empty user": "redis://" + ":pw@" + "cache.example.com:6379",
    "mongodb+srv": "mongodb+srv://app" + ":s3cret@" + "cluster0.example.net/db",
    "ado.net": "Server=tcp:x.database.windows.net;Database=app;User ID=app;" + "Pass" + "word=Hunter22;",
    "azure storage": "DefaultEndpointsProtocol=https;AccountName=acme;"
    + "Account"
    + "Key="
    + pick(ALNUM, 30)
    + "==;",
    "sas url": "https://acme.blob.core.windows.net/c/f.csv?sv=2022-11-02&sr=b&sp=r&"
    + "si"
    + "g="
    + pick(LOWER, 20)
    + "%2B"
    + pick(LOWER, 10)
    + "%3D",
}

ORDINARY = [
    "Tenant-Acme-Data-Engineer",
    "svc-n8n-graph-acme",
    "11111111-2222-4333-8444-555555555555",
    "https://n8n.northwind.example/rest/oauth2-credential/callback",
    "postgres://app@db.example.com:5432/app",
    "https://acme.blob.core.windows.net/c/f.csv?sv=2022-11-02&sr=b",
    "env:HF_TOKEN",
    "env:SHOPIFY_ADMIN_TOKEN",
    "keyvault://kv-acme-prod/do-token",
    "repo:northwind/acme-pipeline:ref:refs/heads/main",
    "Move to the HubSpot private app when the client signs off",
    "password rotation every 90 days",
    "see https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens",
    "pat-na1 tokens live in the client's vault",
    "signature checked by sig verification",
]


@pytest.mark.parametrize("name", sorted(VENDOR_TOKENS))
def test_vendor_tokens_are_recognised_alone_and_in_text(name: str) -> None:
    token = VENDOR_TOKENS[name]
    assert find_secret_kind(token), name
    assert find_secret_kind(f"the key is {token}, keep it safe"), name


@pytest.mark.parametrize("name", sorted(CONNECTION_STRINGS))
def test_connection_strings_with_passwords_and_sas_signatures_are_refused(name: str) -> None:
    assert find_secret_kind(CONNECTION_STRINGS[name]), name


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_values_still_pass(text: str) -> None:
    assert find_secret_kind(text) is None


@pytest.mark.parametrize("name", sorted(VENDOR_TOKENS))
def test_a_vendor_token_given_as_a_reference_is_refused_without_echo(name: str) -> None:
    token = VENDOR_TOKENS[name]
    with pytest.raises(ValueError) as info:
        validate_reference(token)
    assert token not in str(info.value)


# ------------------------------------------------------------------ redaction of server echoes

SECRET = "Zq8" + pick(ALNUM, 37)


@pytest.mark.parametrize(
    "echo",
    [
        SECRET,
        SECRET.upper(),
        SECRET.lower(),
        SECRET.swapcase(),
        SECRET[:8],
        SECRET[:20],
        SECRET[-12:],
        SECRET[5:17],
        f'"{SECRET[:9]}…"',
        f"key={SECRET[:15]}",
    ],
)
def test_server_echoes_are_redacted_recased_or_cut(echo: str) -> None:
    message = f"invalid api key {echo} for tenant acme"
    out = redact(message, [SECRET])
    assert REDACTED in out
    frag = echo.strip('"…').removeprefix("key=")
    assert frag.lower() not in out.lower()
    assert "for tenant acme" in out
    assert frag.lower() not in scrub(message, [SECRET]).lower()


def test_redaction_keeps_ordinary_words() -> None:
    out = redact("The credential named acme-airtable was not found (HTTP 404)", [SECRET])
    assert out == "The credential named acme-airtable was not found (HTTP 404)"


def test_a_short_known_secret_is_redacted_in_any_case() -> None:
    assert "hunter" not in redact("wrong password HUNTER22 given", ["hunter22"]).lower()


# ------------------------------------------------------------------ JSON secrets: keys are never quoted


def test_keys_of_a_json_secret_are_never_echoed() -> None:
    planted = VENDOR_TOKENS["hugging face (lowercase body)"]
    secret = json.dumps(
        {"accessKeyId": "AKID", "secretAccessKey": "x" * 30, planted: "oops", "my-private-note": 1}
    )
    with pytest.raises(CredentialBuildError) as info:
        build_data("aws", secret)
    assert planted not in str(info.value) and "my-private-note" not in str(info.value)
    assert "2 unknown field(s)" in str(info.value)


# ------------------------------------------------------------------ through the real paths


@pytest.mark.parametrize("echo", ["upper", "lower", "cut"])
def test_a_provider_error_never_quotes_the_api_key_recased_or_cut(echo: str) -> None:
    import httpx

    from wizard.providers import ProviderError
    from wizard.providers.http import HttpSettings
    from wizard.providers.n8n.client import N8nProvider

    key = "n8nKey" + pick(ALNUM, 34)
    shown = {"upper": key.upper(), "lower": key.lower(), "cut": key[:11]}[echo]

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"message": f"API key {shown} is not valid"})

    settings = HttpSettings(allow_loopback_http=True, sleep=lambda s: None, max_retries=0)
    provider = N8nProvider(
        "http://127.0.0.1:1", httpx.Client(transport=httpx.MockTransport(reply)), key, settings
    )
    with pytest.raises(ProviderError) as info:
        provider.credential_schema("airtableTokenApi")
    assert shown.lower() not in str(info.value).lower() and "is not valid" in str(info.value)


@pytest.mark.parametrize(
    "name", ["hugging face (lowercase body)", "digitalocean pat", "hubspot eu1", "azure devops legacy pat"]
)
def test_idspine_check_refuses_a_vendor_token_in_the_inventory_without_echo(tmp_path, name: str) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    token = VENDOR_TOKENS[name]
    path = tmp_path / "idspine.toml"
    path.write_text(
        f'schema_version = 1\n\n[consultancy]\nname = "N"\nslug = "n"\n\n[[clients]]\nslug = "acme"\n'
        f'name = "Acme"\nnotes = "token {token}"\n'
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "check", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert token not in result.stderr + result.stdout and "clients[0].notes" in result.stderr
