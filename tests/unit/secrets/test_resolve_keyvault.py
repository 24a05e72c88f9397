"""keyvault:// references resolve through the Key Vault REST API (a loopback stand-in built from Microsoft's
published shapes, tests/support/contracts/keyvault-secrets.json): the value comes back, every failure is one
line naming the reference, and neither the value nor the token ever shows in a message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

import wizard.providers  # noqa: F401 - registers the keyvault:// reader
import wizard.providers.keyvault as keyvault
from tests.support.entra.keyvault_standin import Vault, VaultStandIn
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.keyvault import KEYVAULT_SCOPE, KeyVaultReader, read_keyvault_secret, vault_address
from wizard.secrets.resolver import SecretUnavailable, resolve
from wizard.settings import Connections

CONTRACT = json.loads(
    (Path(__file__).parents[2] / "support" / "contracts" / "keyvault-secrets.json").read_text()
)
TOKEN = "kv-bearer-token-for-tests-0001"
VALUE = "kv-canary-Value-7f3a9c1e5b"


def inline(node: Any) -> Any:
    """The contract's schema with its "#/Name" references replaced by what they name."""
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return inline(CONTRACT[node["$ref"].removeprefix("#/")])
        return {k: inline(v) for k, v in node.items()}
    return [inline(v) for v in node] if isinstance(node, list) else node


def check(name: str, body: Any) -> None:
    jsonschema.validate(body, inline(CONTRACT[name]))


@pytest.fixture
def vault() -> Vault:
    v = Vault(token=TOKEN)
    v.add("svc-n8n-graph", "older-value-1234567890")
    v.add("svc-n8n-graph", VALUE)
    return v


def conn(server: VaultStandIn) -> Connections:
    return Connections(allow_loopback_http=True, keyvault_url=server.base_url)


def read(ref: str, server: VaultStandIn, token: str = TOKEN) -> str:
    return read_keyvault_secret(ref, conn(server), token_provider=lambda: token)


def test_the_latest_version_and_a_named_version_resolve(vault: Vault) -> None:
    first = vault.secrets["svc-n8n-graph"][0]["version"]
    with VaultStandIn(vault) as server:
        assert read("keyvault://kv-northwind-ops/svc-n8n-graph", server) == VALUE
        assert read(f"keyvault://kv-northwind-ops/svc-n8n-graph/{first}", server) == "older-value-1234567890"
    method, path, query = vault.requests[0]
    assert (method, path, query) == ("GET", "/secrets/svc-n8n-graph", {"api-version": ["7.4"]})
    assert vault.requests[1][1] == f"/secrets/svc-n8n-graph/{first}"


def test_the_stand_in_answers_in_the_published_shapes(vault: Vault) -> None:
    vault.add("disabled-one", "x-value-never-read-123", enabled=False)
    with VaultStandIn(vault) as server, httpx.Client() as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        ok = client.get(f"{server.base_url}/secrets/svc-n8n-graph?api-version=7.4", headers=auth)
        check("SecretBundle", ok.json())
        listed = client.get(
            f"{server.base_url}/secrets/svc-n8n-graph/versions?api-version=7.4&maxresults=1", headers=auth
        )
        check("SecretListResult", listed.json())
        assert listed.json()["nextLink"]
        for url, status in [
            (f"{server.base_url}/secrets/nope?api-version=7.4", 404),
            (f"{server.base_url}/secrets/disabled-one?api-version=7.4", 403),
        ]:
            answer = client.get(url, headers=auth)
            assert answer.status_code == status
            check("KeyVaultError", answer.json())
        unauth = client.get(f"{server.base_url}/secrets/svc-n8n-graph?api-version=7.4")
        assert (
            unauth.status_code == 401
            and 'resource="https://vault.azure.net"' in unauth.headers["www-authenticate"]
        )
        check("KeyVaultError", unauth.json())
    with pytest.raises(jsonschema.ValidationError):  # the contract can fail: a listed value is refused
        check("SecretListResult", {"value": [{"id": "x", "value": "leak"}]})


def test_the_resolver_dispatches_keyvault_references(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyvault, "keyvault_token", lambda connections=None: TOKEN)
    with VaultStandIn(vault) as server:
        assert conn(server).resolve("keyvault://kv-northwind-ops/svc-n8n-graph") == VALUE
        monkeypatch.setenv("IDSPINE_KEYVAULT_URL", server.base_url)
        # the plain resolver with default connections: the address comes from IDSPINE_KEYVAULT_URL
        with pytest.raises(SecretUnavailable, match="plain http"):
            resolve("keyvault://kv-northwind-ops/svc-n8n-graph")


def test_the_vault_address_follows_the_override() -> None:
    assert vault_address("KV-Acme") == "https://kv-acme.vault.azure.net"
    assert (
        vault_address("kv-acme", Connections(keyvault_url="http://127.0.0.1:9/{vault}"))
        == "http://127.0.0.1:9/kv-acme"
    )


@pytest.mark.parametrize(
    ("arrange", "ref", "expected"),
    [
        (lambda v: v.add("gone-off", "disabled-value-123456", enabled=False), "gone-off", "is disabled"),
        (lambda v: None, "no-such-secret", "has no secret named no-such-secret (SecretNotFound)"),
        (lambda v: setattr(v, "forbidden", True), "svc-n8n-graph", "Key Vault Secrets User"),
        (
            lambda v: (v.add("disabled-in-name", "x-123456789012"), setattr(v, "forbidden", True)),
            "disabled-in-name",
            "may not read secrets in vault kv-northwind-ops (Forbidden)",
        ),
        (lambda v: v.expired_tokens.add(TOKEN), "svc-n8n-graph", "expired or is for another tenant"),
        (
            lambda v: (setattr(v, "throttle", 99), setattr(v, "retry_after", 3600)),
            "svc-n8n-graph",
            "throttling",
        ),
    ],
    ids=["disabled", "not-found", "forbidden", "forbidden-name-says-disabled", "expired-token", "throttled"],
)
def test_each_failure_is_one_line_naming_the_reference(
    vault: Vault, arrange: Any, ref: str, expected: str
) -> None:
    arrange(vault)
    full = f"keyvault://kv-northwind-ops/{ref}"
    with VaultStandIn(vault) as server, pytest.raises(SecretUnavailable) as info:
        read(full, server)
    message = str(info.value)
    assert message.startswith(full + ": ") and expected in message and "\n" not in message
    assert TOKEN not in message and VALUE not in message and "disabled-value" not in message


def test_a_missing_version_is_named(vault: Vault) -> None:
    ref = "keyvault://kv-northwind-ops/svc-n8n-graph/" + "0" * 32
    with VaultStandIn(vault) as server, pytest.raises(SecretUnavailable) as info:
        read(ref, server)
    assert f"has no version {'0' * 32} of the secret svc-n8n-graph (SecretNotFound)" in str(info.value)


def test_a_short_throttle_is_waited_out(vault: Vault) -> None:
    vault.throttle, vault.retry_after = 1, 0
    with VaultStandIn(vault) as server:
        assert read("keyvault://kv-northwind-ops/svc-n8n-graph", server) == VALUE
    assert len(vault.requests) == 2


def test_an_unreachable_vault_and_no_sign_in_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = Connections(allow_loopback_http=True, keyvault_url="http://127.0.0.1:9")
    with pytest.raises(
        SecretUnavailable, match=r"^keyvault://kv-x1/a-secret: vault kv-x1 could not be reached"
    ):
        read_keyvault_secret("keyvault://kv-x1/a-secret", dead, token_provider=lambda: TOKEN)

    def none() -> str:
        raise SecretUnavailable(
            "not signed in to tenant t for Key Vault: run `idspine entra signin --tenant t`"
        )

    with pytest.raises(SecretUnavailable, match=r"^keyvault://kv-x1/a-secret: not signed in"):
        read_keyvault_secret("keyvault://kv-x1/a-secret", dead, token_provider=none)
    monkeypatch.delenv("IDSPINE_TENANT", raising=False)
    with pytest.raises(SecretUnavailable, match="set IDSPINE_TENANT"):
        read_keyvault_secret("keyvault://kv-x1/a-secret", dead)


def test_the_default_token_provider_asks_msal_for_the_vault_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.providers.entra import signin
    from wizard.providers.entra.msal_calls import TokenResult

    asked: list[tuple[str, list[str]]] = []

    def silent(config: Any, scopes: list[str]) -> TokenResult:
        asked.append((config.authority, list(scopes)))
        return TokenResult(True, access_token=TOKEN)

    monkeypatch.setattr(signin, "silent_token", silent)
    monkeypatch.setenv("IDSPINE_TENANT", "contoso.onmicrosoft.com")
    monkeypatch.setenv("IDSPINE_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.delenv("IDSPINE_OIDC_AUTHORITY", raising=False)
    assert keyvault.keyvault_token(Connections()) == TOKEN
    assert asked == [("https://login.microsoftonline.com/contoso.onmicrosoft.com", [KEYVAULT_SCOPE])]
    monkeypatch.setattr(signin, "silent_token", lambda config, scopes: None)
    with pytest.raises(SecretUnavailable, match="idspine entra signin --tenant contoso.onmicrosoft.com"):
        keyvault.keyvault_token(Connections())


def test_versions_page_through_next_link_without_values(vault: Vault) -> None:
    for i in range(3):
        vault.add("svc-n8n-graph", f"another-value-{i}-abcdef", enabled=i != 1)
    settings = HttpSettings(allow_loopback_http=True, sleep=lambda s: None)
    with VaultStandIn(vault) as server, build_client(settings) as client:
        versions = KeyVaultReader(server.base_url, client, TOKEN, settings).versions(
            "svc-n8n-graph", page_size=2
        )
    assert [v.version for v in versions] == [v["version"] for v in vault.secrets["svc-n8n-graph"]]
    assert [v.enabled for v in versions] == [True, True, True, False, True]
    assert sum(1 for r in vault.requests if r[1].endswith("/versions")) == 3


def test_token_sources_are_asked_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def nothing(conn: Connections) -> tuple[str, str]:
        asked.append("first")
        return "", "first source has no token"

    def azure_cli(conn: Connections) -> tuple[str, str]:
        asked.append("second")
        return TOKEN, ""

    monkeypatch.setattr(keyvault, "KEYVAULT_TOKEN_SOURCES", [nothing, azure_cli])
    assert keyvault.keyvault_token() == TOKEN and asked == ["first", "second"]
    monkeypatch.setattr(keyvault, "KEYVAULT_TOKEN_SOURCES", [nothing, nothing])
    with pytest.raises(SecretUnavailable, match="^first source has no token; first source has no token$"):
        keyvault.keyvault_token()
