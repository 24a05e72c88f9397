"""`idspine edit` records a Google client's publishing status and an n8n credential id (issue 17 follow-up):
checked by the same core code as the inspector's form, one line and exit 2 on a bad value, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import load, save

GOOGLE = "acme-gcp-sa-key"  # a google-cloud credential in the demo
OTHER = "acme-airtable-pat"  # not a Google service


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "idspine.toml"
    save(demo_workspace(DEMO_TODAY), path, expected_digest=None)
    return path


def test_publishing_status_and_n8n_id_are_recorded_and_cleared(inventory: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(
        "edit",
        GOOGLE,
        "--file",
        str(inventory),
        "--google-publishing-status",
        "testing",
        "--n8n-id",
        "aB3dE5gH7jK9mN1p",
    )
    assert result.code == 0, result.err
    cred = load(inventory).credential(GOOGLE)
    assert cred is not None and (cred.google_publishing_status, cred.n8n_id) == (
        "testing",
        "aB3dE5gH7jK9mN1p",
    )
    result = run_cli(
        "edit", GOOGLE, "--file", str(inventory), "--google-publishing-status", "", "--n8n-id", ""
    )
    assert result.code == 0, result.err
    cred = load(inventory).credential(GOOGLE)
    assert cred is not None and (cred.google_publishing_status, cred.n8n_id) == (None, "")


@pytest.mark.parametrize(
    ("cred", "args", "word"),
    [
        (GOOGLE, ["--google-publishing-status", "production"], "in-production"),
        (OTHER, ["--google-publishing-status", "testing"], "Google"),
        (OTHER, ["--n8n-id", "12 34"], "letters and digits"),
        (OTHER, ["--n8n-id", "abc/../x"], "letters and digits"),
    ],
)
def test_bad_values_are_one_line_exit_2(
    inventory: Path, run_cli, cred: str, args: list[str], word: str
) -> None:  # type: ignore[no-untyped-def]
    before = inventory.read_bytes()
    result = run_cli("edit", cred, "--file", str(inventory), *args)
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and word in result.err, result.err
    assert inventory.read_bytes() == before


def test_an_n8n_id_another_credential_records_is_refused(inventory: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("edit", GOOGLE, "--file", str(inventory), "--n8n-id", "Shared0000000001").code == 0
    result = run_cli("edit", OTHER, "--file", str(inventory), "--n8n-id", "Shared0000000001")
    assert result.code == 2 and GOOGLE in result.err
    assert (
        run_cli("edit", GOOGLE, "--file", str(inventory), "--n8n-id", "Shared0000000001").code == 0
    )  # its own


def test_the_form_offers_publishing_status_only_to_google_clients() -> None:
    from wizard.credential_edit import fields_for

    ws = demo_workspace(DEMO_TODAY)
    assert "google_publishing_status" in fields_for(ws, GOOGLE)
    assert "google_publishing_status" not in fields_for(ws, OTHER)
    assert "n8n_id" in fields_for(ws, OTHER)
