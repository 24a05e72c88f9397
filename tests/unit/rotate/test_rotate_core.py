"""The rotate operation against the Graph and n8n stand-ins: dual-phase order, misbehaving Graph, refusals."""

from __future__ import annotations

import stat

import pytest
from graph_standin import Fault
from rotate_rig import CRED, SP, Rig, journal_of
from rotate_standins import N8nFault

from wizard.inventory import load
from wizard.providers.entra.rotate import RotateFailed, Rotator
from wizard.providers.entra.rotate_journal import journal_path
from wizard.providers.entra.rotate_plan import RotateRefused, render_plan


def test_rotation_completes_in_dual_phase_order(rig: Rig) -> None:
    order: list[str] = []
    rotator = rig.rotator(checkpoint=order.append)
    result = rotator.run(SP)
    rig.assert_completed()
    assert result.removed == [rig.old_key] and result.kept == [rig.foreign_key]
    # proven before n8n switched, n8n switched before the old secret went, recorded last
    assert order.index("verify:proven") < order.index("n8n:created") < order.index("remove-old:removed")
    assert order[-1] == "record:saved"
    writes = [c for c in rig.directory.writes() if "Password" in c[1]]
    assert [c[1].rsplit("/", 1)[-1] for c in writes] == ["addPassword", "removePassword"]
    assert rig.env_file.stat().st_mode & 0o777 == 0o600


def test_a_credential_id_names_its_service_principal(rig: Rig) -> None:
    rig.rotator().run(CRED)
    rig.assert_completed()


def test_the_journal_is_private_and_holds_ids_only(rig: Rig) -> None:
    seen: dict[str, str] = {}

    def peek(point: str) -> None:
        (path,) = rig.journals()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        seen[point] = path.read_text()

    rig.rotator(checkpoint=peek).run(SP)
    assert "n8n:created" in seen and "verify:proven" in seen
    for text in seen.values():
        for value in rig.issued:
            assert value not in text
    assert journal_path(rig.path, SP, rig.journal_dir).parent == rig.journal_dir


def test_a_429_on_add_password_is_waited_out(rig: Rig) -> None:
    rig.directory.strict_retry_after = True
    rig.directory.faults.append(Fault("429", times=2, method="POST", path_re="addPassword$", retry_after=40))
    rig.rotator().run(SP)
    rig.assert_completed()


def test_a_lost_add_password_answer_leaves_no_second_secret(rig: Rig) -> None:
    rig.directory.slow_seconds = 1.0
    rig.directory.faults.append(Fault("lost", method="POST", path_re="addPassword$"))
    rig.rotator().run(SP)
    rig.assert_completed()
    assert sum(1 for c in rig.directory.calls if c[1].endswith("addPassword")) == 2
    assert sum(1 for c in rig.directory.calls if c[1].endswith("removePassword")) == 2  # orphan + old


def test_replication_delay_the_proof_waits_for_the_new_secret(rig: Rig) -> None:
    rig.directory.replication_delay = 20
    rig.rotator().run(SP)
    rig.assert_completed()


def test_a_secret_that_never_works_removes_nothing(rig: Rig) -> None:
    rotator = rig.rotator(prove=lambda secret: (False, "AADSTS7000215: Invalid client secret provided."))
    with pytest.raises(RotateFailed, match="gets no token.*old secret still works"):
        rotator.run(SP)
    keys = {p["keyId"] for p in rig.passwords()}
    assert rig.old_key in keys and len(keys) == 3
    assert rig.n8n.credential_ids_used(rig.workflows[0]) == {rig.old_n8n}
    assert load(rig.path).credential(CRED).key_id == rig.old_key  # type: ignore[union-attr]
    assert journal_of(rig)["verified"] is False
    rig.rotator().run(SP)  # the rerun proves the stored secret and finishes
    rig.assert_completed()
    assert sum(1 for c in rig.directory.calls if c[1].endswith("addPassword")) == 1


def test_a_lost_stored_value_starts_a_fresh_secret_and_removes_the_orphan(rig: Rig) -> None:
    def lose(point: str) -> None:
        if point == "verify:proven":  # stored and recorded as stored; the store then loses it
            rig.env_file.unlink()
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rig.rotator(checkpoint=lose).run(SP)
    orphan = journal_of(rig)["new_key"]
    assert orphan
    rig.rotator().run(SP)
    rig.assert_completed()
    assert orphan not in {p["keyId"] for p in rig.passwords()}
    assert any("cannot be read" in line and "fresh secret" in line for line in rig.said)


def test_a_lost_n8n_create_answer_is_found_by_the_audit_and_deleted(rig: Rig) -> None:
    rig.n8n.faults.append(N8nFault("lost", "POST", r"/credentials$"))
    with pytest.raises(Exception, match="n8n"):
        rig.rotator().run(SP)
    assert len(rig.n8n.credentials) == 3  # old, other, and the one whose answer was lost
    rig.rotator().run(SP)
    rig.assert_completed()


def test_an_n8n_500_while_repointing_resumes_without_losing_a_workflow(rig: Rig) -> None:
    rig.n8n.faults.append(N8nFault("500", "PUT", r"/workflows/", times=4))
    with pytest.raises(Exception, match="n8n"):
        rig.rotator().run(SP)
    assert rig.old_n8n in rig.n8n.credentials  # not deleted while a workflow still used it
    assert {p["keyId"] for p in rig.passwords()} >= {rig.old_key}
    rig.rotator().run(SP)
    rig.assert_completed()


def test_refusals_change_nothing(rig: Rig) -> None:
    with pytest.raises(RotateRefused, match="no service principal or credential named"):
        rig.rotator().run("nobody")
    with pytest.raises(RotateRefused, match="n8n credential"):
        rig.rotator(n8n=None).run(SP)
    ws = load(rig.path)
    ws.service_principals[0].application_object_id = None
    with pytest.raises(RotateRefused, match="no app registration object id"):
        rig.rotator(ws=ws).run(SP)
    assert not rig.directory.writes() and not rig.journals()


def test_a_second_rotation_of_the_same_principal_is_refused_while_one_runs(rig: Rig) -> None:
    from wizard.providers.entra.rotate_journal import JournalError

    def again(point: str) -> None:
        if point == "add:answered":
            with pytest.raises(JournalError, match="another `idspine rotate`"):
                rig.rotator().run(SP)

    rig.rotator(checkpoint=again).run(SP)
    rig.assert_completed()


def test_the_plan_reads_only_and_names_the_steps(rig: Rig) -> None:
    rotator: Rotator = rig.rotator()
    lines = render_plan(load(rig.path), SP, graph=rotator.graph, n8n=rotator.n8n, store_where="env file")
    text = "\n".join(lines)
    assert rig.old_key in text and rig.foreign_key in text and "Sync 2" in text
    assert "dual-phase-rotation" in text and "only after the new one" in text
    assert not rig.directory.writes() and not [c for c in rig.n8n.calls if c[0] != "GET"]


def test_hostile_workflow_names_are_recorded_as_one_line_and_secret_shapes_never(rig: Rig) -> None:
    pat = "ghp_" + "Zq8" * 12
    rig.n8n.workflows[rig.workflows[0]]["name"] = "Sync\n\x1b[31m0"
    rig.n8n.workflows[rig.workflows[1]]["name"] = pat
    rig.rotator().run(SP)
    cred = load(rig.path).credential(CRED)
    assert cred is not None
    assert all("\n" not in u and "\x1b" not in u for u in cred.used_by)
    assert any(u.startswith("n8n:Sync") and u != "n8n:Sync 0" for u in cred.used_by)
    assert pat not in rig.path.read_text() and "n8n:Sync 2" in cred.used_by
    assert all(rig.n8n.credential_ids_used(w) == {cred.n8n_id} for w in rig.workflows)


def test_resuming_without_n8n_stops_with_a_line_and_keeps_the_old_secret(rig: Rig) -> None:
    def stop(point: str) -> None:
        if point == "verify:proven":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rig.rotator(checkpoint=stop).run(SP)
    with pytest.raises(RotateFailed, match="no n8n connection"):
        rig.rotator(n8n=None).run(SP)
    assert rig.old_key in {p["keyId"] for p in rig.passwords()}
    rig.rotator().run(SP)
    rig.assert_completed()


def test_a_lost_remove_password_answer_is_confirmed_by_a_read(rig: Rig) -> None:
    rig.directory.slow_seconds = 1.0
    rig.directory.faults.append(Fault("lost", method="POST", path_re="removePassword$"))
    rig.rotator().run(SP)
    rig.assert_completed()
    assert sum(1 for c in rig.directory.calls if c[1].endswith("removePassword")) == 2
