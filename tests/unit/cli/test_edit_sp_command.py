"""`idspine edit-sp NAME` (issue 17 follow-up): a service principal's owner, client id (IdPs other than Entra),
sign-in audience, assignment and notes, checked by wizard.sp_edit (the inspector's form uses the same), saved
with the lock and digest check; a bad value is one line, exit 2, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import load, load_with_digest, save
from wizard.vocabulary import IdP

SP = "svc-github-deploy-acme"
CANARY = "ghp_" + "Zq8" * 12


def _save(tmp_path: Path, idp: IdP | None = None) -> Path:
    ws = demo_workspace(DEMO_TODAY)
    if idp is not None:
        ws.consultancy.idp = idp
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


def test_every_field_is_recorded_and_cleared(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = _save(tmp_path, IdP.OKTA)
    result = run_cli(
        "edit-sp", SP, "--file", str(path), "--owner", "alex@northwinddata.com", "--client-id",
        "0oa1b2c3d4e5f6g7h8i9", "--sign-in-audience", "multi-tenant", "--assignment-required", "yes",
        "--notes", "deploys the portal",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert len(result.out.strip().splitlines()) == 1 and SP in result.out
    sp = load(path).service_principal(SP)
    assert sp is not None
    assert (sp.owner, sp.client_id, sp.sign_in_audience, sp.assignment_required, sp.notes) == (
        "alex@northwinddata.com",
        "0oa1b2c3d4e5f6g7h8i9",
        "multi-tenant",
        True,
        "deploys the portal",
    )
    result = run_cli(
        "edit-sp", SP, "--file", str(path), "--client-id", "", "--sign-in-audience", "",
        "--assignment-required", "no",
    )  # fmt: skip
    assert result.code == 0, result.err
    sp = load(path).service_principal(SP)
    assert sp is not None and (sp.client_id, sp.sign_in_audience, sp.assignment_required) == ("", None, False)


def test_a_client_id_the_inventory_would_refuse_is_refused_before_the_save(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The save scans the whole file for secret-shaped strings; the edit check judges the same way, so the
    refusal is the edit's one line about the field, not the save's."""
    path = _save(tmp_path, IdP.AUTH0)
    before = path.read_bytes()
    result = run_cli("edit-sp", SP, "--file", str(path), "--client-id", "Xk3JmP9qRt2VwY7zA1bC4dE6fG8hJ0kL")
    assert result.code == 2 and "--client-id" in result.err and path.read_bytes() == before


@pytest.mark.parametrize(
    ("idp", "args", "word"),
    [
        (IdP.OKTA, ["--owner", "alex"], "e-mail"),
        (IdP.OKTA, ["--sign-in-audience", "everyone"], "single-tenant or multi-tenant"),
        (IdP.OKTA, ["--assignment-required", "maybe"], "yes or no"),
        (IdP.OKTA, ["--client-id", "has space"], "letters, digits"),
        (IdP.OKTA, ["--notes", "one\x1b[31m"], "control"),
        (None, ["--client-id", "0oa1b2c3d4e5f6g7h8i9"], "Entra"),  # Entra: apply/discover record the app id
        (IdP.OKTA, [], "nothing to change"),
    ],
)
def test_bad_values_are_one_line_exit_2_and_change_nothing(tmp_path: Path, run_cli, idp, args, word) -> None:  # type: ignore[no-untyped-def]
    path = _save(tmp_path, idp)
    before = path.read_bytes()
    result = run_cli("edit-sp", SP, "--file", str(path), *args)
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and word in result.err, result.err
    assert "Traceback" not in result.err and path.read_bytes() == before


@pytest.mark.parametrize("flag", ["--owner", "--notes", "--client-id"])
def test_a_secret_is_refused_without_echo(tmp_path: Path, run_cli, flag: str) -> None:  # type: ignore[no-untyped-def]
    path = _save(tmp_path, IdP.OKTA)
    before = path.read_bytes()
    result = run_cli("edit-sp", SP, "--file", str(path), flag, CANARY)
    assert result.code == 2 and CANARY not in result.out + result.err and path.read_bytes() == before
    result = run_cli("edit-sp", CANARY, "--file", str(path), "--owner", "a@b.co")
    assert result.code == 2 and CANARY not in result.out + result.err


def test_unknown_name_demo_and_a_changed_file(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = _save(tmp_path)
    assert run_cli("edit-sp", "svc-nobody", "--file", str(path), "--owner", "a@b.co").code == 2
    assert run_cli("edit-sp", SP, "--demo", "--owner", "a@b.co").code == 2
    import wizard.inventory as inv

    real = inv.load_with_digest

    def racing(p):  # type: ignore[no-untyped-def]
        loaded = real(p)
        other = loaded.workspace.model_copy(deep=True)
        other.consultancy.name = "Changed elsewhere"
        save(other, p, expected_digest=loaded.digest)
        return loaded

    monkeypatch.setattr(inv, "load_with_digest", racing)
    result = run_cli("edit-sp", SP, "--file", str(path), "--owner", "a@b.co")
    assert result.code == 2 and "changed on disk" in result.err
    assert load_with_digest(path).workspace.consultancy.name == "Changed elsewhere"
