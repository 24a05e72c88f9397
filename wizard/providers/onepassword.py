"""1Password over its CLI: read the value behind an `op://` or `1password://` reference with `op read`.

`op read [--no-newline] <reference>` prints the field's value on stdout; a reference is
op://<vault>/<item>[/<section>]/<field> (https://developer.1password.com/docs/cli/secret-references/,
https://developer.1password.com/docs/cli/reference/commands/read). `1password://vault/item/field`, idspine's
older spelling, maps to op://vault/item/field. op signs in through the desktop app, a session from
`op signin`, or a service account token in OP_SERVICE_ACCOUNT_TOKEN
(https://developer.1password.com/docs/service-accounts/use-with-1password-cli/); without one it fails with
exit status 1 and says on stderr that the account is not signed in.

The program is started without a shell (an argument list; nothing in the reference is ever interpreted),
with stdin closed, a time limit, and an environment that keeps only what op needs. Its stdout is the value:
returned and nowhere else. Its stderr may quote what it was given: it is never shown raw, only classified
(not signed in, no such item or field) or quoted escaped on one line with secret-shaped words withheld.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping

OP_PROGRAM = "op"
TIMEOUT_SECONDS = 60.0  # the desktop app may ask for a fingerprint or password first
MAX_VALUE_BYTES = 64 * 1024
# What op reads from its environment (accounts, sessions, service accounts, Connect, its config folder);
# the rest of idspine's environment is not passed on.
_KEEP = re.compile(
    r"^(OP_.*|HOME|USER|LOGNAME|PATH|LANG|LC_.*|TMPDIR|XDG_.*|DBUS_SESSION_BUS_ADDRESS|SYSTEMROOT|APPDATA|LOCALAPPDATA)$"
)
_OP_REF = re.compile(r"^op://[^/\s]+/[^/\s]+(?:/[^/\s]+){1,2}$")
_NOT_SIGNED_IN = (
    "not currently signed in",
    "not signed in",
    "no accounts configured",
    "account is not signed in",
    "session expired",
    "authorization prompt dismissed",
    "service account token",
    "invalid token",
)
_MISSING = (
    "isn't an item",
    "isn't a vault",
    "isn't a field",
    "isn't a section",
    "does not have a field",
    "could not find",
)


def op_reference(ref: str) -> str:
    """The op:// reference op understands for *ref* (1password://vault/item/field becomes op://vault/item/field).

    ValueError when it names no field (op read needs vault, item and field).
    """
    if ref.startswith("1password://"):
        parts = ref.removeprefix("1password://").split("/")
        if len(parts) != 3:
            raise ValueError(
                "a 1password:// reference needs vault, item and field: 1password://vault/item/field"
            )
        ref = "op://" + "/".join(parts)
    if not _OP_REF.match(ref):
        raise ValueError("an op:// reference is op://vault/item/[section/]field")
    return ref


def read_op_reference(
    ref: str,
    environ: Mapping[str, str] | None = None,
    *,
    program: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> str:
    """The value behind an op:// or 1password:// reference; SecretUnavailable (one line naming *ref*) otherwise.

    *environ*: the environment op runs with (its OP_* variables, PATH to find it); default the process's.
    """
    from wizard.secrets.resolver import SecretUnavailable

    env = dict(os.environ if environ is None else environ)
    try:
        target = op_reference(ref)
    except ValueError as exc:
        raise SecretUnavailable(f"{ref}: {exc}") from None
    executable = program or shutil.which(OP_PROGRAM, path=env.get("PATH"))
    if not executable:
        raise SecretUnavailable(
            f"{ref}: the 1Password CLI (op) is not installed or not on PATH; install the 1Password CLI "
            "(https://developer.1password.com/docs/cli/get-started/) and sign in"
        )
    child_env = {k: v for k, v in env.items() if _KEEP.match(k)}
    try:
        done = subprocess.run(  # noqa: S603 - an argument list, never a shell
            [executable, "read", "--no-newline", target],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=child_env,
            timeout=timeout,
            check=False,
            shell=False,
        )
    except subprocess.TimeoutExpired:
        raise SecretUnavailable(
            f"{ref}: op did not answer within {int(timeout)} s (is the 1Password app waiting for approval?)"
        ) from None
    except OSError as exc:
        raise SecretUnavailable(
            f"{ref}: the 1Password CLI could not be started ({(exc.strerror or 'error').lower()})"
        ) from None
    if done.returncode != 0:
        raise SecretUnavailable(f"{ref}: {_why(done.stderr, done.returncode)}")
    if len(done.stdout) > MAX_VALUE_BYTES:
        raise SecretUnavailable(f"{ref}: op printed more than a secret's worth ({len(done.stdout)} bytes)")
    try:
        value = done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretUnavailable(f"{ref}: the value is not UTF-8 text") from None
    value = value.strip("\r\n")
    if not value.strip():
        raise SecretUnavailable(f"{ref}: the field is empty in 1Password")
    return value


def _why(stderr: bytes, code: int) -> str:
    """What op's failure means, in one line; op's own words only escaped, shortened and scrubbed."""
    from wizard.providers.responses import scrub

    text = stderr.decode("utf-8", errors="replace")
    lowered = text.lower()
    if any(marker in lowered for marker in _NOT_SIGNED_IN):
        return "the 1Password CLI is not signed in: run `op signin` (or set OP_SERVICE_ACCOUNT_TOKEN)"
    said = scrub(re.sub(r"^\[ERROR\]\s*\S+\s+\S+\s*", "", text.strip()))
    if any(marker in lowered for marker in _MISSING):
        return (
            f"1Password has no such vault, item or field ({said})"
            if said
            else "1Password has no such item or field"
        )
    return f"op read failed (exit status {code})" + (f": {said}" if said else "")
