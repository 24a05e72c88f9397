"""Tokens from an existing Azure CLI sign-in: `az account get-access-token --scope S [--tenant T] --output json`.

The answer is JSON with `accessToken`, `expiresOn` (a local date and time), `expires_on` (a POSIX timestamp,
from Azure CLI 2.54.0 on; preferred here because it is UTC), `tenant` and `tokenType` (Microsoft's Azure CLI
documentation, MicrosoftDocs/azure-docs-cli docs-ref-conceptual/includes/refresh-token.md). When the CLI is
not signed in it says "Please run 'az login' to setup account." on stderr and exits non-zero.

`az` runs without a shell, with its arguments checked (a tenant or scope can never become an option), stdin
closed and a timeout. Every way it can fail (not installed, not signed in, another tenant, consent missing,
a slow or odd answer) is an `AzUnavailable` with a one-line reason, never a traceback. The token is held in a
field repr() leaves out and is never logged or printed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

from wizard.settings import GUID

AZ_TIMEOUT = 30.0
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
KEYVAULT_SCOPE = "https://vault.azure.net/.default"
_TENANT = re.compile(r"^(?:[0-9a-fA-F-]{36}|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,250}[A-Za-z0-9])?)$")
_SCOPE = re.compile(r"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~/-]*)?$")


@dataclass(frozen=True)
class AzToken:
    """An access token the Azure CLI handed out, its expiry (UTC) and the tenant it says it is for."""

    expires: dt.datetime
    tenant: str = ""
    token: str = field(default="", repr=False)


@dataclass(frozen=True)
class AzUnavailable:
    """Why no token came from the Azure CLI (one line, safe to show)."""

    reason: str


def _reason_from(stderr: str, tenant: str | None) -> str:
    """One line for the user from az's stderr (its own words, scrubbed and cut short)."""
    from wizard.providers.http import scrub

    text = " ".join(stderr.split())
    where = f" --tenant {tenant}" if tenant else ""
    if "az login" in text:
        if tenant and ("AADSTS" in text or "tenant" in text.lower()):
            return f"the Azure CLI has no sign-in for tenant {tenant}: run `az login{where}`"
        return f"the Azure CLI is not signed in: run `az login{where}`"
    if "AADSTS65001" in text or "consent" in text.lower():
        return (
            "the Azure CLI's sign-in lacks consent for this resource in the tenant "
            "(an administrator can grant it, or sign in another way)"
        )
    if tenant and any(code in text for code in ("AADSTS90002", "AADSTS50020", "AADSTS700016")):
        return (
            f"the Azure CLI cannot get a token for tenant {tenant} (not found, or your account is not in it)"
        )
    first = scrub(text)[:200] or "no message"
    return f"the Azure CLI failed: {first}"


def _expiry(answer: dict[str, object]) -> dt.datetime | None:
    posix = answer.get("expires_on")
    if isinstance(posix, (int, float, str)) and str(posix).strip().isdigit():
        return dt.datetime.fromtimestamp(int(str(posix).strip()), dt.UTC)
    local = answer.get("expiresOn")
    if isinstance(local, str) and local.strip():
        try:
            when = dt.datetime.fromisoformat(local.strip())
        except ValueError:
            return None
        return when.astimezone(dt.UTC)  # a naive value is the machine's local time, as az wrote it
    return None


def az_token(
    scope: str, tenant: str | None = None, *, az: str | None = None, timeout: float = AZ_TIMEOUT
) -> AzToken | AzUnavailable:
    """Ask the Azure CLI for a token for *scope* (e.g. https://vault.azure.net/.default), in *tenant* if given."""
    from wizard.providers.entra.tenant_tokens import issuing_tenant

    if not _SCOPE.match(scope or ""):
        return AzUnavailable(f"not a scope the Azure CLI can be asked for: {scope[:80]!r}")
    if tenant is not None and not _TENANT.match(tenant):
        return AzUnavailable(f"not a tenant id or domain: {tenant[:80]!r}")
    exe = az or shutil.which("az")
    if not exe:
        return AzUnavailable("the Azure CLI (az) is not installed")
    argv = [exe, "account", "get-access-token", "--scope", scope, "--output", "json"]
    if tenant:
        argv += ["--tenant", tenant]
    env = {**os.environ, "AZURE_CORE_ONLY_SHOW_ERRORS": "true", "AZURE_CORE_COLLECT_TELEMETRY": "false"}
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        return AzUnavailable("the Azure CLI (az) is not installed")
    except subprocess.TimeoutExpired:
        return AzUnavailable(f"the Azure CLI did not answer within {int(timeout)} s")
    except OSError as exc:
        return AzUnavailable(f"the Azure CLI could not be started: {exc.strerror or type(exc).__name__}")
    if done.returncode != 0:
        return AzUnavailable(_reason_from(done.stderr or "", tenant))
    try:
        answer = json.loads(done.stdout or "")
    except ValueError:
        return AzUnavailable("the Azure CLI answered with something that is not JSON")
    if (
        not isinstance(answer, dict)
        or not isinstance(answer.get("accessToken"), str)
        or not answer["accessToken"]
    ):
        return AzUnavailable("the Azure CLI's answer has no accessToken")
    expires = _expiry(answer)
    if expires is None:
        return AzUnavailable("the Azure CLI's answer has no readable expiry (expires_on / expiresOn)")
    if expires <= dt.datetime.now(dt.UTC):
        return AzUnavailable(
            "the Azure CLI handed out a token that has already expired: run `az login` again"
        )
    token = str(answer["accessToken"])
    said = str(answer.get("tenant") or "").lower()
    issuer = issuing_tenant(token) or said
    if tenant and GUID.match(tenant) and issuer and issuer != tenant.lower():
        return AzUnavailable(
            f"the Azure CLI's token is for tenant {issuer}, not {tenant}: run `az login --tenant {tenant}`"
        )
    return AzToken(expires=expires, tenant=issuer, token=token)


def az_access_token(scope: str, tenant: str | None = None) -> tuple[str, dt.datetime] | None:
    """(token, expiry in UTC) from the Azure CLI's sign-in, or None (`az_token` says why)."""
    got = az_token(scope, tenant)
    return (got.token, got.expires) if isinstance(got, AzToken) else None
