"""The unused-credentials explainer stays true to its sources (checked against each URL named here)."""

from __future__ import annotations

import re

import pytest

from wizard import explainer_library as lib


def text_of(explainer_id: str) -> str:
    e = lib.get(explainer_id)
    return re.sub(r"\s+", " ", " ".join([e.summary, *e.sections.values()]))


CRED_LIST = "https://learn.microsoft.com/en-us/graph/api/reportroot-list-appcredentialsigninactivities?view=graph-rest-beta"
CRED_RESOURCE = (
    "https://learn.microsoft.com/en-us/graph/api/resources/appcredentialsigninactivity?view=graph-rest-beta"
)
LIST_API = "https://learn.microsoft.com/en-us/graph/api/reportroot-list-serviceprincipalsigninactivities?view=graph-rest-beta"
RESOURCE = "https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipalsigninactivity?view=graph-rest-beta"
LICENCE = "https://github.com/MicrosoftDocs/entra-docs/blob/main/docs/includes/licensing-monitoring-health.md"
ERROR = "https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-configure-prerequisites-for-reporting-api"
STALE_APPS = (
    "https://learn.microsoft.com/en-us/entra/identity/monitoring-health/recommendation-remove-unused-apps"
)

FACTS = [
    # (must contain, must not contain, source)
    (
        "GET /beta/reports/servicePrincipalSignInActivities",
        "/v1.0/reports/servicePrincipalSignInActivities",
        LIST_API,
    ),
    ("**AuditLog.Read.All**", None, LIST_API),
    ("are **beta** APIs", None, LIST_API),
    ("exist only in the global cloud", None, CRED_LIST),
    ("GET /beta/reports/appCredentialSignInActivities", "/v1.0/reports/appCredential", CRED_LIST),
    ("by `keyId`", None, CRED_RESOURCE),
    ("`credentialOrigin`: the application or the service principal", None, CRED_RESOURCE),
    ("`signInActivity` holding `lastSignInDateTime`", None, CRED_RESOURCE),
    ("only when the per-credential report is refused", "The activity is per app, not per secret", CRED_LIST),
    ("per `appId`", None, RESOURCE),
    (
        "as a client with its own credential (app-only), as a resource, and with a user (delegated)",
        None,
        RESOURCE,
    ),
    ("**Microsoft Entra ID P1 or P2** licence", "P2 licence only", LICENCE),
    ("tenant doesn't have premium license", None, ERROR),
    ("waits 90 days", "waits 30 days", STALE_APPS),
    ("30 or more days old", None, "issue 19: a credential unused for 30+ days"),
]


@pytest.mark.parametrize(("phrase", "wrong", "source"), FACTS)
def test_fact(phrase: str, wrong: str | None, source: str) -> None:
    text = text_of("unused-credentials")
    assert phrase in text, source
    if wrong:
        assert wrong not in text, source


def test_names_the_rule_and_lists_its_sources() -> None:
    e = lib.get("unused-credentials")
    assert "`credential-unused`" in text_of("unused-credentials")
    for url in (CRED_LIST, CRED_RESOURCE, LIST_API, RESOURCE, LICENCE, ERROR, STALE_APPS):
        assert url in e.sources
