"""Sign-in with msal for the consultant: a cached token for one tenant (never another's), or the browser.

The token cache lives in one file (wizard.providers.entra.token_cache); the authority is an Entra tenant or
any OpenID Connect issuer (wizard.providers.entra.signin_config); the device code flow is in
wizard.providers.entra.device_flow, the browser's authorization code flow in wizard.providers.entra.
auth_code_flow, the msal calls in wizard.providers.entra.msal_calls; which way to sign in first is in
wizard.providers.entra.signin_chain. Nothing here logs
or prints a token or a secret.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

from wizard.providers.entra.msal_calls import TokenResult, msal_call, public_app, session_of
from wizard.providers.entra.signin_config import SigninConfig, SigninError
from wizard.providers.entra.token_cache import TokenCacheFile
from wizard.settings import GUID


def _tenant_accounts(app: Any, cache: TokenCacheFile) -> list[dict[str, Any]]:
    """The cached account records for the tenant the app's authority resolved to, members before guests.

    msal keeps one account record per (home_account_id "oid.tid", environment, realm), realm being the tenant
    the sign-in was made in, the same value as `app.authority.tenant` (both come from the token endpoint, so an
    authority given as a domain resolves to its tenant id). `get_accounts` folds them per person and keeps
    one realm, so it cannot say who signed in where; the cache is searched by realm instead.
    """
    import msal  # type: ignore[import-untyped]

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
    if tid and realm and tid != realm.lower() and GUID.match(realm):
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
        answer = msal_call(
            "silent sign-in",
            functools.partial(app.acquire_token_silent, list(scopes), account=account),
            session_of(app),
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
    from wizard.providers.entra.auth_code_flow import BrowserSignin

    if not browser_available():
        raise SigninError("no browser is available here; use the device code sign-in instead")
    return BrowserSignin(config, scopes, timeout=timeout).run()
