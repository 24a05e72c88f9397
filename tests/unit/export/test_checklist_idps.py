"""The checklist follows the consultancy's IdP: its words and console paths, and no Entra objects elsewhere.

Entra ID (the demo's IdP) must stay byte for byte what it was before the IdP profiles existed: the golden files
in golden/ were rendered from the commit before this change (f618f5c). If the demo workspace itself changes,
regenerate them from the Entra rendering and check the diff touches only the demo's data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.export import checklist
from wizard.idps import PROFILES
from wizard.model import IdP, Workspace
from wizard.safe_text import markdown_text as md

GOLDEN = Path(__file__).parent / "golden"
OTHERS = [IdP(k) for k in PROFILES if k != IdP.ENTRA.value]

# Terms that name Entra identity objects, consoles or APIs. "Microsoft Graph" is also the name of a service the
# demo's automations reach (a permission such as Mail.Send is granted in Microsoft 365 whatever the IdP), so it
# is checked only on lines about identity objects: every line but the "Access it needs in that service" grants.
EVERYWHERE = ("app registration", "entra", "azuread", "graph.microsoft.com", "enterprise application")
SERVICE_LINE = re.compile(r"^\s*- \[[ x]\] Access it needs in that service: ")


def switched(ws: Workspace, idp: IdP, address: str = "https://yourco.example.com") -> Workspace:
    ws.consultancy.idp = idp
    ws.consultancy.idp_address = address
    return ws


def identity_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not SERVICE_LINE.match(line)]


def test_entra_checklist_is_unchanged(demo_ws, today) -> None:  # type: ignore[no-untyped-def]
    assert demo_ws.consultancy.idp == IdP.ENTRA
    assert checklist.render(demo_ws, today=today) == (GOLDEN / "entra-checklist.md").read_text()


@pytest.mark.parametrize("idp", OTHERS, ids=str)
def test_checklist_speaks_the_idps_words(demo_ws, today, idp: IdP) -> None:  # type: ignore[no-untyped-def]
    prof = PROFILES[idp.value]
    text = checklist.render(switched(demo_ws, idp), today=today)
    assert f"Create {md(prof.groups.term)} `Org-Data-Engineer`" in text
    assert md(prof.groups.console_create) in text
    assert f"Create {md(prof.workload.short)} `svc-n8n-graph-acme`" in text
    assert md(prof.workload.console_create) in text
    assert md(prof.groups.container) in text and "yourco.example.com" in text
    lowered = text.lower()
    for term in EVERYWHERE:
        assert term not in lowered, (idp, term)
    for line in identity_lines(text):
        assert "Microsoft Graph" not in line, (idp, line)
    assert "### Service principals" not in text and "security group" not in lowered


def test_service_grants_still_name_the_service(demo_ws, today) -> None:  # type: ignore[no-untyped-def]
    """The scoping above is not a blind spot: the grant lines exist, and only they name Microsoft Graph."""
    text = checklist.render(switched(demo_ws, IdP.OKTA), today=today)
    grants = [line for line in text.splitlines() if SERVICE_LINE.match(line)]
    assert grants and all("Microsoft Graph" in g for g in grants)


def test_a_missing_address_is_said_not_hidden(demo_ws, today) -> None:  # type: ignore[no-untyped-def]
    text = checklist.render(switched(demo_ws, IdP.KEYCLOAK, address=""), today=today)
    assert "the Keycloak realm (address not recorded" in text


def test_a_hostile_address_is_escaped(demo_ws, today) -> None:  # type: ignore[no-untyped-def]
    text = checklist.render(switched(demo_ws, IdP.OKTA, address="[x](https://evil.example) <b>"), today=today)
    assert "[x](https://evil.example)" not in text and "<b>" not in text


def test_csv_names_your_own_idp_by_its_address(demo_ws, today) -> None:  # type: ignore[no-untyped-def]
    from wizard.export import csv_table

    entra_rows = csv_table.rows(demo_ws, today=today)
    assert any(r[-2] == "northwinddata.onmicrosoft.com" for r in entra_rows)
    rows = csv_table.rows(switched(demo_ws, IdP.OKTA, "https://northwind.okta.com"), today=today)
    portal = next(r for r in rows if r[1] == "svc-api-portal-acme")
    assert portal[-2:] == ["https://northwind.okta.com", "https://northwind.okta.com"]
    assert all("northwinddata.onmicrosoft.com" not in r[-2:] for r in rows)
