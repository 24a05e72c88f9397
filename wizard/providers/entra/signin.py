"""Sign-in with msal: device code, interactive browser and client credentials, with a private token cache.

The token cache lives in one file (mode 0600, written atomically) under the user's cache directory;
`sign_out` removes it. The authority is either an Entra tenant (https://login.microsoftonline.com/TENANT)
or any OpenID Connect issuer (`oidc_authority`), so the same code signs in to other IdPs and to a
loopback test provider. Nothing here logs or prints a token or a secret: results carry them in fields
that are left out of repr().

msal is imported when a sign-in is first needed (it pulls in requests and cryptography, ~150 ms).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.settings import ENTRA_LOGIN_URL, GUID

if TYPE_CHECKING:  # msal and requests are only needed once a sign-in starts
    import msal
    import requests

ENTRA_LOGIN = ENTRA_LOGIN_URL
GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
# Delegated scopes the consultant's own sign-in asks for to carry out a plan.
GRAPH_ADMIN_SCOPES = (
    "https://graph.microsoft.com/Group.ReadWrite.All",
    "https://graph.microsoft.com/Application.ReadWrite.All",
)
CACHE_FILE_NAME = "msal_token_cache.json"
_GUID_RE = GUID  # the one pattern, wizard.settings


class SigninError(Exception):
    """A sign-in could not start or finish. The message is safe to show (never a token or secret)."""


def default_cache_path() -> Path:
    """The token cache file under the platform's user cache directory (e.g. ~/.cache/idspine)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("idspine")) / CACHE_FILE_NAME


def entra_authority(tenant: str, login_base: str = ENTRA_LOGIN) -> str:
    """The Entra authority address for a tenant id or domain."""
    tenant = (tenant or "").strip()
    if not tenant:
        raise SigninError("no tenant given: use the tenant id (GUID) or its primary domain")
    return f"{login_base.rstrip('/')}/{tenant}"


def admin_consent_url(tenant: str, app_id: str, login_base: str = ENTRA_LOGIN) -> str:
    """Where an administrator grants tenant-wide consent to an app's requested permissions."""
    return f"{login_base.rstrip('/')}/{tenant}/adminconsent?client_id={app_id}"


@dataclass(frozen=True)
class SigninConfig:
    """Who signs in where: an app (client id) at an Entra authority or an OIDC issuer."""

    client_id: str
    authority: str | None = None  # Entra: https://login.microsoftonline.com/TENANT
    oidc_authority: str | None = None  # any OpenID Connect issuer
    ca_bundle: str | None = None  # PEM file trusted instead of the system store (self-signed test IdPs)
    cache_path: Path | None = None  # None: default_cache_path()
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if bool(self.authority) == bool(self.oidc_authority):
            raise SigninError("give exactly one of an Entra authority or an OIDC authority")
        address = self.authority or self.oidc_authority or ""
        if not address.startswith("https://"):
            raise SigninError("the authority address must start with https:// (msal refuses plain http)")

    @property
    def cache_file(self) -> Path:
        return self.cache_path or default_cache_path()


def signin_config_from(
    client_id: str | None,
    tenant: str | None = None,
    *,
    oidc_authority: str | None = None,
    ca_bundle: str | None = None,
    cache: str | Path | None = None,
    environ: dict[str, str] | None = None,
) -> SigninConfig:
    """The one way sign-in, apply and verify decide where to sign in: options first, then IDSPINE_* variables.

    IDSPINE_OIDC_AUTHORITY (any OpenID issuer) wins over an Entra tenant, so a secret is only ever sent to
    the configured IdP; IDSPINE_CA_BUNDLE is trusted instead of the system store. ValueError says what is
    missing.
    """
    env = os.environ if environ is None else environ
    cid = client_id or env.get("IDSPINE_CLIENT_ID")
    if not cid:
        raise ValueError(
            "no client id: register a public client app for idspine and pass --client-id or set "
            "IDSPINE_CLIENT_ID"
        )
    oidc = oidc_authority or env.get("IDSPINE_OIDC_AUTHORITY")
    ca = ca_bundle or env.get("IDSPINE_CA_BUNDLE") or None
    cache_value = cache or env.get("IDSPINE_TOKEN_CACHE")
    cache_path = Path(cache_value) if cache_value else None
    if oidc:
        return SigninConfig(client_id=cid, oidc_authority=oidc, ca_bundle=ca, cache_path=cache_path)
    tenant = tenant or env.get("IDSPINE_TENANT")
    if not tenant:
        raise ValueError("no tenant: pass --tenant or set IDSPINE_TENANT")
    return SigninConfig(client_id=cid, authority=entra_authority(tenant), ca_bundle=ca, cache_path=cache_path)


@dataclass
class TokenResult:
    """The outcome of one token request: a token, or the IdP's own error code and description."""

    ok: bool
    error: str = ""
    error_description: str = ""
    expires_in: int | None = None
    account: str = ""
    access_token: str = field(default="", repr=False)

    @property
    def detail(self) -> str:
        """One line for people: 'token issued' or the IdP's error (code and description)."""
        if self.ok:
            return "token issued" + (f" (valid {self.expires_in} s)" if self.expires_in else "")
        desc = self.error_description.strip().splitlines()[0] if self.error_description.strip() else ""
        return f"{self.error}: {desc}" if desc else self.error

    @classmethod
    def from_msal(cls, answer: dict[str, Any] | None, secrets: Sequence[str] = ()) -> TokenResult:
        from wizard.providers.http import scrub  # the shared scrubber for server text

        if not answer:
            return cls(False, "no_answer", "the identity provider gave no answer")
        if "access_token" in answer:
            claims = answer.get("id_token_claims") or {}
            account = str(claims.get("preferred_username") or claims.get("sub") or "")
            return cls(
                True,
                expires_in=_int_or_none(answer.get("expires_in")),
                account=account,
                access_token=str(answer["access_token"]),
            )
        return cls(
            False,
            scrub(str(answer.get("error") or "unknown_error"), secrets),
            scrub(str(answer.get("error_description") or ""), secrets),
        )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- the token cache file


class TokenCacheFile:
    """An msal token cache persisted to one private file (0600 in a 0700 directory), atomically."""

    def __init__(self, path: Path):
        import msal

        self.path = Path(path)
        self.cache = msal.SerializableTokenCache()
        if self.path.exists():
            with contextlib.suppress(ValueError, OSError):
                self.cache.deserialize(self.path.read_text(encoding="utf-8"))

    def save(self) -> None:
        """Write the cache when msal changed it; the file is created 0600 before any byte lands."""
        if not self.cache.has_state_changed:
            return
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        from wizard.files import write_text_atomic

        write_text_atomic(self.path, self.cache.serialize(), mode=0o600)
        self.cache.has_state_changed = False


def sign_out(cache_path: Path | None = None) -> bool:
    """Forget every signed-in account by deleting the token cache file; True when there was one."""
    path = cache_path or default_cache_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


# ---------------------------------------------------------------- msal applications


def http_session(config: SigninConfig) -> requests.Session:
    """The requests session msal talks through, trusting config.ca_bundle when one is given.

    With a bundle, trust_env is switched off: otherwise REQUESTS_CA_BUNDLE in the environment would
    silently win over the session's own `verify`. The session remembers the status of the last answer,
    so a failure msal reports without it (an HTML error page where JSON was due) can still name it.
    """
    import requests

    class _Session(requests.Session):
        last_status: int | None = None

        def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            self.last_status = None
            response = super().request(*args, **kwargs)
            self.last_status = response.status_code
            return response

    session = _Session()
    if config.ca_bundle:
        session.verify = config.ca_bundle
        session.trust_env = False
    return session


def _app_kwargs(config: SigninConfig, cache: TokenCacheFile | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"http_client": http_session(config), "timeout": config.timeout}
    if config.oidc_authority:
        kwargs["oidc_authority"] = config.oidc_authority
    else:
        kwargs["authority"] = config.authority
    if cache is not None:
        kwargs["token_cache"] = cache.cache
    return kwargs


def _quiet_msal_logs() -> None:
    """msal logs a failed answer with a traceback (logger.exception); the user gets one line from us instead."""
    import logging

    logger = logging.getLogger("msal")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _msal_call(what: str, make: Callable[[], Any], session: Any = None) -> Any:
    """Run an msal call, turning every failure (connection, TLS, 5xx, error pages) into one SigninError line.

    msal raises MsalServiceError for a 5xx from the token endpoint or device-code polling, requests'
    HTTPError or RuntimeError when discovery fails with a 5xx, and ValueError when an answer is not JSON.
    """
    import json

    import msal
    import requests

    _quiet_msal_logs()
    status = lambda: getattr(session, "last_status", None)  # noqa: E731
    try:
        return make()
    except requests.exceptions.SSLError:
        raise SigninError(
            f"{what}: the identity provider's TLS certificate could not be verified (set "
            "IDSPINE_CA_BUNDLE for a private CA)"
        ) from None
    except requests.exceptions.ConnectionError:
        raise SigninError(f"{what}: could not connect to the identity provider") from None
    except requests.exceptions.Timeout:
        raise SigninError(f"{what}: the identity provider did not answer in time") from None
    except (msal.exceptions.MsalError, requests.exceptions.HTTPError, RuntimeError) as exc:
        code = status() or _status_in(str(exc))
        if code and code >= 500:
            raise SigninError(
                f"{what}: the identity provider failed with HTTP {code} (a problem on its side); "
                "try again later"
            ) from None
        raise SigninError(
            f"{what}: the identity provider refused the request" + (f" (HTTP {code})" if code else "")
        ) from None
    except json.JSONDecodeError:
        code = status()
        raise SigninError(
            f"{what}: the identity provider answered"
            + (f" HTTP {code}" if code else "")
            + " with a page that is not JSON"
            + ("; try again later" if code and code >= 500 else "")
        ) from None
    except ValueError as exc:  # msal raises ValueError for an authority it cannot discover
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        from wizard.providers.http import scrub

        raise SigninError(f"{what}: {scrub(first[:200])}") from None


def _session_of(app: Any) -> Any:
    return getattr(app, "_idspine_session", None)


def _status_in(text: str) -> int | None:

    match = re.search(r"\b([45]\d\d)\b", text)
    return int(match.group(1)) if match else None


def public_app(config: SigninConfig, cache: TokenCacheFile | None = None) -> msal.PublicClientApplication:
    """An msal public client (device code, interactive) for the consultant's own sign-in."""
    import msal

    kwargs = _app_kwargs(config, cache)
    app = _msal_call(
        "sign-in setup",
        lambda: msal.PublicClientApplication(config.client_id, **kwargs),
        kwargs["http_client"],
    )
    app._idspine_session = kwargs["http_client"]  # so failures can name the last HTTP status
    return app


def confidential_app(
    config: SigninConfig, client_secret: str, cache: TokenCacheFile | None = None
) -> msal.ConfidentialClientApplication:
    """An msal confidential client holding a service principal's secret (kept only in memory)."""
    import msal

    kwargs = _app_kwargs(config, cache)
    app = _msal_call(
        "sign-in setup",
        lambda: msal.ConfidentialClientApplication(
            config.client_id, client_credential=client_secret, **kwargs
        ),
        kwargs["http_client"],
    )
    app._idspine_session = kwargs["http_client"]
    return app


def client_credentials(config: SigninConfig, client_secret: str, scopes: Sequence[str]) -> TokenResult:
    """Acquire a token for an app itself (unattended); the IdP's exact error on failure.

    No cache file is used: each call proves the secret works right now.
    """
    app = confidential_app(config, client_secret)
    answer = _msal_call(
        "client credentials", lambda: app.acquire_token_for_client(scopes=list(scopes)), _session_of(app)
    )
    return TokenResult.from_msal(answer, secrets=[client_secret])


# ---------------------------------------------------------------- device code flow


@dataclass
class DeviceCode:
    """What the user needs to finish a device code sign-in elsewhere: an address and a short code."""

    user_code: str
    verification_uri: str
    expires_at: float
    message: str
    flow: dict[str, Any] = field(repr=False)

    def seconds_left(self, now: float | None = None) -> int:
        return max(0, int(self.expires_at - (time.time() if now is None else now)))

    def cancel(self) -> None:
        """Make a waiting finish_device_flow return at its next poll (msal stops at expires_at)."""
        self.flow["expires_at"] = 0


class DeviceSignin:
    """A device code sign-in in two halves: start() shows the code, finish() waits for the user."""

    def __init__(self, config: SigninConfig, scopes: Sequence[str]):
        self.config = config
        self.scopes = list(scopes)
        self.cache = TokenCacheFile(config.cache_file)
        self.app = public_app(config, self.cache)

    def start(self) -> DeviceCode:
        flow = _msal_call(
            "device code", lambda: self.app.initiate_device_flow(scopes=self.scopes), _session_of(self.app)
        )
        if "user_code" not in flow:
            result = TokenResult.from_msal(flow)
            raise SigninError(f"device code sign-in could not start: {result.detail}")
        uri = flow.get("verification_uri") or flow.get("verification_url") or ""
        return DeviceCode(
            user_code=str(flow["user_code"]),
            verification_uri=str(uri),
            expires_at=float(flow.get("expires_at") or time.time() + 900),
            message=str(flow.get("message") or f"Open {uri} and enter {flow['user_code']}"),
            flow=flow,
        )

    def finish(self, code: DeviceCode) -> TokenResult:
        """Poll until the user completes (or the code expires or is cancelled); persist the cache."""
        answer = _msal_call(
            "device code", lambda: self.app.acquire_token_by_device_flow(code.flow), _session_of(self.app)
        )
        result = TokenResult.from_msal(answer)
        self.cache.save()
        return result


def _tenant_accounts(app: Any, cache: TokenCacheFile) -> list[dict[str, Any]]:
    """The cached account records for the tenant the app's authority resolved to, members before guests.

    msal keeps one account record per (home_account_id "oid.tid", environment, realm), realm being the tenant
    the sign-in was made in, the same value as `app.authority.tenant` (both come from the token endpoint, so an
    authority given as a domain resolves to its tenant id). `get_accounts` folds them per person and keeps
    one realm, so it cannot say who signed in where; the cache is searched by realm instead.
    """
    import msal

    realm = str(getattr(app.authority, "tenant", "") or "").lower()
    instance = str(getattr(app.authority, "instance", "") or "").lower()
    records = [
        a
        for a in cache.cache.search(msal.TokenCache.CredentialType.ACCOUNT)
        if str(a.get("realm") or "").lower() == realm and realm
    ]
    same_host = [a for a in records if str(a.get("environment") or "").lower() == instance]
    chosen = same_host or records
    return sorted(chosen, key=lambda a: not str(a.get("home_account_id") or "").lower().endswith("." + realm))


def _wrong_tenant(answer: dict[str, Any], realm: str) -> str | None:
    """The tenant that issued the answer's token (its `tid`, or the id token's), when it is not `realm`."""
    from wizard.providers.entra.tenant_tokens import TenantTokens, TokenMismatch, issuing_tenant

    token = str(answer.get("access_token") or "")
    claims = answer.get("id_token_claims") or {}
    tid = issuing_tenant(token) or str(claims.get("tid") or "").lower() or None
    try:
        TenantTokens().put("asked", realm, token)  # refuses a JWT whose tid is another tenant
    except TokenMismatch:
        return tid
    if tid and realm and tid != realm.lower() and _GUID_RE.match(realm):
        return tid
    return None


def silent_token(config: SigninConfig, scopes: Sequence[str]) -> TokenResult | None:
    """A token from the cache (refreshing it when needed) for an account that signed in to this authority's
    tenant, else None (sign in to that tenant first). Never another tenant's token: one whose `tid` is not
    the tenant asked for comes back as a failed result naming the issuing tenant."""
    cache = TokenCacheFile(config.cache_file)
    app = public_app(config, cache)
    accounts = _tenant_accounts(app, cache)
    if not accounts:
        return None
    realm = str(app.authority.tenant or "")
    answer: dict[str, Any] | None = None
    for account in accounts:
        answer = _msal_call(
            "silent sign-in",
            functools.partial(app.acquire_token_silent, list(scopes), account=account),
            _session_of(app),
        )
        if answer:
            break
    cache.save()
    if not answer:
        return None
    issuer = _wrong_tenant(answer, realm) if "access_token" in answer else None
    if issuer:
        return TokenResult(
            False,
            "wrong_tenant",
            f"the cached token was issued by tenant {issuer}, not {realm}: "
            f"sign in to {realm} (idspine signin --tenant {realm})",
        )
    result = TokenResult.from_msal(answer)
    if result.ok and not result.account:
        result.account = str(accounts[0].get("username") or "")
    return result


def browser_available() -> bool:
    """True when a graphical browser can be opened (interactive sign-in makes sense)."""
    import webbrowser

    if not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.name == "nt"
        or os.uname().sysname == "Darwin"
    ):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def interactive_signin(config: SigninConfig, scopes: Sequence[str], timeout: int = 300) -> TokenResult:
    """Sign in through the system browser (authorization code + PKCE on a loopback redirect)."""
    if not browser_available():
        raise SigninError("no browser is available here; use the device code sign-in instead")
    cache = TokenCacheFile(config.cache_file)
    app = public_app(config, cache)
    answer = _msal_call(
        "interactive sign-in",
        lambda: app.acquire_token_interactive(list(scopes), timeout=timeout, prompt="select_account"),
        _session_of(app),
    )
    cache.save()
    return TokenResult.from_msal(answer)
