"""The chosen IdP carries through every output: the demo switched to each IdP, read back through the CLI.

For the five IdPs other than Entra, the plan, checklist, off-boarding list and Terraform speak that IdP's
objects and never Entra's: no app registration, no azuread provider, no Graph address, no Entra admin center.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.idps import PROFILES
from wizard.inventory import save
from wizard.vocabulary import IdP

ROOT = Path(__file__).resolve().parents[3]
ADDRESSES = {
    IdP.OKTA: "https://northwind.okta.com",
    IdP.AUTH0: "northwind.eu.auth0.com",
    IdP.GOOGLE: "northwinddata.com",
    IdP.KEYCLOAK: "https://sso.northwinddata.com/realms/northwind",
    IdP.AUTHENTIK: "https://auth.northwinddata.com",
}
ENTRA_ONLY = (
    "app registration",
    "azuread",
    "graph.microsoft.com",
    "entra admin center",
    "login.microsoftonline",
)


def _idspine(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args, "--today", DEMO_TODAY.isoformat()]
        if args[0] == "export"
        else [sys.executable, "-m", "wizard", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module", params=sorted(ADDRESSES, key=str))
def switched(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[IdP, Path]:
    idp: IdP = request.param
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = idp
    ws.consultancy.idp_address = ADDRESSES[idp]
    if idp == IdP.GOOGLE:
        ws.consultancy.gcp_project = "northwind-automation"
    path = tmp_path_factory.mktemp(idp.value) / "idspine.toml"
    save(ws, path)
    return idp, path


@pytest.mark.parametrize("command", ["plan", "checklist", "offboarding", "terraform"])
def test_every_output_speaks_the_chosen_idp(switched: tuple[IdP, Path], command: str) -> None:
    idp, path = switched
    if command == "plan":
        result = _idspine("plan", "--file", str(path))
    elif command == "offboarding":
        result = _idspine("offboard", "--client", "acme", "--file", str(path))
    else:
        result = _idspine("export", command, "--file", str(path))
    assert result.returncode == 0, result.stderr
    text = result.stdout.lower()
    assert text.strip(), f"{command} printed nothing"
    leaked = [word for word in ENTRA_ONLY if word in text]
    assert not leaked, f"{idp.value} {command} speaks Entra: {leaked}"
    profile = PROFILES[idp.value]
    if command in ("plan", "terraform"):
        provider = profile.terraform_provider.split("/")[0]
        assert profile.name.lower() in text or provider in text, f"{command} never names {profile.name}"


def test_entra_is_still_entra(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_workspace(DEMO_TODAY), path)
    terraform = _idspine("export", "terraform", "--file", str(path))
    plan = _idspine("plan", "--file", str(path))
    assert "azuread" in terraform.stdout and "graph" in plan.stdout.lower()


def test_apply_outside_entra_is_refused_plainly(switched: tuple[IdP, Path]) -> None:
    idp, path = switched
    result = _idspine("apply", "--file", str(path), "--yes")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_dash_output_means_standard_output(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_workspace(DEMO_TODAY), path)
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "export", "checklist", "--file", str(path), "-o", "-"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "Northwind" in result.stdout
    assert not (tmp_path / "-").exists()
