"""Safe HTTP for providers: https only, timeouts, no cross-host redirects, size caps, retries, strict JSON.

Every provider goes through `JsonApi.call`, which turns every failure (network, status, garbage body)
into a `ProviderError` whose message names the service, the call and the reason, and never a header or
secret value: server-supplied text is scrubbed of the secrets the caller knows about and of anything
secret-shaped before it is quoted.

Throttling: a 429/503 with a Retry-After (seconds or an HTTP date, RFC 9110 section 10.2.3) is waited out
here when it is short; a longer one, or one still there after the retries, becomes `Throttled`, which
carries the moment the server allows the next call so callers never retry sooner
(https://learn.microsoft.com/en-us/graph/throttling). A TLS certificate that cannot be verified is not a
network hiccup: it fails at once (kind "tls"), without retries.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from wizard import __version__
from wizard.providers import ProviderError
from wizard.safe_text import one_line
from wizard.secrets.guard import find_secret_kind, redact

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_QUOTE_LIMIT = 300


@dataclass(frozen=True)
class HttpSettings:
    """Limits every provider call obeys. Tests set allow_loopback_http and a no-op sleep."""

    timeout: float = 20.0
    connect_timeout: float = 5.0
    max_response_bytes: int = 4 * 1024 * 1024
    max_retries: int = 3
    backoff_base: float = 0.5
    max_retry_after: float = 30.0
    max_redirects: int = 3
    allow_loopback_http: bool = False
    ca_bundle: str | None = None  # PEM file trusted instead of the system store (a private CA)
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    clock: Callable[[], float] = field(default=time.time, compare=False, repr=False)  # for Retry-After dates


def check_base_url(url: str, settings: HttpSettings | None = None, service: str = "the service") -> str:
    """The address without a trailing slash, or ProviderError(kind="invalid-url") saying what is wrong.

    Only https is accepted; plain http only for loopback hosts when allow_loopback_http is set (tests).
    Addresses with a user name or password, a query or a fragment are refused (and not echoed).
    """
    settings = settings or HttpSettings()
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ProviderError(f"the {service} address is not a valid URL", "invalid-url") from None
    if parts.username is not None or parts.password is not None:
        raise ProviderError(f"the {service} address must not contain a user name or password", "invalid-url")
    if not host:
        raise ProviderError(
            f"the {service} address needs a host, e.g. https://n8n.example.com", "invalid-url"
        )
    if parts.query or parts.fragment:
        raise ProviderError(f"the {service} address must not have a query or fragment", "invalid-url")
    if parts.scheme == "https":
        return text.rstrip("/")
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        if settings.allow_loopback_http:
            return text.rstrip("/")
        raise ProviderError(
            f"the {service} address uses plain http; use https (loopback http is only for tests)",
            "invalid-url",
        )
    raise ProviderError(
        f"the {service} address must start with https:// (got scheme {parts.scheme or 'none'!r})",
        "invalid-url",
    )


def build_client(
    settings: HttpSettings | None = None, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """An httpx client with timeouts on every request and redirects switched off (JsonApi decides)."""
    settings = settings or HttpSettings()
    verify: Any = True
    if settings.ca_bundle:
        import ssl

        try:
            verify = ssl.create_default_context(cafile=settings.ca_bundle)
        except (OSError, ssl.SSLError):
            raise ProviderError(
                f"the CA bundle {settings.ca_bundle} cannot be read as PEM certificates", "invalid-url"
            ) from None
    return httpx.Client(
        timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
        follow_redirects=False,
        headers={"User-Agent": f"idspine/{__version__}", "Accept": "application/json"},
        transport=transport,
        verify=verify,
        trust_env=not settings.ca_bundle,  # with a bundle, SSL_CERT_FILE & co. must not win over it
    )


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """*text* with known secret values (also re-cased or cut, see secret_guard.redact) and secret-shaped words
    removed, shortened for quoting, on one line with control characters (escape sequences, bidi overrides)
    made visible."""
    out = " ".join(redact(one_line(text), secrets).split())
    if find_secret_kind(out):
        return "[server message withheld: it looked like it contained a secret]"
    return out if len(out) <= _QUOTE_LIMIT else out[:_QUOTE_LIMIT] + "…"


class Throttled(ProviderError):
    """The server asked to wait (429/503 with Retry-After); `retry_at` is the earliest moment to call again."""

    def __init__(self, message: str, status: int, retry_after: float, retry_at: float):
        super().__init__(message, "throttled", status)
        self.retry_after = retry_after
        self.retry_at = retry_at  # seconds since the epoch, on the settings' clock

    @property
    def resume_after(self) -> str:
        """The earliest time to try again, for people: 'HH:MM UTC' (with the date when not today)."""
        return format_resume_time(self.retry_at)


def format_resume_time(at: float, now: float | None = None) -> str:
    """'17:42 UTC', or '2026-11-28 09:05 UTC' when that is not today (UTC)."""
    import datetime as dt

    when = dt.datetime.fromtimestamp(at, dt.UTC)
    today = dt.datetime.fromtimestamp(time.time() if now is None else now, dt.UTC).date()
    # round up to the next minute so "resume after HH:MM" is never too early
    if when.second or when.microsecond:
        when = when.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return when.strftime("%H:%M UTC" if when.date() == today else "%Y-%m-%d %H:%M UTC")


@dataclass
class ApiResponse:
    """A parsed answer: status and JSON body (None when the body was empty)."""

    status: int
    data: Any


class JsonApi:
    """Calls one JSON API at one base address with fixed auth headers, under HttpSettings."""

    def __init__(
        self,
        service: str,
        base_url: str,
        client: httpx.Client,
        auth_headers: dict[str, str],
        settings: HttpSettings | None = None,
    ):
        self.settings = settings or HttpSettings()
        self.service = service
        self.base_url = check_base_url(base_url, self.settings, service)
        self._base = urlsplit(self.base_url)
        self.client = client
        self._auth_headers = dict(auth_headers)

    def __repr__(self) -> str:  # never show the auth headers
        return f"JsonApi({self.service!r}, {self.base_url!r})"

    @property
    def _secrets(self) -> list[str]:
        # The header value and, for "Bearer <token>" style values, the bare token a server might echo.
        values = [v for v in self._auth_headers.values() if v]
        return values + [v.split(" ", 1)[1] for v in values if " " in v]

    # ------------------------------------------------------------------ calls
    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        ok: Iterable[int] = (200,),
        idempotent: bool | None = None,
        secrets: Iterable[str] = (),
        parse: bool = True,
    ) -> ApiResponse:
        """Send one request; return the parsed answer when its status is in *ok*, else ProviderError.

        *secrets*: further values (e.g. a secret in the body) to scrub from anything quoted back.
        parse=False returns the raw body bytes (for probing non-JSON pages).
        """
        method = method.upper()
        ok = frozenset(ok)
        retry_5xx = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        known = [*self._secrets, *secrets]
        what = f"{self.service} {method} {path}"
        url = self.base_url + path
        attempt = 0
        while True:
            attempt += 1
            try:
                status, headers, body = self._send_following_same_host(method, url, json_body, what)
            except _Retryable as exc:
                if attempt <= self.settings.max_retries and (retry_5xx or exc.unsent):
                    self.settings.sleep(self._backoff(attempt))
                    continue
                raise ProviderError(f"{what}: {exc.reason}", "network") from None
            if status in ok:
                return ApiResponse(status, self._parse(body, what, status) if parse else body)
            asked = self._retry_after(headers) if status in (429, 503) else None
            retryable = status == 429 or (status >= 500 and retry_5xx)
            if asked is not None and asked > self.settings.max_retry_after:
                raise self._throttled(
                    status,
                    asked,
                    what,
                    f"the server asks to wait {int(asked)} s, longer "
                    f"than idspine waits in one call ({int(self.settings.max_retry_after)} s)",
                )
            if retryable and attempt <= self.settings.max_retries:
                self.settings.sleep(asked if asked is not None else self._backoff(attempt))
                continue
            if status == 429 or asked is not None:
                # still throttled after the retries: say when the server allows the next call
                wait = asked if asked is not None else self._backoff(attempt)
                raise self._throttled(status, wait, what, f"still throttled after {attempt} tries")
            raise self._status_error(status, body, what, known)

    # ------------------------------------------------------------------ internals
    def _send_following_same_host(
        self, method: str, url: str, json_body: Any, what: str
    ) -> tuple[int, httpx.Headers, bytes]:
        for _ in range(self.settings.max_redirects + 1):
            status, headers, body = self._send_once(method, url, json_body)
            if status not in REDIRECT_STATUSES:
                return status, headers, body
            location = headers.get("location")
            if not location:
                raise ProviderError(f"{what}: HTTP {status} redirect without a Location", "redirect", status)
            target = urlsplit(urljoin(url, location))
            same = (target.scheme, target.hostname, target.port) == (
                self._base.scheme,
                self._base.hostname,
                self._base.port,
            )
            if not same:
                raise ProviderError(
                    f"{what}: the server redirected to another address ({target.scheme}://{target.hostname}); "
                    "idspine does not follow redirects away from the configured host, so credentials are "
                    "never sent elsewhere. Check the address.",
                    "redirect",
                    status,
                )
            if status in (301, 302, 303) and method not in ("GET", "HEAD"):
                raise ProviderError(
                    f"{what}: the server answered HTTP {status} (moved); use the final address",
                    "redirect",
                    status,
                )
            url = target.geturl()
        raise ProviderError(f"{what}: too many redirects", "redirect")

    def _send_once(self, method: str, url: str, json_body: Any) -> tuple[int, httpx.Headers, bytes]:
        headers = dict(self._auth_headers)
        content = None
        if json_body is not None:
            content = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = self.client.build_request(method, url, headers=headers, content=content)
        try:
            response = self.client.send(request, stream=True, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if _is_certificate_failure(exc):  # retrying cannot help: fail at once
                raise ProviderError(
                    f"{self.service}: the TLS certificate of {self._base.hostname} could not be "
                    "verified (untrusted or wrong host); set IDSPINE_CA_BUNDLE for a private CA",
                    "tls",
                ) from None
            raise _Retryable(_network_reason(exc, self._base.hostname or "?"), unsent=True) from None
        except httpx.TimeoutException:
            raise _Retryable(f"no answer from {self._base.hostname} in time", unsent=False) from None
        except httpx.HTTPError as exc:
            raise _Retryable(
                f"network error talking to {self._base.hostname} ({type(exc).__name__})", unsent=False
            ) from None
        try:
            return response.status_code, response.headers, self._read_capped(response)
        finally:
            response.close()

    def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise ProviderError(
                f"{self.service}: the answer is too large ({int(declared)} bytes; limit {cap})",
                "bad-response",
                response.status_code,
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise ProviderError(
                        f"{self.service}: the answer is too large (over {cap} bytes)",
                        "bad-response",
                        response.status_code,
                    )
                chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise _Retryable(
                f"the answer from {self._base.hostname} was cut short ({type(exc).__name__})", unsent=False
            ) from None
        return b"".join(chunks)

    def _parse(self, body: bytes, what: str, status: int) -> Any:
        if not body.strip():
            return None
        try:
            return json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise ProviderError(
                f"{what}: the answer is not UTF-8 text (HTTP {status})", "bad-response", status
            ) from None
        except json.JSONDecodeError as exc:
            reason = "cut short" if exc.pos >= len(body.rstrip()) - 1 else "not valid JSON"
            raise ProviderError(
                f"{what}: the answer is {reason} (HTTP {status}, {len(body)} bytes)", "bad-response", status
            ) from None
        except RecursionError:
            raise ProviderError(
                f"{what}: the answer is nested too deeply to read", "bad-response", status
            ) from None

    def _status_error(self, status: int, body: bytes, what: str, secrets: list[str]) -> ProviderError:
        detail = ""
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else None
        except (ValueError, RecursionError):
            data = None
        msg: Any = None
        if isinstance(data, dict):
            nested = data.get("error")
            if isinstance(nested, dict):  # Graph and Key Vault: {"error": {"code": ..., "message": ...}}
                code, text = nested.get("code"), nested.get("message")
                msg = " — ".join(str(x) for x in (code, text) if isinstance(x, str) and x.strip())
            else:
                msg = data.get("message") or data.get("error_description") or nested or data.get("msg")
            if isinstance(msg, str) and msg.strip():
                detail = ": " + scrub(msg[:500], secrets)
        kind = {401: "refused", 403: "refused", 404: "not-found"}.get(status, "http")
        return ProviderError(f"{what}: HTTP {status}{detail}", kind, status)

    def _backoff(self, attempt: int) -> float:
        return min(self.settings.backoff_base * (2 ** (attempt - 1)), self.settings.max_retry_after)

    def _retry_after(self, headers: httpx.Headers) -> float | None:
        """Retry-After in seconds (it may be a number of seconds or an HTTP date), or None."""
        value = headers.get("retry-after")
        if value is None:
            return None
        if value.strip().isdigit():
            return float(value.strip())
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, when.timestamp() - self.settings.clock())

    def _throttled(self, status: int, wait: float, what: str, why: str) -> Throttled:
        at = self.settings.clock() + wait
        err = Throttled("", status, wait, at)
        err.message = f"{what}: HTTP {status}; {why}. Resume after {err.resume_after}"
        err.args = (err.message,)
        return err


class _Retryable(Exception):
    """A network failure; unsent=True when the request certainly never reached the server."""

    def __init__(self, reason: str, unsent: bool):
        super().__init__(reason)
        self.reason = reason
        self.unsent = unsent


def _is_certificate_failure(exc: BaseException) -> bool:
    """True when a connection failed because the server's certificate could not be verified."""
    import ssl

    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _network_reason(exc: Exception, host: str) -> str:
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return f"the host {host} was not found (check the address)"
    if "refused" in text.lower():
        return f"{host} refused the connection (is the service running at that address and port?)"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connecting to {host} timed out"
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"the TLS certificate of {host} could not be verified"
    return f"could not connect to {host}"


def expect_dict(data: Any, what: str) -> dict[str, Any]:
    """*data* when it is a JSON object, else ProviderError(kind="bad-response")."""
    if not isinstance(data, dict):
        raise ProviderError(f"{what}: expected a JSON object, got {_type_name(data)}", "bad-response")
    return data


def expect_str(data: dict[str, Any], key: str, what: str, max_len: int = 512) -> str:
    """The non-empty string field *key* of *data*, else ProviderError (the value is never quoted)."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProviderError(
            f"{what}: field {key!r} missing or not a string (got {_type_name(value)})", "bad-response"
        )
    if len(value) > max_len:
        raise ProviderError(
            f"{what}: field {key!r} is implausibly long ({len(value)} characters)", "bad-response"
        )
    return value


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
