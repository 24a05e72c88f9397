"""The Azure CLI export: valid bash, only az commands and flags that exist, idempotent when run twice
(proved by running it against a recording fake `az`), and immune to shell injection through names."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from wizard.demo import DEMO_TODAY
from wizard.export import azure_cli
from wizard.model import Group
from wizard.secrets.guard import find_secret_kind

# Sub-commands and flags the export may use, each checked against the Azure CLI reference
# (https://learn.microsoft.com/en-us/cli/azure/ad/group, .../ad/app, .../ad/sp, .../ad/app/federated-credential,
# .../ad/app/permission, .../ad/app/credential, .../ad/user, .../keyvault/secret, .../reference-index#az-rest,
# .../account#az-account-show, .../reference-index#az-login).
ALLOWED = {
    ("account", "show"): {"--query", "-o"},
    ("login",): {"--tenant", "--allow-no-subscriptions"},
    ("ad", "group", "list"): {"--filter", "--query", "-o"},
    ("ad", "group", "create"): {"--display-name", "--mail-nickname", "--description", "--query", "-o"},
    ("ad", "group", "owner", "list"): {"--group", "--query", "-o"},
    ("ad", "group", "owner", "add"): {"--group", "--owner-object-id"},
    ("ad", "app", "owner", "list"): {"--id", "--query", "-o"},
    ("ad", "app", "owner", "add"): {"--id", "--owner-object-id"},
    ("ad", "app", "show"): {"--id", "--query", "-o"},
    ("ad", "app", "permission", "list"): {"--id", "--query", "-o"},
    ("ad", "user", "show"): {"--id", "--query", "-o"},
    ("ad", "app", "list"): {"--filter", "--query", "-o"},
    ("ad", "app", "create"): {
        "--display-name",
        "--sign-in-audience",
        "--web-redirect-uris",
        "--app-roles",
        "--query",
        "-o",
    },
    ("ad", "sp", "list"): {"--filter", "--query", "-o"},
    ("ad", "sp", "create"): {"--id", "--query", "-o"},
    ("ad", "sp", "show"): {"--id", "--query", "-o"},
    ("ad", "app", "permission", "add"): {"--id", "--api", "--api-permissions"},
    ("ad", "app", "federated-credential", "list"): {"--id", "--query", "-o"},
    ("ad", "app", "federated-credential", "create"): {"--id", "--parameters"},
    ("ad", "app", "credential", "reset"): {
        "--id",
        "--append",
        "--display-name",
        "--end-date",
        "--query",
        "-o",
    },
    ("keyvault", "secret", "show"): {"--vault-name", "--name", "--query", "-o"},
    ("keyvault", "secret", "set"): {"--vault-name", "--name", "--file", "--expires"},
    ("rest",): {"--method", "--uri", "--body", "--query", "-o"},
}

FAKE_AZ = r"""#!/usr/bin/env bash
echo "$*" >> "$AZ_LOG"
line=""; for a in "$@"; do line="$line$a"$'\x1f'; done
printf '%s\n' "$line" >> "$AZ_LOG.argv"  # one write per call: piped az calls run at the same time
case "$*" in
  "account show"*) echo 00000000-0000-0000-0000-000000000000 ;;
  *" list "*|*" list"|"keyvault secret show"*|"ad app show"*|"rest --method GET"*)
    if [ -n "${FAKE_EXISTS:-}" ]; then echo existing-id; fi ;;
  "ad user show"*) echo 22222222-2222-2222-2222-222222222222 ;;
  "ad sp show"*) echo 11111111-1111-1111-1111-111111111111 ;;
  "ad app credential reset"*) echo generated-secret-value-for-the-test ;;
  "keyvault secret set"*) cat > /dev/null ;;
  *) echo new-id ;;
esac
"""


def test_bash_syntax_and_known_commands_only(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = azure_cli.render(demo_ws, today=DEMO_TODAY)
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)
    run(script, tmp_path, exists=False)
    run(script, tmp_path, exists=True)
    calls = []
    for log in tmp_path.glob("az-*.log.argv"):  # the exact argv of every az call the script made
        calls += [line.split("\x1f")[:-1] for line in log.read_text().splitlines() if line]
    assert len(calls) > 40
    for words in calls:
        command = tuple(w for w in words[:5] if not w.startswith("-"))
        key = next((k for k in ALLOWED if command[: len(k)] == k), None)
        assert key is not None, f"unknown az command: {' '.join(words[:5])}"
        flags = {w for w in words if w.startswith("-") and not w.startswith("--query=")}
        assert flags <= ALLOWED[key], (key, flags - ALLOWED[key])


def test_no_secret_appears_in_the_script(demo_ws) -> None:  # type: ignore[no-untyped-def]
    script = azure_cli.render(demo_ws, today=DEMO_TODAY)
    assert find_secret_kind(script) is None
    assert "--password" not in script and "secretText" not in script


def run(script: str, tmp_path: Path, exists: bool) -> list[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "az").write_text(FAKE_AZ)
    (bin_dir / "az").chmod(0o755)
    log = tmp_path / f"az-{exists}.log"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "AZ_LOG": str(log),
        "HOME": str(tmp_path),
        "SECRETS_DIR": str(tmp_path / "secrets"),
    }
    if exists:
        env["FAKE_EXISTS"] = "1"
    done = subprocess.run(["bash", "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "generated-secret-value" not in done.stdout + done.stderr
    return log.read_text().splitlines()


def test_running_twice_creates_nothing_the_second_time(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    first = run(script, tmp_path, exists=False)
    creates = [
        c for c in first if " create " in f" {c} " or c.startswith(("ad group create", "ad app create"))
    ]
    assert any(c.startswith("ad group create") for c in creates)
    assert any(c.startswith("ad app create") for c in creates)
    second = run(script, tmp_path, exists=True)
    assert not [c for c in second if re.match(r"ad (group|app|sp|app federated-credential) create", c)]


def test_names_cannot_inject_shell_commands(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo_ws.groups.append(Group(name='Tenant-Acme-$(touch pwned)-`id`-O\'Brien "x"', client="acme"))
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)
    log = run(script, tmp_path, exists=False)
    assert not (tmp_path / "pwned").exists()
    assert any("$(touch pwned)" in line for line in log)  # passed to az literally


def test_one_client_only_and_unknown_client(demo_ws) -> None:  # type: ignore[no-untyped-def]
    script = azure_cli.render(demo_ws, client="globex", today=DEMO_TODAY)
    assert "Tenant-Globex-Viewer" in script and "Acme" not in script and "svc-n8n-graph-acme" not in script
    with pytest.raises(KeyError):
        azure_cli.render(demo_ws, client="initech")


def test_newlines_in_names_cannot_end_a_comment(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo_ws.groups.append(
        Group(
            name="Tenant-Acme-M365\ntouch pwned-by-newline",
            client="acme",
            kind="m365",
            membership_rule="x\ntouch pwned-by-rule",
        )
    )
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)
    run(script, tmp_path, exists=False)
    assert not list(tmp_path.glob("pwned*"))


def test_client_secret_goes_from_az_into_the_store_once(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from wizard.model import CredentialKind, ServicePrincipal

    demo_ws.consultancy.integrations.secret_store = "env-file"
    demo_ws.service_principals += [
        ServicePrincipal(name="svc-n8n-mail-acme", client="acme"),  # a secret, none recorded yet
        ServicePrincipal(
            name="svc-platform-workload-acme", client="acme", credential_kind=CredentialKind.MANAGED_IDENTITY
        ),
    ]
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    assert (
        "az ad app create --display-name svc-platform-workload-acme" not in script
    )  # not an app registration
    first = run(script, tmp_path, exists=False)
    assert sum(c.startswith("ad app credential reset") for c in first) == 1
    stored = list((tmp_path / "secrets").iterdir())
    assert (
        len(stored) == 1 and stored[0].read_text() == "generated-secret-value-for-the-test"
    )  # no trailing newline
    assert stored[0].stat().st_mode & 0o077 == 0
    again = run(script, tmp_path, exists=False)[len(first) :]  # the stored copy exists now: no second secret
    assert not [c for c in again if c.startswith("ad app credential reset")]


def test_keyvault_store_checks_before_it_creates(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from wizard.model import ServicePrincipal

    demo_ws.consultancy.integrations.secret_store = "keyvault"
    demo_ws.consultancy.integrations.keyvault_name = "kv-northwind"
    demo_ws.service_principals.append(ServicePrincipal(name="svc-n8n-mail-acme", client="acme"))
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    assert "--file /dev/stdin" in script and "--value" not in script
    first = run(script, tmp_path, exists=False)
    assert any(
        c.startswith("keyvault secret set --vault-name kv-northwind --name svc-n8n-mail-acme") for c in first
    )
    second = run(script, tmp_path, exists=True)
    assert not [c for c in second if c.startswith(("keyvault secret set", "ad app credential reset"))]
