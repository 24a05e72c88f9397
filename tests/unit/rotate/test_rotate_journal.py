"""The rotation journal: one per inventory (real path) and principal, private, atomic, and refused when damaged."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from rotate_rig import SP, Rig

from wizard.providers.entra.rotate_journal import (
    JournalError,
    N8nSwitch,
    journal_path,
    load_journal,
    new_journal,
    save_journal,
)

NOW = dt.datetime(2026, 11, 27, 22, 0, tzinfo=dt.UTC)


def test_the_journal_is_keyed_by_the_real_path_and_the_principal(tmp_path: Path) -> None:
    inv = tmp_path / "a" / "idspine.toml"
    inv.parent.mkdir()
    inv.write_text("")
    link = tmp_path / "link"
    link.symlink_to(inv.parent)
    folder = tmp_path / "j"
    assert journal_path(inv, SP, folder) == journal_path(link / "idspine.toml", SP, folder)
    assert journal_path(inv, SP, folder) == journal_path(
        tmp_path / "a" / ".." / "a" / "idspine.toml", SP, folder
    )
    assert journal_path(inv, SP, folder) != journal_path(inv, "svc-other", folder)
    assert journal_path(inv, SP, folder) != journal_path(tmp_path / "idspine.toml", SP, folder)


def test_default_folder_is_the_user_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert journal_path(tmp_path / "idspine.toml", SP).parent == tmp_path / "state" / "idspine" / "rotations"


def test_saved_private_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "j" / "x.json"
    journal = new_journal(tmp_path / "idspine.toml", SP, "0f0e0d0c-1111-4222-8333-444455556666", NOW)
    journal.n8n = {"cred": N8nSwitch(old_ids=["a1"], new_id="b2", repointed=["w1"])}
    journal.new_key, journal.stored_ref = "k", "env:X"
    save_journal(path, journal)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = load_journal(path)
    assert again == journal and again.step == "verify"
    assert load_journal(tmp_path / "none.json") is None


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_text("{not json"), "damaged"),
        (lambda p: p.write_text('{"version": 99}'), "damaged"),
        (lambda p: p.chmod(0o644), "readable by others"),
    ],
)
def test_a_damaged_or_shared_journal_stops_the_rotation_before_anything_changes(
    rig: Rig, damage, message
) -> None:  # type: ignore[no-untyped-def]
    from wizard.providers.entra.rotate_journal import Journal

    path = journal_path(rig.path, SP, rig.journal_dir)
    save_journal(path, Journal(str(rig.path), SP, rig.app_oid, "2026-11-27T22:00:00Z"))
    damage(path)
    with pytest.raises(JournalError, match=message):
        rig.rotator().run(SP)
    assert not rig.directory.writes()


def test_steps_follow_the_journal() -> None:
    from wizard.providers.entra.rotate_journal import Journal

    j = Journal("i", SP, "o", "t", old_keys=["old"])
    assert j.step == "add"
    j.new_key = "new"
    assert j.step == "store"
    j.stored_ref = "env:X"
    assert j.step == "verify"
    j.verified = True
    j.n8n = {"c": N8nSwitch(old_ids=["a"], new_id="b")}
    assert j.step == "n8n"
    j.n8n["c"].deleted = ["a"]
    assert j.step == "remove-old"
    j.removed = ["old"]
    assert j.step == "record"
