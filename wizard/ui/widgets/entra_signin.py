"""The Entra screen's sign-in: one token per tenant (Azure CLI, device code or the browser), the code counted down;
the status line says which way it signed in (Azure CLI / Microsoft Graph Command Line Tools / idspine's own app /
your app).

`TenantSignin` is the part of the Entra screen that signs in; the screen (wizard.ui.screens.entra) extends
it with the plan, apply and verify. `s` signs in to the tenant of the selected row; tokens are kept per
tenant (wizard.providers.entra.tenant_tokens), so one tenant's token never serves another.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work
from textual.timer import Timer
from textual.widgets import Static

from wizard.providers.entra.signin_config import admin_scopes_for, signin_config_for
from wizard.ui.markup import esc, plain
from wizard.ui.screens.base import IdspineScreen

if TYPE_CHECKING:
    from wizard.providers.entra.device_flow import DeviceCode
    from wizard.providers.entra.plan import Plan


class TenantSignin(IdspineScreen[None]):
    """Sign-in per tenant for the Entra screen: device code or browser, the token kept for that tenant only."""

    def __init__(self) -> None:
        from wizard.providers.entra.tenant_tokens import TenantTokens

        super().__init__()
        self.tokens = TenantTokens()
        self.accounts: dict[str, str] = {}  # tenant key -> the account signed in there
        self.device: DeviceCode | None = None  # the DeviceCode while a sign-in is waiting
        self.plans: list[Plan] = []
        self.plan: Plan | None = None  # the plan of the selected row (the tenant `s` signs in to)
        self._signing: Plan | None = None  # the plan whose tenant the running sign-in is for
        self._countdown: Timer | None = None

    # what the screen provides
    def show_summary(self) -> None:
        raise NotImplementedError

    def _status(self, text: str, error: bool = False, busy: bool = False) -> None:
        """Show `text` (often a provider's message) as plain text, dimmed while busy."""
        status = self.query_one("#wiring-status", Static)
        status.set_class(error, "problem")
        status.update(plain(text).stylize("dim") if busy else plain(text))

    @property
    def token(self) -> str:
        """The token of the selected tenant ('' when not signed in there)."""
        return self.tokens.get(self.plan.key) or "" if self.plan is not None else ""

    @token.setter
    def token(self, value: str) -> None:
        """Record *value* as the selected tenant's token (what a sign-in there does)."""
        if self.plan is not None:
            self.tokens.put(self.plan.key, self.plan.tenant, value, self.plan.title)

    @property
    def tenant(self) -> str:
        """The tenant `s` signs in to: the selected row's (else the home tenant)."""
        if self.plan is not None:
            return str(self.plan.tenant)
        return self.workspace_state.workspace.consultancy.home_tenant

    def action_signin(self) -> None:
        self._signing = self.plan
        self._status(f"signing in to {self.tenant or 'the tenant'}…", busy=True)
        self.start_signin()

    @work(thread=True, exclusive=True, group="entra-signin")
    def start_signin(self) -> None:
        """Sign in the way signin_chain decides (token cache, Azure CLI, device code, the browser when the
        tenant refuses device codes) in this worker; the status line says which way it went."""
        from wizard.providers.entra.signin_chain import cached_token, sign_in
        from wizard.providers.entra.signin_config import SigninError

        app, conn = self.app, self.connections
        try:
            config = signin_config_for(conn, self.tenant, public_fallback=True)
            cached, way = cached_token(config, admin_scopes_for(conn))
            if cached is not None and cached.ok:
                how = way if way != config.way else f"{way}, from the token cache"
                app.call_from_thread(self._signed_in, cached.access_token, cached.account, how)
                return
            result, way = sign_in(
                config,
                admin_scopes_for(conn),
                say=lambda line: app.call_from_thread(self._status, line, False, True),
                show_code=lambda code: app.call_from_thread(self._show_code, code),
                open_browser=lambda url: app.call_from_thread(self._open_browser, url),
            )
        except SigninError as exc:
            app.call_from_thread(self._status, str(exc), True)
            app.call_from_thread(self._hide_code)
            return
        app.call_from_thread(self._hide_code)
        if result.ok:
            app.call_from_thread(self._signed_in, result.access_token, result.account, way)
        else:
            app.call_from_thread(self._status, f"Sign-in did not complete ({way}): {result.detail}", True)

    def _open_browser(self, url: str) -> None:
        """The browser's part of a sign-in: open it where there is one, and show the address either way."""
        from wizard.providers.entra.signin import browser_available

        self._hide_code()
        self._status(f"Sign in in the browser: {url}", busy=True)
        if browser_available():
            import webbrowser

            webbrowser.open(url)

    def action_browser_signin(self) -> None:
        """Sign in through the system browser (code flow with PKCE), where a browser exists."""
        from wizard.providers.entra.signin import browser_available

        if not browser_available():
            self._status("No browser here: use the device code sign-in (s).", True)
            return
        self._signing = self.plan
        self._status("waiting for the browser sign-in…", busy=True)
        self.browser_signin()

    @work(thread=True, exclusive=True, group="entra-signin")
    def browser_signin(self) -> None:
        from wizard.providers.entra.signin import interactive_signin
        from wizard.providers.entra.signin_config import SigninError

        app, conn = self.app, self.connections
        try:
            config = signin_config_for(conn, self.tenant, public_fallback=True)
            result = interactive_signin(config, admin_scopes_for(conn))
        except SigninError as exc:
            app.call_from_thread(self._status, str(exc), True)
            return
        if result.ok:
            app.call_from_thread(
                self._signed_in, result.access_token, result.account, f"{config.way}, browser"
            )
        else:
            app.call_from_thread(self._status, f"Sign-in did not complete: {result.detail}", True)

    def _show_code(self, code: DeviceCode) -> None:
        self.device = code
        box = self.query_one("#device", Static)
        box.display = True
        self._tick()
        self._countdown = self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        code = self.device
        if code is None:
            return
        left = code.seconds_left(time.time())
        self.query_one("#device", Static).update(
            f"Open [b]{esc(code.verification_uri)}[/b] on any device and enter\n\n    [b reverse] {esc(code.user_code)} [/]\n\n"
            f"Expires in {left // 60}:{left % 60:02d} · c copies the code · escape cancels"
        )

    def _hide_code(self) -> None:
        self.device = None
        if self._countdown is not None:
            self._countdown.stop()
        self.query_one("#device").display = False

    def _signed_in(self, token: str, account: str, how: str) -> None:
        from wizard.providers.entra.tenant_tokens import TokenMismatch

        plan = self._signing or self.plan
        key, title = (plan.key, plan.title) if plan is not None else ("home", "your home tenant")
        try:
            self.tokens.put(key, plan.tenant if plan is not None else self.tenant, token, title)
        except TokenMismatch as exc:
            self._status(str(exc), True)
            return
        self.accounts[key] = account
        self.show_summary()
        missing = [p.title for p in self.plans if p.automatic and not self.tokens.get(p.key)]
        nxt = (
            f" Still to sign in: {'; '.join(missing)} (select its rows, press s)."
            if missing
            else " Press a to apply the plan."
        )
        self._status(f"Signed in to {title}{f' ({how})' if how else ''}.{nxt}")

    def action_copy_code(self) -> None:
        if self.device is not None:
            self.app.copy_to_clipboard(self.device.user_code)
            self.notify("Code copied")

    def cancel_signin(self) -> bool:
        """Cancel a waiting device code sign-in; True when there was one."""
        if self.device is None:
            return False
        self.device.cancel()
        self._hide_code()
        self._status("Sign-in cancelled.")
        return True
