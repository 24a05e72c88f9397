"""Azure Key Vault over REST: store a new secret and return its keyvault:// reference.

`PUT {vault}/secrets/{name}?api-version=7.4` with `{"value", "attributes": {"exp"}}`
(https://learn.microsoft.com/rest/api/keyvault/secrets/set-secret/set-secret); setting an existing name adds
a new version. The value goes to the vault and nowhere else: never logged, printed, or put into an error.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from wizard.providers.errors import ProviderError
from wizard.providers.http import HttpSettings, JsonApi
from wizard.secrets.guard import validate_reference
from wizard.secrets.sinks import KEY_VAULT_NAME, SecretSinkError, vault_secret_name

if TYPE_CHECKING:
    import httpx

KEYVAULT_API_VERSION = "7.4"


class KeyVaultSink:
    """Azure Key Vault secrets over REST, at an injected vault address and httpx client."""

    def __init__(
        self,
        vault_url: str,
        client: httpx.Client,
        token: str,
        vault_name: str | None = None,
        settings: HttpSettings | None = None,
    ):
        self._api = JsonApi(
            "Azure Key Vault", vault_url, client, {"Authorization": f"Bearer {token}"}, settings
        )
        host = (self._api.base_url.split("://", 1)[-1]).split("/", 1)[0].split(":", 1)[0]
        self.vault_name = vault_name or host.split(".", 1)[0]

    def __repr__(self) -> str:
        return f"KeyVaultSink({self._api.base_url!r})"

    def store(self, name: str, value: str, expires: dt.datetime | None = None) -> str:
        secret_name = vault_secret_name(name)
        if not KEY_VAULT_NAME.match(secret_name):
            raise SecretSinkError(f"cannot make a Key Vault secret name from {name!r}")
        body: dict[str, object] = {"value": value, "contentType": "client secret (idspine)"}
        if expires is not None:
            body["attributes"] = {"enabled": True, "exp": int(expires.timestamp())}
        try:
            self._api.call(
                "PUT",
                f"/secrets/{secret_name}?api-version={KEYVAULT_API_VERSION}",
                json_body=body,
                ok=(200, 201),
                idempotent=True,
                secrets=[value],
            )
        except ProviderError as exc:
            raise SecretSinkError(f"Key Vault did not store {secret_name}: {exc.message}") from None
        ref = f"keyvault://{self.vault_name}/{secret_name}"
        validate_reference(ref)
        return ref
