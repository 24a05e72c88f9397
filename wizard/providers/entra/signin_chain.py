"""The consultant's first sign-in without registering an app by hand: which way, in which order, said plainly.

Which app signs in is decided by `signin_config_from(..., public_fallback=True)`:
- your app (--client-id or IDSPINE_CLIENT_ID) always wins;
- else idspine's own app, once `idspine bootstrap` registered it in the tenant;
- else nothing of yours exists yet: an existing Azure CLI sign-in is used first (`az account
  get-access-token`, wizard.providers.entra.azure_cli), and only when there is none, the device code flow
  with Microsoft's public "Microsoft Graph Command Line Tools" client (GRAPH_CLI_TOOLS_NOTICE says what that
  means for consent).
Whichever app it is, a device code sign-in that the tenant refuses (wizard.providers.entra.auth_code_flow.
device_code_refused) falls back to the authorization code flow with PKCE in the system browser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wizard.providers.entra.auth_code_flow import BrowserSignin, device_code_refused
from wizard.providers.entra.msal_calls import TokenResult
from wizard.providers.entra.signin_config import (
    GRAPH_CLI_TOOLS_CLIENT_ID,
    WAY_AZURE_CLI,
    WAY_GRAPH_CLI_TOOLS,
    SigninConfig,
)

GRAPH_CLI_TOOLS_NOTICE = (
    "No app of yours is known for this tenant and there is no Azure CLI sign-in to use, so idspine signs in "
    'with Microsoft\'s public client "Microsoft Graph Command Line Tools" (app id '
    f"{GRAPH_CLI_TOOLS_CLIENT_ID}, the app Microsoft Graph PowerShell uses). What that means: the first time "
    "anyone in the tenant uses it, Entra creates that app's service principal (an enterprise application) in "
    "the tenant, and you, or an administrator for the whole tenant, consent to the delegated Graph "
    "permissions idspine asks for; that consent stays on the enterprise application. Tenants may block it "
    "(user consent turned off, the app restricted to assigned users, Conditional Access). To remove it "
    "later: Entra admin center > Enterprise applications > Microsoft Graph Command Line Tools > Permissions "
    "to review or revoke the consent, or delete the enterprise application. Run `idspine bootstrap` to "
    "register idspine's own least-privilege app instead."
)


def tenant_of(config: SigninConfig) -> str:
    """The tenant (id or domain) an Entra authority names; '' for an OpenID issuer."""
    return (config.authority or "").rstrip("/").rsplit("/", 1)[-1] if config.authority else ""


def azure_cli_signin(
    config: SigninConfig, scope: str = "https://graph.microsoft.com/.default"
) -> TokenResult:
    """A Graph token from the Azure CLI's sign-in for the config's tenant, or a failed result saying why."""
    import datetime as dt

    from wizard.providers.entra.azure_cli import AzToken, az_token

    got = az_token(scope, tenant_of(config) or None)
    if not isinstance(got, AzToken):
        return TokenResult(False, "azure_cli", got.reason)
    left = int((got.expires - dt.datetime.now(dt.UTC)).total_seconds())
    return TokenResult(True, expires_in=max(left, 0), account="", access_token=got.token)


def uses_azure_cli(config: SigninConfig) -> bool:
    """The Azure CLI is asked only when no app of yours or idspine's is known (and never for an OIDC issuer)."""
    return config.way == WAY_GRAPH_CLI_TOOLS and bool(config.authority)


def cached_token(config: SigninConfig, scopes: Sequence[str]) -> tuple[TokenResult | None, str]:
    """A token without asking the user: (the Azure CLI's when it is the way,) else the token cache's.

    Returns (result or None, the way it came: WAY_AZURE_CLI or config.way)."""
    from wizard.providers.entra.signin import silent_token

    if uses_azure_cli(config):
        az = azure_cli_signin(config)
        if az.ok:
            return az, WAY_AZURE_CLI
    if not config.cache_file.exists():  # nobody signed in here: no need to reach the IdP to find that out
        return None, config.way
    return silent_token(config, scopes), config.way


def sign_in(
    config: SigninConfig,
    scopes: Sequence[str],
    *,
    say: Callable[[str], None],
    show_code: Callable[[Any], None],
    open_browser: Callable[[str], Any] | None = None,
    browser_only: bool = False,
    try_azure_cli: bool = True,
) -> tuple[TokenResult, str]:
    """Sign in the way the config allows; returns (result, the way it went: one of signin_config's WAY_*).

    *say* gets one line of news at a time (never a token); *show_code* gets the DeviceCode to show.
    SigninError is raised for failures of the IdP itself (TLS, 5xx, no connection).
    """
    from wizard.providers.entra.device_flow import DeviceSignin
    from wizard.providers.entra.signin_config import SigninError

    if try_azure_cli and not browser_only and uses_azure_cli(config):
        az = azure_cli_signin(config)
        if az.ok:
            return az, WAY_AZURE_CLI
        say(f"No Azure CLI sign-in to use: {az.error_description}.")
    if config.way == WAY_GRAPH_CLI_TOOLS:
        say(GRAPH_CLI_TOOLS_NOTICE)
    if not browser_only:
        device = DeviceSignin(config, scopes)
        refused: TokenResult | None = None
        try:
            code = device.start()
        except SigninError as exc:
            if not device_code_refused(TokenResult(False, "device_code", str(exc))):
                raise
            refused = TokenResult(False, "device_code", str(exc))
        if refused is None:
            show_code(code)
            result = device.finish(code)
            if not device_code_refused(result):
                return result, config.way
            refused = result
        say(
            f"The tenant refused the device code sign-in ({refused.detail}). "
            "Signing in through the browser instead (authorization code with PKCE)."
        )
    return BrowserSignin(config, scopes, open_browser=open_browser).run(), config.way
