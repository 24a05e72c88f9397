"""Off-boarding lists every object of the client, in a safe order, and nothing of anyone else."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.inventory import dumps, load
from wizard.model import Status
from wizard.offboarding import PHASES, mark_retired, plan_offboarding, render_markdown


def test_every_object_of_the_client_and_nothing_else(demo_ws) -> None:  # type: ignore[no-untyped-def]
    steps = plan_offboarding(demo_ws, client="acme")
    subjects = {s.subject for s in steps}
    expected = (
        {
            f"credential:{c.id}"
            for c in demo_ws.credentials
            if c.client == "acme" and c.status != Status.RETIRED
        }
        | {f"service-principal:{s.name}" for s in demo_ws.service_principals if s.client == "acme"}
        | {f"group:{g.name}" for g in demo_ws.groups if g.client == "acme"}
        | {"client:acme"}
    )
    assert subjects == expected
    assert all("globex" not in s.subject for s in steps)


def test_order_stops_automations_before_revoking_and_removing_people(demo_ws) -> None:  # type: ignore[no-untyped-def]
    steps = plan_offboarding(demo_ws, client="acme")
    phases = [s.phase for s in steps]
    assert phases == sorted(phases) and phases[0] == 0 and phases[-1] == len(PHASES) - 1
    text = render_markdown(demo_ws, steps, "client acme")
    assert text.index("Disable sign-in for svc-n8n-graph-acme") < text.index("Delete every client secret")
    assert text.index("Revoke") < text.index("Remove every member of Tenant-Acme-Analyst")
    assert "Exports stay in the client's EU storage account" in text  # the recorded export terms
    assert "airtable.com/create/tokens" in text  # where to revoke, from the catalogue


def test_contractor_offboarding_by_owner(demo_ws) -> None:  # type: ignore[no-untyped-def]
    demo_ws.credentials[0].owner = "contractor@northwind.example"
    steps = plan_offboarding(demo_ws, owner="contractor@northwind.example")
    assert f"credential:{demo_ws.credentials[0].id}" in {s.subject for s in steps}
    with pytest.raises(ValueError):
        plan_offboarding(demo_ws)


def test_mark_retired_and_the_command(demo_ws, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    retired = mark_retired(demo_ws, plan_offboarding(demo_ws, client="globex"), "globex")
    assert retired.client("globex").status == Status.RETIRED
    assert all(c.status == Status.RETIRED for c in retired.credentials if c.client == "globex")
    assert all(
        c.status != Status.RETIRED or c.id == "northwind-airtable-old-key"
        for c in retired.credentials
        if c.client != "globex"
    )
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    r = run_cli("offboard", "globex", "--file", str(path), "--mark-retired", "--yes")
    assert r.code == 0 and "Off-boarding client globex" in r.out
    assert load(path).client("globex").status == Status.RETIRED
    again = run_cli("offboard", "globex", "--file", str(path))
    assert "Disable sign-in" not in again.out  # nothing left to revoke
    assert run_cli("offboard", "initech", "--demo").code == 2
