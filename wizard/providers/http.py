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

The address policy lives in addresses.py, the settings and the client in http_settings.py, the reading of
answers in responses.py; this module names them all, so providers import one place.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from wizard.providers.addresses import LOOPBACK_HOSTS, check_base_url
from wizard.providers.errors import ErrorKind, ProviderError, Throttled, format_resume_time
from wizard.providers.http_settings import HttpSettings, build_client
from wizard.providers.responses import expect_dict, expect_str, scrub

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

__all__ = [
    "LOOPBACK_HOSTS",
    "ApiResponse",
    "HttpSettings",
    "JsonApi",
    "Throttled",
    "build_client",
    "check_base_url",
    "expect_dict",
    "expect_str",
    "format_resume_time",
    "scrub",
]


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
                raise ProviderError(f"{what}: {exc.reason}", ErrorKind.NETWORK) from None
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
                raise ProviderError(
                    f"{what}: HTTP {status} redirect without a Location", ErrorKind.REDIRECT, status
                )
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
                    ErrorKind.REDIRECT,
                    status,
                )
            if status in (301, 302, 303) and method not in ("GET", "HEAD"):
                raise ProviderError(
                    f"{what}: the server answered HTTP {status} (moved); use the final address",
                    ErrorKind.REDIRECT,
                    status,
                )
            url = target.geturl()
        raise ProviderError(f"{what}: too many redirects", ErrorKind.REDIRECT)

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
                    ErrorKind.TLS,
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
                ErrorKind.BAD_RESPONSE,
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
                        ErrorKind.BAD_RESPONSE,
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
                f"{what}: the answer is not UTF-8 text (HTTP {status})", ErrorKind.BAD_RESPONSE, status
            ) from None
        except json.JSONDecodeError as exc:
            reason = "cut short" if exc.pos >= len(body.rstrip()) - 1 else "not valid JSON"
            raise ProviderError(
                f"{what}: the answer is {reason} (HTTP {status}, {len(body)} bytes)",
                ErrorKind.BAD_RESPONSE,
                status,
            ) from None
        except RecursionError:
            raise ProviderError(
                f"{what}: the answer is nested too deeply to read", ErrorKind.BAD_RESPONSE, status
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
        kind = {401: ErrorKind.REFUSED, 403: ErrorKind.REFUSED, 404: ErrorKind.NOT_FOUND}.get(
            status, ErrorKind.HTTP
        )
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
