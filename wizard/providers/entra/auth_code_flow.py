"""The authorization code flow with PKCE in the system browser, answered on a loopback redirect.

msal builds the request and checks the answer (`initiate_auth_code_flow` makes the PKCE verifier and the
state; `acquire_token_by_auth_code_flow` checks the state and redeems the code with the verifier). This module
only listens on 127.0.0.1 for the one redirect (`http://localhost:<port>`, the redirect Entra accepts on any
port for a public client registered with `http://localhost`, RFC 8252 section 7.3) and opens the browser.
Tests pass their own `open_browser`, which walks the provider's login and consent pages over HTTP.

`device_code_refused` recognises the answers with which Entra refuses a device code sign-in, so the caller
can fall back to this flow: AADSTS53003 (BlockedByConditionalAccess: a Conditional Access policy, including
one with the "device code flow" authentication-flows condition, refused the token) and AADSTS50199
(CmsiInterrupt: the user must confirm interactively), both from Microsoft's "Microsoft Entra authentication
and authorization error codes" reference (learn.microsoft.com/entra/identity-platform/reference-error-codes),
and the words "device code flow is blocked" some tenants answer with.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from wizard.providers.entra.msal_calls import TokenResult, msal_call, public_app, session_of
from wizard.providers.entra.signin_config import SigninConfig, SigninError
from wizard.providers.entra.token_cache import TokenCacheFile

DEVICE_CODE_REFUSAL_CODES = ("AADSTS53003", "AADSTS50199")
_REFUSAL_WORDS = re.compile(r"device code (flow|authentication)[^.]*\bblocked", re.IGNORECASE)


def device_code_refused(result: TokenResult | None) -> bool:
    """True when the IdP refused a device code sign-in in a way the browser sign-in may get past."""
    if result is None or result.ok:
        return False
    text = f"{result.error} {result.error_description}"
    return any(code in text for code in DEVICE_CODE_REFUSAL_CODES) or bool(_REFUSAL_WORDS.search(text))


_DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>idspine</title></head><body>"
    "<p>{message}</p><p>You can close this tab and go back to idspine.</p></body></html>"
)


class _Receiver(ThreadingHTTPServer):
    """Waits on 127.0.0.1 for the one redirect that carries `code` (or `error`) and the expected state."""

    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        self.answer: dict[str, str] | None = None
        self.state = ""
        self.arrived = threading.Event()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: _Receiver

    def log_message(self, *args: Any) -> None:  # the query string holds the code: never log it
        return

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items() if v}
        if not ("code" in query or "error" in query) or query.get("state") != self.server.state:
            self._reply(404, "This address only answers idspine's sign-in.")
            return
        if self.server.answer is None:
            self.server.answer = query
            self.server.arrived.set()
        if "error" in query:
            self._reply(200, "The sign-in did not complete: " + query.get("error", ""))
        else:
            self._reply(200, "You are signed in to idspine.")

    def _reply(self, status: int, message: str) -> None:
        body = _DONE_PAGE.format(message=html.escape(message)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _system_browser(url: str) -> None:
    import webbrowser

    if not webbrowser.open(url):
        raise SigninError("the system browser could not be opened; use the device code sign-in instead")


class BrowserSignin:
    """One authorization code + PKCE sign-in: open the browser, wait for the loopback redirect, redeem."""

    def __init__(
        self,
        config: SigninConfig,
        scopes: Sequence[str],
        open_browser: Callable[[str], Any] | None = None,
        port: int = 0,
        timeout: float = 300.0,
    ):
        self.config = config
        self.scopes = list(scopes)
        self.open_browser = open_browser or _system_browser
        self.port = port
        self.timeout = timeout
        self.cache = TokenCacheFile(config.cache_file)
        self.app = public_app(config, self.cache)

    def _initiate(self, port: int) -> dict[str, Any]:
        """msal's auth code flow (PKCE S256, state, nonce) for the loopback redirect on *port*.

        The answer comes back in the redirect's query string, the way RFC 8252 describes for native apps
        (msal warns that form_post is better for web servers; it does not apply to a loopback listener).
        Entra is asked to show its account picker; other OpenID issuers get no prompt (some refuse
        values they do not know)."""
        import warnings

        extra: dict[str, Any] = {"prompt": "select_account"} if self.config.authority else {}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*response_mode.*form_post.*")
            flow: dict[str, Any] = self.app.initiate_auth_code_flow(
                self.scopes, redirect_uri=f"http://localhost:{port}", **extra
            )
        return flow

    def run(self) -> TokenResult:
        """Sign in; the token cache is saved (0600) when a token came back."""
        try:
            receiver = _Receiver(self.port)
        except OSError as exc:
            raise SigninError(
                f"could not listen on 127.0.0.1 for the sign-in's answer: {exc.strerror}"
            ) from None
        thread = threading.Thread(target=receiver.serve_forever, daemon=True)
        thread.start()
        try:
            flow = msal_call("browser sign-in", lambda: self._initiate(receiver.port), session_of(self.app))
            receiver.state = str(flow.get("state") or "")
            if not receiver.state or "auth_uri" not in flow:
                raise SigninError("browser sign-in: msal could not prepare the request")
            self.open_browser(str(flow["auth_uri"]))
            if not receiver.arrived.wait(self.timeout):
                return TokenResult(
                    False, "timed_out", f"no answer from the browser within {int(self.timeout)} s"
                )
            answer = receiver.answer or {}
            result = msal_call(
                "browser sign-in",
                lambda: self.app.acquire_token_by_auth_code_flow(flow, answer, scopes=self.scopes),
                session_of(self.app),
            )
        finally:
            receiver.shutdown()
            receiver.server_close()
        token = TokenResult.from_msal(result)
        if token.ok:
            self.cache.save()
        return token
