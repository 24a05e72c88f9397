"""Every az sub-command and flag the Azure CLI export uses exists in the Azure CLI itself: checked against the
command modules inside the azure-cli wheel from PyPI (read as text and parsed, never installed or run).
The wheel is fetched by tests/peers/install_schemas.sh; without it this test fails."""

from __future__ import annotations

import ast
import os
import re
import zipfile
from functools import cache
from pathlib import Path

import pytest

from tests.unit.export.test_azure_cli import run
from wizard.blueprints import apply_blueprint
from wizard.demo import DEMO_TODAY
from wizard.export import azure_cli

pytestmark = pytest.mark.peer("schemas")
SCHEMAS = Path(os.environ.get("IDSPINE_PEERS", Path.home() / ".cache" / "idspine-peers")) / "schemas"
MODULE_OF = {"ad": "role", "keyvault": "keyvault", "account": "profile", "rest": "util", "login": "profile"}
GLOBAL_FLAGS = {"--query", "-o", "--output", "--only-show-errors", "--debug", "--verbose", "--subscription"}


@cache
def wheel() -> zipfile.ZipFile:
    found = sorted(SCHEMAS.glob("azure_cli-*.whl"))
    if not found:
        pytest.fail(f"the azure-cli wheel is missing from {SCHEMAS}: run tests/peers/install_schemas.sh")
    return zipfile.ZipFile(found[-1])


def read(module: str, name: str) -> str:
    try:
        return wheel().read(f"azure/cli/command_modules/{module}/{name}").decode()
    except KeyError:
        return ""


@cache
def command_table(module: str) -> dict[str, str | None]:
    """'ad app credential reset' -> the function implementing it (None when it is an SDK operation)."""
    table: dict[str, str | None] = {}
    src = read(module, "commands.py") or read(module, "__init__.py")
    group = ""
    loop: tuple[str, list[str]] | None = None
    for line in src.splitlines():
        m = re.search(r"command_group\(\s*'([^']*)'", line)
        if m:
            group = m.group(1)
        each = re.search(r"for (\w+) in \[([^\]]+)\]:", line)  # for command in ['list', 'create', ...]:
        if each:
            loop = (each.group(1), re.findall(r"'([^']+)'", each.group(2)))
            continue
        if loop:
            f = re.search(rf"\bg\.\w*command\(\s*{loop[0]}\s*,\s*f'([^']*)\{{{loop[0]}\}}([^']*)'", line)
            if f:
                for verb in loop[1]:
                    table[f"{group} {verb}".strip()] = f"{f.group(1)}{verb}{f.group(2)}"
            loop = None
        for c in re.finditer(r"\bg\.\w*command\(\s*'([^']+)'(?:\s*,\s*'([^']+)')?", line):
            table[f"{group} {c.group(1)}".strip()] = c.group(2)
    return table


@cache
def function_params(module: str) -> dict[str, set[str]]:
    params: dict[str, set[str]] = {}
    for name in ("custom.py", "__init__.py"):
        src = read(module, name)
        if not src:
            continue
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.FunctionDef):
                args = node.args
                params[node.name] = {a.arg for a in args.args + args.kwonlyargs}
    return params


def flag_exists(module: str, function: str | None, flag: str) -> bool:
    if flag in GLOBAL_FLAGS:
        return True
    snake = flag.lstrip("-").replace("-", "_")
    if function and snake in function_params(module).get(function, set()):
        return True
    params_src = read(module, "_params.py")
    return f"'{flag}'" in params_src or f"argument('{snake}'" in params_src


def test_every_command_and_flag_exists_in_the_azure_cli(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from wizard.model import ServicePrincipal

    demo_ws.service_principals.append(
        ServicePrincipal(name="svc-n8n-mail-globex", client="globex")
    )  # needs a secret
    demo_ws = apply_blueprint(
        demo_ws, "data-api-oidc", "acme", {"owner": "alex@northwinddata.onmicrosoft.com"}
    )
    script = azure_cli.render(demo_ws, today=DEMO_TODAY)
    run(script, tmp_path, exists=False)
    run(script, tmp_path, exists=True)
    calls = []
    for log in tmp_path.glob("az-*.log.argv"):
        calls += [line.split("\x1f")[:-1] for line in log.read_text().splitlines() if line]
    checked = set()
    for words in calls:
        path = [w for w in words if not w.startswith("-")]
        module = MODULE_OF[path[0]]
        table = command_table(module)
        command = next(
            (" ".join(path[:n]) for n in range(len(path), 0, -1) if " ".join(path[:n]) in table), None
        )
        assert command is not None, f"az {' '.join(path[:4])} is not in the Azure CLI's command table"
        for flag in (w for w in words if w.startswith("-")):
            assert flag_exists(module, table[command], flag), f"az {command} has no flag {flag}"
        checked.add(command)
    assert {
        "ad group create",
        "ad app create",
        "ad sp create",
        "ad app federated-credential create",
        "ad app credential reset",
        "keyvault secret set",
        "keyvault secret show",
        "ad app owner list",
        "ad app owner add",
        "ad group owner list",
        "ad group owner add",
        "ad app permission list",
        "ad app show",
        "rest",
        "login",
    } <= checked
    assert "--public-client-redirect-uris" in script


def test_the_checker_rejects_what_does_not_exist() -> None:
    table = command_table("role")
    assert "ad group create" in table and "ad group explode" not in table
    assert not flag_exists("role", table["ad group create"], "--no-such-flag")
