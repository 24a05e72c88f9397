"""The n8n credential types the catalogue may name, verified against n8n's sources and a running n8n 1.123.81.

Each entry names the source file that declares the type in n8n-io/n8n, the fields idspine relies on (they
must be properties of the type's schema) and the top-level `required` list that the running n8n's
`GET /api/v1/credentials/schema/{type}` returned on this machine. test_n8n_peer.py checks all of it against
the real n8n; test_catalogue.py checks that the catalogue names no other type.
"""

from __future__ import annotations

from typing import NamedTuple

N8N_VERSION = "1.123.81"
BASE = "https://github.com/n8n-io/n8n/blob/master/packages/nodes-base/credentials/"
LANGCHAIN = "https://github.com/n8n-io/n8n/blob/master/packages/@n8n/nodes-langchain/credentials/"


class N8nType(NamedTuple):
    """What is known about one n8n credential type."""

    source: str
    fields: tuple[str, ...]
    required: tuple[str, ...]


N8N_TYPES: dict[str, N8nType] = {}


def _add(type_id: str, source: str, *, fields: tuple[str, ...], required: tuple[str, ...]) -> None:
    N8N_TYPES[type_id] = N8nType(source, fields, required)


_add("airtableTokenApi", BASE + "AirtableTokenApi.credentials.ts", fields=("accessToken",), required=())
_add(
    "airtableOAuth2Api",
    BASE + "AirtableOAuth2Api.credentials.ts",
    fields=("clientId", "clientSecret"),
    required=(),
)
_add(
    "auth0ManagementApi",
    BASE + "Auth0ManagementApi.credentials.ts",
    fields=("domain", "clientId", "clientSecret"),
    required=("domain", "clientId", "clientSecret"),
)
_add("aws", BASE + "Aws.credentials.ts", fields=("accessKeyId", "secretAccessKey", "region"), required=())
_add(
    "azureOpenAiApi",
    LANGCHAIN + "AzureOpenAiApi.credentials.ts",
    fields=("apiKey", "resourceName", "apiVersion"),
    required=("apiKey", "resourceName", "apiVersion"),
)
_add(
    "azureStorageOAuth2Api",
    BASE + "AzureStorageOAuth2Api.credentials.ts",
    fields=("account", "clientId", "clientSecret"),
    required=(),
)
_add(
    "azureStorageSharedKeyApi",
    BASE + "AzureStorageSharedKeyApi.credentials.ts",
    fields=("account", "key"),
    required=(),
)
_add("githubApi", BASE + "GithubApi.credentials.ts", fields=("accessToken", "server"), required=())
_add(
    "githubOAuth2Api",
    BASE + "GithubOAuth2Api.credentials.ts",
    fields=("clientId", "clientSecret", "server"),
    required=(),
)
_add(
    "googleApi",
    BASE + "GoogleApi.credentials.ts",
    fields=("email", "privateKey", "delegatedEmail"),
    required=("email", "privateKey"),
)
_add(
    "googleBigQueryOAuth2Api",
    BASE + "GoogleBigQueryOAuth2Api.credentials.ts",
    fields=("clientId", "clientSecret"),
    required=(),
)
_add(
    "googleOAuth2Api",
    BASE + "GoogleOAuth2Api.credentials.ts",
    fields=("clientId", "clientSecret", "scope"),
    required=(),
)
_add(
    "googlePalmApi",
    LANGCHAIN + "GooglePalmApi.credentials.ts",
    fields=("apiKey", "host"),
    required=("host", "apiKey"),
)
_add("httpBearerAuth", BASE + "HttpBearerAuth.credentials.ts", fields=("token",), required=())
_add("httpHeaderAuth", BASE + "HttpHeaderAuth.credentials.ts", fields=("name", "value"), required=())
_add(
    "microsoftOAuth2Api",
    BASE + "MicrosoftOAuth2Api.credentials.ts",
    fields=("clientId", "clientSecret", "authUrl", "accessTokenUrl", "scope"),
    required=(),
)
_add(
    "oAuth2Api",
    BASE + "OAuth2Api.credentials.ts",
    fields=("grantType", "accessTokenUrl", "clientId", "clientSecret", "scope"),
    required=(),
)
_add(
    "oktaApi", BASE + "OktaApi.credentials.ts", fields=("url", "accessToken"), required=("url", "accessToken")
)
_add("openAiApi", BASE + "OpenAiApi.credentials.ts", fields=("apiKey",), required=("apiKey",))
_add(
    "quickBooksOAuth2Api",
    BASE + "QuickBooksOAuth2Api.credentials.ts",
    fields=("clientId", "clientSecret", "environment"),
    required=(),
)
_add("slackApi", BASE + "SlackApi.credentials.ts", fields=("accessToken",), required=("accessToken",))
_add(
    "snowflake",
    BASE + "Snowflake.credentials.ts",
    fields=("account", "username", "authentication", "privateKey"),
    required=(),
)
_add("supabaseApi", BASE + "SupabaseApi.credentials.ts", fields=("host", "serviceRole"), required=())

# Types whose authorization-code-only grant is fixed (a hidden grantType), so they cannot stand for client
# credentials: the catalogue must not put them on an oauth-client-credentials entry.
AUTHORIZATION_CODE_ONLY = frozenset(
    {
        "microsoftOAuth2Api",
        "azureStorageOAuth2Api",
        "googleOAuth2Api",
        "googleBigQueryOAuth2Api",
        "githubOAuth2Api",
        "quickBooksOAuth2Api",
        "airtableOAuth2Api",
    }
)
