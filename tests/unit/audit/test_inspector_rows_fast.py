"""The inspector rows' fast paths give what the plain ones give (issue 18): the one-pass health and findings,
a credential's tenant worked out once per (placement, identity, client), the one-word filter, and a longer
query narrowing the last matches instead of filtering every row again."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import placement
from wizard.audit import SEVERITY_ORDER, by_subject, run_audit
from wizard.audit.rows import COLUMNS, Row, _where, build_rows, filter_rows, narrows, refilter
from wizard.demo import DEMO_TODAY, scaled_workspace
from wizard.model import Placement, Workspace


def _slow_filter(rows: list[Row], query: str) -> list[Row]:
    """The filter as it was before the fast paths: every term against every row."""
    terms = query.lower().split()
    if not terms:
        return rows
    fielded = []
    words = []
    for t in terms:
        key, sep, value = t.partition(":")
        if sep and key in COLUMNS and value:
            fielded.append((key, value))
        else:
            words.append(t)
    return [
        r
        for r in rows
        if all(w in r.haystack for w in words) and all(v in getattr(r, k).lower() for k, v in fielded)
    ]


def _mixed(ws: Workspace) -> Workspace:
    """The demo with credentials placed every way: recorded home or client, through an identity, by client."""
    sps = ws.service_principals
    for i, c in enumerate(ws.credentials):
        c.tenant = (None, Placement.HOME, Placement.CLIENT)[i % 3] if i % 4 else None
        if sps and i % 5 == 1:
            c.identity = sps[i % len(sps)].name
    clients = [c for c in ws.clients if c.tenant]
    if clients:
        clients[0].app_placement = Placement.MULTI_TENANT
    return ws


ROWS, _ = build_rows(scaled_workspace(300, DEMO_TODAY), DEMO_TODAY)


def test_rows_match_the_audit_and_placement_read_directly(demo_ws: Workspace, today: dt.date) -> None:
    ws = _mixed(demo_ws)
    audited = run_audit(ws, today)
    rows, findings = build_rows(ws, today, audited)
    grouped = by_subject(audited)
    assert findings == grouped and list(findings) == list(grouped)
    by_key = {r.subject: r for r in rows}
    assert len(by_key) == len(rows) == len(ws.groups) + len(ws.service_principals) + len(ws.credentials)
    for subject, row in by_key.items():
        found = grouped.get(subject)
        worst = min(found, key=lambda f: SEVERITY_ORDER[f.severity]).severity.value if found else "ok"
        assert row.health == worst
    places = set()
    for c in ws.credentials:
        row = by_key[f"credential:{c.id}"]
        assert (row.tenant, row.tenant_label) == _where(placement.credential_tenant(ws, c))
        places.add(row.tenant)
    assert len(places) > 1  # the mix above reaches more than one tenant, so a wrong cache key would show


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_the_filter_gives_what_the_plain_filter_gives(data: st.DataObject) -> None:
    assert filter_rows(ROWS, q := data.draw(QUERIES)) == _slow_filter(ROWS, q)


# Pieces of real values, field names and separators, so queries match something often.
PIECES = ["client", "client-00", "7", "0", "-", ":", " ", "cred", "ok", "error", "warning", "home", "n8n"]
PIECES += [f"{c}:" for c in COLUMNS] + ["kind:", "zz:", "pat", "secret", "graph", "group", "Client", "ERR"]
QUERIES = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_narrowing_the_last_matches_gives_a_fresh_filter(data: st.DataObject) -> None:
    old = data.draw(QUERIES)
    typed_on = data.draw(st.booleans())
    new = old + data.draw(QUERIES) if typed_on else data.draw(QUERIES)
    assert refilter(ROWS, filter_rows(ROWS, old), old, new) == filter_rows(ROWS, new)


def test_typing_on_narrows_and_other_edits_filter_again() -> None:
    assert narrows("client", "client-0003") and narrows("client:00", "client:007 ok")
    assert narrows("", "anything") and narrows("a b", "b a")
    assert not narrows("client:", "client:a")  # a word "client:" became a field term: not a narrowing
    assert not narrows("client-0003", "client-000")  # deleting widens
    assert not narrows("owner:al", "client:al")
    narrowed = filter_rows(ROWS, "client-0003")
    assert narrowed and refilter(ROWS, narrowed, "client-0003", "client-0003 ok") == filter_rows(
        ROWS, "client-0003 ok"
    )
