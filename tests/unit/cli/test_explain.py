"""`idspine explain`: list, search, show (rendered or plain), personalise from --demo/--file, and unknown topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.explainers.conftest import EXPLAINER_DIR
from wizard import explainer_library as lib
from wizard.inventory import save
from wizard.model import Workspace


@pytest.fixture(autouse=True)
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every command in a folder without an inventory, unless a test puts one there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_list_shows_every_explainer_with_its_summary(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "--list")
    rows = result.out.splitlines()
    assert result.code == 0 and len(rows) == len(list(EXPLAINER_DIR.glob("*.md")))
    pkce = next(r for r in rows if r.startswith("pkce "))
    assert lib.get("pkce").summary in pkce
    assert run_cli("explain").out == result.out


def test_show_plain_without_inventory_reads_generically(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "pkce", "--plain")
    assert result.code == 0
    assert result.out == lib.fill(lib.get("pkce"), None, links="plain")
    assert "code verifier" in result.out and "your IdP" in result.out


def test_topic_is_case_insensitive(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("explain", "PKCE", "--plain").code == 0


def test_demo_fills_in_your_setup(run_cli) -> None:  # type: ignore[no-untyped-def]
    out = run_cli("explain", "identity-provider", "--plain", "--demo").out
    setup = out.split("## In your setup")[1].split("## Sources")[0]
    assert "Northwind Data" in setup and "Org-Data-Engineer" in setup and "Microsoft Entra ID" in setup
    assert "{" not in setup


def test_file_fills_in_your_setup(run_cli, demo_ws: Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inventory = tmp_path / "elsewhere.toml"
    save(demo_ws, inventory)
    out = run_cli("explain", "workload-identity-federation", "--plain", "--file", str(inventory)).out
    assert "svc-github-deploy-acme" in out


def test_inventory_in_the_current_folder_is_used(
    run_cli,
    demo_ws: Workspace,  # type: ignore[no-untyped-def]
    empty_cwd: Path,
) -> None:
    save(demo_ws, empty_cwd / "idspine.toml")
    assert "Northwind Data" in run_cli("explain", "secret-stores", "--plain").out


def test_missing_file_is_an_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "pkce", "--file", "nowhere.toml")
    assert result.code == 2 and "nowhere.toml" in result.err and result.out == ""


def test_rendered_output_is_formatted_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "device-code-flow", "--demo")
    assert result.code == 0
    assert "Device code flow" in result.out and "microsoft.com/devicelogin" in result.out
    assert "## " not in result.out and "[[" not in result.out
    assert max(len(line) for line in result.out.splitlines()) <= 80


def test_search_lists_best_first(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "--search", "code verifier")
    assert result.code == 0 and result.out.startswith("pkce ")
    assert run_cli("explain", "--search", "lighthouse").out.startswith("delegated-admin")


def test_search_without_hits_says_so(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "--search", "zzzz-nothing")
    assert result.code == 1 and result.out == "" and "zzzz-nothing" in result.err


@pytest.mark.parametrize(
    ("typo", "first"), [("pkse", "pkce"), ("token", "tokens"), ("mangaed-identity", "managed-identity")]
)
def test_unknown_topic_suggests_and_exits_2(run_cli, typo: str, first: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", typo)
    assert result.code == 2 and result.out == ""
    assert result.err.split("Try: ")[1].startswith(first)
