"""Verify a workload identity's client secret at an identity provider other than Entra (any OpenID issuer).

Where the token comes from: the issuer's own discovery document (`/.well-known/openid-configuration`,
OpenID Connect Discovery 1.0 section 4) when the IdP address is an issuer, else the token endpoint template
of the IdP's profile (wizard.idps) filled in with `Consultancy.idp_address`:
- Okta: a client secret works at a custom authorization server (`https://ORG/oauth2/default`, its token
  endpoint `/oauth2/default/v1/token`, with at least one custom scope); Okta API scopes at the org server
  need private_key_jwt (developer.okta.com/docs/guides/implement-client-creds/).
- Auth0: `https://TENANT/oauth/token` with an `audience` (default the Management API, `https://TENANT/api/v2/`;
  auth0.com/docs/secure/tokens/access-tokens/get-access-tokens).
- Keycloak: the realm address is the issuer; `{realm}/protocol/openid-connect/token`.
- authentik: `/application/o/token/`; since 2024.4 the provider's client secret works in client credentials
  (goauthentik.io/docs/providers/oauth2/client_credentials).
- Google service accounts have no client secret: verify refuses.

The discovered issuer must be the address asked (a trailing slash aside), and the token endpoint must be
https on the issuer's own host, so a secret only ever goes to the configured IdP; redirects are not followed.
A certificate identity signs a client assertion instead (private_key_jwt, see
wizard.providers.entra.client_assertion), sent in the form when discovery does not rule the method out.
Anything that keeps the IdP from judging the secret (no answer, TLS, a 5xx, an answer that is not OAuth JSON)
is a VerifyRefused and nothing is recorded; an OAuth error such as invalid_client is the IdP's verdict.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from wizard.providers.addresses import check_base_url
from wizard.providers.entra.verify import Answer, TokenAsk, VerifyRefused
from wizard.providers.errors import ProviderError
from wizard.providers.http_settings import HttpSettings, build_client
from wizard.providers.responses import scrub
from wizard.vocabulary import IdP

if TYPE_CHECKING:
    import httpx

    from wizard.model import ServicePrincipal, Workspace
    from wizard.providers.entra.client_assertion import ClientCertificate
    from wizard.providers.entra.signin_config import SigninConfig
    from wizard.settings import Connections

BASIC, POST = "client_secret_basic", "client_secret_post"
DEFAULT_AUTH = {
    IdP.AUTH0.value: POST,
    IdP.AUTHENTIK.value: POST,
}  # the method their docs show; the others: basic
_KEYCLOAK_REALM = re.compile(r"^(?P<base>.+)/realms/(?P<realm>[^/]+)$")


@dataclass(frozen=True)
class TokenEndpoint:
    """Where to ask: the token endpoint, the issuer it was discovered from ('' from the template), methods."""

    url: str
    issuer: str = ""
    auth_methods: tuple[str, ...] = ()  # what discovery says the endpoint accepts (empty: not said)


def uses_oidc_verify(ws: Workspace) -> bool:
    """True when the consultancy's IdP is not Entra ID (verify then goes to that IdP's token endpoint)."""
    from wizard.idps import profile_for

    return profile_for(ws.consultancy.idp).key != IdP.ENTRA


def default_client_id(ws: Workspace, sp: ServicePrincipal) -> str:
    """The client id verify uses when none is given: the app id, the recorded client id, or Keycloak's name.

    A Keycloak client's clientId is chosen when it is created (verify assumes the identity's name); Okta,
    Auth0 and authentik generate theirs: record it in the inventory (client_id) or give it with `--client-id`.
    """
    if sp.app_id:
        return sp.app_id
    if sp.client_id:
        return sp.client_id
    return sp.name if ws.consultancy.idp == IdP.KEYCLOAK else ""


def issuer_for(idp: str, address: str) -> str:
    """The issuer a client secret is verified at, from the IdP address (Okta: its default custom server)."""
    address = address.strip().rstrip("/")
    if idp == IdP.OKTA and "/oauth2/" not in urlsplit(address).path + "/":
        return address + "/oauth2/default"
    return address


def template_endpoint(idp: str, address: str) -> str:
    """The profile's token endpoint template filled in from the IdP address (no network)."""
    from wizard.idps import profile_for

    address = address.strip().rstrip("/")
    parts = urlsplit(address)
    origin = f"{parts.scheme}://{parts.netloc}"
    template = profile_for(idp).workload.token_endpoint
    if idp == IdP.OKTA:  # a custom authorization server's token endpoint is under its issuer
        return issuer_for(idp, address) + "/v1/token"
    if idp == IdP.KEYCLOAK:
        match = _KEYCLOAK_REALM.match(address)
        if match is None:
            raise VerifyRefused(
                "the Keycloak address must be the realm's address, e.g. https://sso.example.com/realms/acme"
            )
        return template.format(base=match["base"], realm=match["realm"])
    if idp == IdP.AUTHENTIK:  # the address may be the instance or one application's issuer
        return template.format(base=address.split("/application/o/")[0])
    return template.format(domain=parts.netloc, base=origin, tenant="")


def _get_json(client: httpx.Client, url: str, what: str) -> tuple[int, object]:
    import httpx

    try:
        response = client.get(url)
    except httpx.ConnectError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate" in str(exc).lower():
            raise VerifyRefused(
                f"{what}: the identity provider's TLS certificate could not be verified (set "
                "IDSPINE_CA_BUNDLE for a private CA)"
            ) from None
        raise VerifyRefused(f"{what}: could not connect to the identity provider") from None
    except httpx.TimeoutException:
        raise VerifyRefused(f"{what}: the identity provider did not answer in time") from None
    except httpx.HTTPError as exc:
        raise VerifyRefused(f"{what}: network error ({type(exc).__name__})") from None
    try:
        return response.status_code, json.loads(response.content) if response.status_code == 200 else None
    except ValueError:
        raise VerifyRefused(f"{what}: the identity provider answered with a page that is not JSON") from None


def discover(issuer: str, client: httpx.Client) -> TokenEndpoint | None:
    """The token endpoint from the issuer's discovery document; None when there is none (HTTP 404)."""
    what = "discovery"
    status, doc = _get_json(client, issuer.rstrip("/") + "/.well-known/openid-configuration", what)
    if status == 404:
        return None
    if status != 200 or not isinstance(doc, dict):
        raise VerifyRefused(f"{what}: the identity provider answered HTTP {status}")
    said = doc.get("issuer")
    if not isinstance(said, str) or said.rstrip("/") != issuer.rstrip("/"):
        raise VerifyRefused(
            f"{what}: the document names another issuer ({scrub(str(said))[:120]}), not {issuer}; "
            "nothing was sent"
        )
    url = doc.get("token_endpoint")
    if not isinstance(url, str):
        raise VerifyRefused(f"{what}: the document has no token_endpoint")
    target, home = urlsplit(url), urlsplit(issuer)
    if (target.scheme, target.netloc) != (home.scheme, home.netloc):
        raise VerifyRefused(
            f"{what}: the token endpoint is not on the issuer's own address ({scrub(url)[:120]}); "
            "nothing was sent"
        )
    methods = doc.get("token_endpoint_auth_methods_supported")
    names = tuple(m for m in methods if isinstance(m, str)) if isinstance(methods, list) else ()
    return TokenEndpoint(url=url, issuer=issuer, auth_methods=names)


def find_token_endpoint(
    idp: str, address: str, client: httpx.Client, settings: HttpSettings, *, issuer: str | None = None
) -> TokenEndpoint:
    """Discovery at the issuer (given, or from the address); the profile's template when it has none."""
    if idp == IdP.GOOGLE:
        raise VerifyRefused(
            "Google service accounts have no client secret to verify (use workload identity federation)"
        )
    if not (issuer or address):
        raise VerifyRefused(
            "no IdP address in the inventory (consultancy idp_address), and no --oidc-authority given"
        )
    try:
        check_base_url(issuer or address, settings, "identity provider")
    except ProviderError as exc:
        raise VerifyRefused(str(exc)) from None
    if issuer:  # an explicit issuer must be discoverable
        found = discover(issuer, client)
        if found is None:
            raise VerifyRefused(f"discovery: {issuer} has no /.well-known/openid-configuration (HTTP 404)")
        return found
    found = discover(issuer_for(idp, address), client)
    return found or TokenEndpoint(url=template_endpoint(idp, address))


def pick_auth_method(idp: str, endpoint: TokenEndpoint, wanted: str | None = None) -> str:
    """client_secret_basic or _post: as asked, else the IdP's usual one, if the endpoint says it takes it."""
    offered = endpoint.auth_methods or (BASIC, POST)  # discovery's default is basic (RFC 8414 section 2)
    method = wanted or DEFAULT_AUTH.get(idp, BASIC)
    if method not in offered:
        other = POST if method == BASIC else BASIC
        if wanted or other not in offered:
            raise VerifyRefused(
                f"the token endpoint does not accept {method} (it takes {', '.join(offered)})"
            )
        method = other
    return method


def request_token(
    endpoint: str,
    client: httpx.Client,
    client_id: str,
    secret: str,
    *,
    method: str,
    scopes: Sequence[str] = (),
    audience: str = "",
    max_bytes: int = 1024 * 1024,
) -> Answer:
    """One client-credentials request; the IdP's verdict, or VerifyRefused when it gave none."""
    form = _grant_form(scopes, audience)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    basic = ""
    if method == POST:
        form.update(client_id=client_id, client_secret=secret)
    else:  # RFC 6749 section 2.3.1: both form-encoded, then Basic
        pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
        basic = base64.b64encode(pair.encode()).decode()
        headers["Authorization"] = f"Basic {basic}"
    return _post_grant(endpoint, client, form, headers, [secret, basic] if basic else [secret], max_bytes)


def request_token_with_certificate(
    endpoint: str,
    client: httpx.Client,
    client_id: str,
    cert: ClientCertificate,
    *,
    assertion_audience: str,
    scopes: Sequence[str] = (),
    audience: str = "",
    max_bytes: int = 1024 * 1024,
) -> Answer:
    """One client-credentials request authenticated with private_key_jwt (RFC 7523 section 2.2)."""
    from wizard.providers.entra.client_assertion import ASSERTION_TYPE, client_assertion

    assertion = client_assertion(cert, client_id, assertion_audience)
    form = _grant_form(scopes, audience)
    form.update(client_id=client_id, client_assertion_type=ASSERTION_TYPE, client_assertion=assertion)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return _post_grant(endpoint, client, form, headers, [assertion, cert.private_key_pem], max_bytes)


def _grant_form(scopes: Sequence[str], audience: str) -> dict[str, str]:
    form = {"grant_type": "client_credentials"}
    if scopes:
        form["scope"] = " ".join(scopes)
    if audience:
        form["audience"] = audience
    return form


def _post_grant(
    endpoint: str,
    client: httpx.Client,
    form: dict[str, str],
    headers: dict[str, str],
    known: list[str],
    max_bytes: int,
) -> Answer:
    """POST *form*; a token or an OAuth error is the IdP's verdict, anything else a VerifyRefused."""
    import httpx

    what = "client credentials"
    try:
        response = client.post(endpoint, data=form, headers=headers)
    except httpx.ConnectError:
        raise VerifyRefused(f"{what}: could not connect to the token endpoint") from None
    except httpx.TimeoutException:
        raise VerifyRefused(f"{what}: the token endpoint did not answer in time") from None
    except httpx.HTTPError as exc:
        raise VerifyRefused(f"{what}: network error ({type(exc).__name__})") from None
    status = response.status_code
    body = response.content[:max_bytes]
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if status == 200 and isinstance(data, dict) and isinstance(data.get("access_token"), str):
        expires = data.get("expires_in")
        valid = f" (valid {expires} s)" if isinstance(expires, int) and not isinstance(expires, bool) else ""
        return Answer(True, "token issued" + valid)
    if 400 <= status < 500 and isinstance(data, dict) and isinstance(data.get("error"), str):
        error = scrub(data["error"], known)
        desc = data.get("error_description")
        desc = scrub(desc, known) if isinstance(desc, str) and desc.strip() else ""
        return Answer(False, f"{error}: {desc}" if desc else error)
    if status >= 500:
        raise VerifyRefused(f"{what}: the identity provider failed with HTTP {status}; try again later")
    raise VerifyRefused(f"{what}: the token endpoint answered HTTP {status} without an OAuth answer")


def oidc_token_ask(
    ws: Workspace,
    *,
    settings: HttpSettings | None = None,
    scopes: Sequence[str] = (),
    audience: str | None = None,
    issuer: str | None = None,
    auth_method: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Callable[[str, str], TokenAsk]:
    """For verify_and_record: where to ask for a token as (client id, tenant) at the consultancy's IdP.

    The token endpoint is found (discovery or template) before the secret is read; the secret is used in
    one request and not kept.
    """
    settings = settings or HttpSettings()
    idp = ws.consultancy.idp or ""
    address = str(ws.consultancy.idp_address or "")

    def client() -> httpx.Client:
        try:
            return build_client(settings, transport)
        except ProviderError as exc:
            raise VerifyRefused(str(exc)) from None

    def ask_for(client_id: str, tenant: str) -> TokenAsk:
        if idp == IdP.OKTA and not scopes:
            raise VerifyRefused("Okta needs at least one custom scope of the authorization server (--scope)")
        with client() as http:
            endpoint = find_token_endpoint(idp, address, http, settings, issuer=issuer)
        try:  # a secret's method; a certificate identity signs an assertion instead
            method, unfit = pick_auth_method(idp, endpoint, auth_method), None
        except VerifyRefused as exc:
            method, unfit = "", exc
        aud = audience
        if aud is None and idp == IdP.AUTH0:  # the Management API, as Auth0's own examples ask
            aud = f"https://{urlsplit(address).netloc}/api/v2/"

        def ask(secret: str) -> Answer:
            if unfit is not None:
                raise unfit
            with client() as http:
                return request_token(
                    endpoint.url,
                    http,
                    client_id,
                    secret,
                    method=method,
                    scopes=scopes,
                    audience=aud or "",
                    max_bytes=settings.max_response_bytes,
                )

        def ask_certificate(cert: ClientCertificate) -> Answer:
            from wizard.providers.entra.client_assertion import PRIVATE_KEY_JWT, assertion_audience

            if endpoint.auth_methods and PRIVATE_KEY_JWT not in endpoint.auth_methods:
                raise VerifyRefused(
                    f"the token endpoint does not accept {PRIVATE_KEY_JWT} "
                    f"(it takes {', '.join(endpoint.auth_methods)}); nothing was sent"
                )
            with client() as http:
                return request_token_with_certificate(
                    endpoint.url,
                    http,
                    client_id,
                    cert,
                    assertion_audience=assertion_audience(idp, endpoint.issuer or address, endpoint.url),
                    scopes=scopes,
                    audience=aud or "",
                    max_bytes=settings.max_response_bytes,
                )

        return TokenAsk(where=endpoint.url, ask=ask, ask_certificate=ask_certificate)

    return ask_for


def where_to_ask(ws: Workspace, connections: Connections) -> dict[str, Any]:
    """verify_and_record's signin_for (Entra, through msal) or token_ask_for (any other IdP), for the app."""
    from wizard.providers.entra.signin_config import signin_config_for
    from wizard.providers.http_settings import http_settings_for

    if uses_oidc_verify(ws):
        scopes = connections.verify_scopes or ()
        return {"token_ask_for": oidc_token_ask(ws, settings=http_settings_for(connections), scopes=scopes)}

    def signin_for(client_id: str, tenant: str) -> SigninConfig:
        return signin_config_for(connections, tenant, client_id=client_id)

    return {"signin_for": signin_for}
