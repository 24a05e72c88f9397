"""The inspector's detail pane names where a secret lives, its Entra key id, last use, n8n id and users, and
where and when `discover` found the entry (wizard.audit.rows.detail_facts)."""

from __future__ import annotations

import datetime as dt

from wizard.audit.rows import detail_facts
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.model import Credential, Discovered, Method, Verification

KEY = "0f8fad5b-d9cb-469f-a165-70867728950e"


def test_an_adopted_entra_secret_shows_its_key_id_last_use_and_discovery() -> None:
    ws = demo_workspace(DEMO_TODAY)
    found_at = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    ws.credentials.append(
        Credential(
            id="graph-reader-secret",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            key_id=KEY,
            last_used=dt.date(2026, 10, 1),
            used_by=["n8n:Invoice sync"],
            discovered=Discovered(source="entra:contoso.onmicrosoft.com", at=found_at, key=f"secret:{KEY}"),
        )
    )
    facts = dict(detail_facts(ws, "credential:graph-reader-secret"))
    assert facts["key id"] == KEY
    assert facts["last used"] == "2026-10-01"
    assert facts["used by"] == "n8n:Invoice sync"
    assert facts["discovered"] == "entra:contoso.onmicrosoft.com, 2026-11-20 09:30 UTC"
    assert "secret" not in facts  # nothing records where its value lives: no empty line for it


def test_a_service_principal_shows_its_secret_reference_app_id_and_last_verification() -> None:
    ws = demo_workspace(DEMO_TODAY)
    sp = next(s for s in ws.service_principals if s.secret_ref and s.app_id)
    sp.verification = Verification(at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), ok=False, detail="no roles")
    facts = dict(detail_facts(ws, f"service-principal:{sp.name}"))
    assert facts["secret"] == sp.secret_ref and facts["app id"] == sp.app_id
    assert facts["verified"] == "failed 2026-11-01"
    assert detail_facts(ws, "credential:no-such-thing") == []
    assert detail_facts(ws, "group:no-such-group") == []
