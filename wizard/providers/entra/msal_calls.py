"""msal applications and their calls: every failure one SigninError line, every answer a TokenResult.

msal is imported when a sign-in is first needed (it pulls in requests and cryptography, ~150 ms). Results
carry tokens in fields left out of repr(); nothing here logs or prints a token or a secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.providers.entra.signin_config import SigninConfig, SigninError
from wizard.providers.entra.token_cache import TokenCacheFile

if TYPE_CHECKING:  # msal and requests are only needed once a sign-in starts
    import msal  # type: ignore[import-untyped]
    import requests


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


def msal_call(what: str, make: Callable[[], Any], session: Any = None) -> Any:
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


def session_of(app: Any) -> Any:
    return getattr(app, "_idspine_session", None)


def _status_in(text: str) -> int | None:

    match = re.search(r"\b([45]\d\d)\b", text)
    return int(match.group(1)) if match else None


def public_app(config: SigninConfig, cache: TokenCacheFile | None = None) -> msal.PublicClientApplication:
    """An msal public client (device code, interactive) for the consultant's own sign-in."""
    import msal

    kwargs = _app_kwargs(config, cache)
    app = msal_call(
        "sign-in setup",
        lambda: msal.PublicClientApplication(config.client_id, **kwargs),
        kwargs["http_client"],
    )
    app._idspine_session = kwargs["http_client"]  # so failures can name the last HTTP status
    return app


def confidential_app(
    config: SigninConfig, client_secret: str | dict[str, str], cache: TokenCacheFile | None = None
) -> msal.ConfidentialClientApplication:
    """An msal confidential client holding a service principal's secret or certificate credential (in memory)."""
    import msal

    kwargs = _app_kwargs(config, cache)
    app = msal_call(
        "sign-in setup",
        lambda: msal.ConfidentialClientApplication(
            config.client_id, client_credential=client_secret, **kwargs
        ),
        kwargs["http_client"],
    )
    app._idspine_session = kwargs["http_client"]
    return app


def client_credentials(
    config: SigninConfig, client_secret: str | dict[str, str], scopes: Sequence[str]
) -> TokenResult:
    """Acquire a token for an app itself (unattended); the IdP's exact error on failure.

    *client_secret* is a secret, or msal's certificate credential {"private_key", "thumbprint"}
    (wizard.providers.entra.client_assertion). No cache file is used: each call proves it works right now.
    """
    app = confidential_app(config, client_secret)
    answer = msal_call(
        "client credentials", lambda: app.acquire_token_for_client(scopes=list(scopes)), session_of(app)
    )
    known = [client_secret] if isinstance(client_secret, str) else [client_secret.get("private_key", "")]
    return TokenResult.from_msal(answer, secrets=known)
