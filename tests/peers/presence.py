"""Whether each peer that tests/peers/install_*.sh puts under $IDSPINE_PEERS is there (no peer is started).

tests/conftest.py asks this before a test marked `peer("<name>")` runs, so a missing peer is a skip that
names the install command (or a failure under IDSPINE_REQUIRE_PEERS=1) instead of an error deep in a fixture.
The checks are the ones the fixtures make: the n8n launcher and its version stamp, node plus oidc-provider,
the schema wheels, the SARIF multitool.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent


def peers_root() -> Path:
    """Where the installers put the peers: $IDSPINE_PEERS, else ~/.cache/idspine-peers."""
    return Path(os.environ.get("IDSPINE_PEERS", Path.home() / ".cache" / "idspine-peers"))


def _installer_value(script: str, variable: str) -> str:
    """A quoted shell variable of an installer (its version stamp), so the version is written once."""
    match = re.search(rf'^{variable}="([^"]*)"', (HERE / script).read_text(), re.MULTILINE)
    assert match, f"{variable}= not found in tests/peers/{script}"
    return match.group(1)


def _n8n() -> str | None:
    directory = peers_root() / "n8n"
    version = _installer_value("install_n8n.sh", "N8N_VERSION")
    stamp = directory / ".installed"
    if not (directory / "node_modules" / ".bin" / "n8n").exists() or not stamp.exists():
        return f"n8n {version} is not installed in {directory}"
    if stamp.read_text().strip() != version:
        return f"n8n in {directory} is {stamp.read_text().strip()}, not {version}"
    return None


def _oidc() -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH (the OpenID provider peer needs Node.js 20+)"
    directory = peers_root() / "oidc"
    if not (directory / "node_modules" / "oidc-provider").is_dir():
        return f"oidc-provider is not installed in {directory}"
    return None


def _schemas() -> str | None:
    directory = peers_root() / "schemas"
    wanted = (
        "azure_cli-*.whl",
        "cdktf_cdktf_provider_azuread-*.whl",
        "cdktf_cdktf_provider_okta-*.whl",
        "cdktf_cdktf_provider_google-*.whl",
    )
    absent = [pattern for pattern in wanted if not any(directory.glob(pattern))]
    return f"{', '.join(absent)} missing from {directory}" if absent else None


def sarif_tools() -> tuple[Path, Path]:
    """Where install_sarif.sh puts Microsoft's SARIF multitool and the actionlint binary."""
    directory = peers_root() / "sarif"
    return directory / "node_modules" / ".bin" / "sarif-multitool", directory / "venv" / "bin" / "actionlint"


def _sarif() -> str | None:
    multitool, actionlint = sarif_tools()
    absent = [tool.name for tool in (multitool, actionlint) if not tool.exists()]
    return f"{' and '.join(absent)} not installed in {peers_root() / 'sarif'}" if absent else None


CHECKS: dict[str, Callable[[], str | None]] = {
    "n8n": _n8n,
    "oidc": _oidc,
    "schemas": _schemas,
    "sarif": _sarif,
}


def missing(name: str) -> str | None:
    """None when the peer is there; otherwise what is missing and the command that installs it."""
    problem = CHECKS[name]()
    return f"{problem}: run `bash tests/peers/install_{name}.sh`" if problem else None
