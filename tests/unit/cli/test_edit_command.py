"""`idspine edit CRED_ID --secret-ref REF [--expires DATE] [--owner EMAIL] [--notes TEXT]` (issue 13, item 3)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import load, load_with_digest, save

CANARY = "ghp_" + "Zq8" * 12


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "idspine.toml"
    save(demo_workspace(DEMO_TODAY), path, expected_digest=None)
    return path


def _bare(path: Path) -> str:
    """A planned demo credential with nothing recorded about its secret."""
    from wizard.secrets.refs import needs_secret

    ws = load(path)
    return next(c.id for c in ws.credentials if not c.secret_ref and needs_secret(ws, c.id))


def test_recording_where_the_secret_lives_clears_the_finding(inventory: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cred_id = _bare(inventory)
    before = json.loads(run_cli("check", str(inventory), "--format", "json", "--today", str(DEMO_TODAY)).out)
    assert any(
        f["subject"] == f"credential:{cred_id}" and f["rule"] == "no-secret-ref" for f in before["findings"]
    )
    result = run_cli(
        "edit",
        cred_id,
        "--file",
        str(inventory),
        "--secret-ref",
        "env:NORTHWIND_NEW_KEY",
        "--expires",
        "2027-03-31",
        "--owner",
        "alex@northwinddata.com",
        "--notes",
        "rotated in March",
    )
    assert result.code == 0, result.err
    assert len(result.out.strip().splitlines()) == 1 and cred_id in result.out
    cred = load(inventory).credential(cred_id)
    assert cred is not None
    assert (cred.secret_ref, cred.expires, cred.owner, cred.notes) == (
        "env:NORTHWIND_NEW_KEY",
        dt.date(2027, 3, 31),
        "alex@northwinddata.com",
        "rotated in March",
    )
    after = json.loads(run_cli("check", str(inventory), "--format", "json", "--today", str(DEMO_TODAY)).out)
    assert not any(
        f["subject"] == f"credential:{cred_id}" and f["rule"] == "no-secret-ref" for f in after["findings"]
    )


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--secret-ref", "NORTHWIND_KEY"], "not a secret reference"),
        (["--secret-ref", "keyvault://x/y"], "malformed"),
        (["--expires", "next year"], "YYYY-MM-DD"),
        (["--expires", "2027-02-30"], "YYYY-MM-DD"),
        (["--owner", "alex"], "e-mail"),
        (["--notes", "line one\x1b[31m"], "control"),
        ([], "nothing to change"),
    ],
)
def test_bad_values_are_one_line_exit_2_and_change_nothing(inventory: Path, run_cli, args, word) -> None:  # type: ignore[no-untyped-def]
    before = inventory.read_bytes()
    result = run_cli("edit", _bare(inventory), "--file", str(inventory), *args)
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and word in result.err and "Traceback" not in result.err
    assert inventory.read_bytes() == before


@pytest.mark.parametrize("flag", ["--secret-ref", "--owner", "--notes", "--expires"])
def test_a_secret_shaped_value_is_refused_without_echo(inventory: Path, run_cli, flag: str) -> None:  # type: ignore[no-untyped-def]
    before = inventory.read_bytes()
    result = run_cli("edit", _bare(inventory), "--file", str(inventory), flag, CANARY)
    assert result.code == 2
    assert CANARY not in result.out + result.err and inventory.read_bytes() == before
    result = run_cli("edit", CANARY, "--file", str(inventory), "--owner", "a@b.co")
    assert result.code == 2 and CANARY not in result.out + result.err


def test_a_reference_another_credential_holds_is_refused(inventory: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    ws = load(inventory)
    holder = next(
        c for c in ws.credentials if c.secret_ref and c.secret_ref.startswith("env:") and not c.identity
    )
    respelled = "env:" + holder.secret_ref.removeprefix("env:").lower()  # type: ignore[union-attr]
    result = run_cli("edit", _bare(inventory), "--file", str(inventory), "--secret-ref", respelled)
    assert result.code == 2 and holder.id in result.err


def test_unknown_id_demo_and_a_changed_file(inventory: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("edit", "no-such-cred", "--file", str(inventory), "--owner", "a@b.co").code == 2
    assert run_cli("edit", "acme-airtable", "--demo", "--owner", "a@b.co").code == 2
    assert (
        run_cli("edit", "x", "--file", str(inventory.with_name("missing.toml")), "--owner", "a@b.co").code
        == 2
    )


def test_save_keeps_the_digest_check(inventory: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Another writer between our read and our write: refused, one line, the other writer's change kept."""
    import wizard.inventory as inv

    real = inv.load_with_digest
    cred_id = _bare(inventory)

    def racing(path):  # type: ignore[no-untyped-def]
        loaded = real(path)
        other = loaded.workspace.model_copy(deep=True)
        other.consultancy.name = "Changed elsewhere"
        save(other, path, expected_digest=loaded.digest)
        return loaded

    monkeypatch.setattr(inv, "load_with_digest", racing)
    result = run_cli("edit", cred_id, "--file", str(inventory), "--owner", "a@b.co")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and "changed on disk" in result.err
    assert load_with_digest(inventory).workspace.consultancy.name == "Changed elsewhere"


@pytest.mark.parametrize("control", ["\x9b2J", "\u200e", "\u2028", "\x1b]52;c;eA==\x07", "a\nb"])
def test_notes_with_any_control_character_are_refused(control: str) -> None:
    from wizard.credential_edit import field_problem
    from wizard.demo import DEMO_TODAY, demo_workspace

    ws = demo_workspace(DEMO_TODAY)
    assert field_problem(ws, "acme-airtable-pat", "notes", f"note {control} here")
    assert not field_problem(ws, "acme-airtable-pat", "notes", "a plain note")
