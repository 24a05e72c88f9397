"""credential-unused: hit at 30+ days since the last recorded use, miss below it, without a date, or when expired."""

from __future__ import annotations

import datetime as dt

import pytest

from wizard.audit import Severity, run_audit
from wizard.audit.rule_text import rule_text
from wizard.audit.rules.usage import unused_credentials
from wizard.model import Credential, Method, Workspace, new_workspace

TODAY = dt.date(2026, 11, 23)


def ws_with(last_used: dt.date | None, expires: dt.date | None = None) -> Workspace:
    ws = new_workspace("Northwind", "northwind")
    ws.credentials.append(
        Credential(
            id="entra-svc-a-1234abcd",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            owner="ola@northwind.example",
            last_used=last_used,
            expires=expires,
        )
    )
    return ws


@pytest.mark.parametrize("idle", [30, 31, 400])
def test_hit_at_30_days_or_more(idle: int) -> None:
    findings = list(unused_credentials(ws_with(TODAY - dt.timedelta(days=idle)), TODAY))
    assert [(f.rule_id, f.severity, f.subject, f.explainer) for f in findings] == [
        ("credential-unused", Severity.WARNING, "credential:entra-svc-a-1234abcd", "unused-credentials")
    ]
    assert f"{idle} days ago" in findings[0].message and findings[0].fix


@pytest.mark.parametrize(
    ("last_used", "expires"),
    [
        (TODAY - dt.timedelta(days=29), None),  # used recently
        (None, None),  # no sign-in activity read: nothing is guessed
        (TODAY - dt.timedelta(days=90), TODAY - dt.timedelta(days=1)),  # expired: the expiry rule speaks
    ],
)
def test_miss(last_used: dt.date | None, expires: dt.date | None) -> None:
    assert list(unused_credentials(ws_with(last_used, expires), TODAY)) == []


def test_runs_in_the_audit_and_has_rule_text() -> None:
    ids = [f.rule_id for f in run_audit(ws_with(TODAY - dt.timedelta(days=45)), TODAY)]
    assert "credential-unused" in ids
    assert rule_text("credential-unused").explainer == "unused-credentials"
