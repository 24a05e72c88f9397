"""Off-boarding follows the consultancy's IdP: where to disable, revoke and delete in its own admin console.

Entra ID output is compared with golden files rendered before the IdP profiles existed (see
tests/unit/export/test_checklist_idps.py for how they were made).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard import offboarding
from wizard.idps import PROFILES
from wizard.model import IdP
from wizard.safe_text import markdown_text as md

GOLDEN = Path(__file__).parents[1] / "export" / "golden"
OTHERS = [IdP(k) for k in PROFILES if k != IdP.ENTRA.value]
# Entra identity objects, consoles and APIs; the demo's off-boarding has no service-grant lines, so the whole
# text is checked ("Microsoft Graph" would only be legitimate as the name of the service a credential reaches,
# and here credentials are named by their service id, microsoft-graph).
ENTRA_TERMS = (
    "app registration",
    "Microsoft Graph",
    "Entra",
    "azuread",
    "graph.microsoft.com",
    "Enterprise applications",
    "B2B",
    "GDAP",
)


@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_entra_offboarding_is_unchanged(demo_ws, slug: str) -> None:  # type: ignore[no-untyped-def]
    expected = (GOLDEN / f"entra-offboarding-{slug}.md").read_text()
    assert offboarding.render(demo_ws, slug) == expected


@pytest.mark.parametrize("idp", OTHERS, ids=str)
@pytest.mark.parametrize("slug", ["acme", "globex"])
def test_offboarding_speaks_the_idps_words(demo_ws, idp: IdP, slug: str) -> None:  # type: ignore[no-untyped-def]
    demo_ws.consultancy.idp = idp
    demo_ws.consultancy.idp_address = "https://yourco.example.com"
    prof = PROFILES[idp.value].workload
    text = offboarding.render(demo_ws, slug)
    for term in ENTRA_TERMS:
        assert term not in text, (idp, slug, term)
    assert md(prof.console_disable) in text
    assert md(prof.console_delete) in text
    assert md(PROFILES[idp.value].groups.console) in text
    steps = offboarding.plan_offboarding(demo_ws, client=slug)
    sps = [s for s in steps if s.subject.startswith("service-principal:")]
    assert sps and all(prof.short in s.action or "secret" in s.action or "trust" in s.action for s in sps)
    # the order still holds: every identity is stopped before anything is revoked
    assert [s.phase for s in steps] == sorted(s.phase for s in steps)
    assert any(s.phase == 0 and prof.console_disable in s.where for s in sps)


def test_revoking_secrets_points_at_the_idps_credentials_page(demo_ws) -> None:  # type: ignore[no-untyped-def]
    demo_ws.consultancy.idp = IdP.KEYCLOAK
    steps = offboarding.plan_offboarding(demo_ws, client="acme")
    revoke = [s for s in steps if s.subject == "service-principal:svc-n8n-graph-acme" and s.phase == 1]
    assert any("Clients > the client > Credentials" in s.where for s in revoke)
    assert any(s.action == "Delete the service-account client svc-n8n-graph-acme" for s in revoke)
