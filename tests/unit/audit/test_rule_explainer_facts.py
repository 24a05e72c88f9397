"""The lines issue 19's rules added to their explainers stay true to their sources and name the rule ids that
`idspine check` prints (so a renamed rule cannot leave the explainer pointing at nothing)."""

from __future__ import annotations

import re

import pytest

from wizard import explainer_library as lib
from wizard.audit.rules import BASELINES


def text_of(explainer_id: str) -> str:
    e = lib.get(explainer_id)
    return re.sub(r"\s+", " ", " ".join([e.summary, *e.sections.values()]))


FACTS = [
    # (explainer, must contain, source)
    (
        "b2b-and-multi-tenant",
        "until **Assignment required?** is Yes (`appRoleAssignmentRequired`)",
        "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/assign-user-or-group-access-portal",
    ),
    (
        "b2b-and-multi-tenant",
        "Group assignment needs Entra ID P1 or P2 and skips nested groups",
        "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/assign-user-or-group-access-portal",
    ),
    ("b2b-and-multi-tenant", "like Maester MT.1075", "https://maester.dev/docs/tests/MT.1075"),
    (
        "google-oauth-verification",
        "the **refresh token** — **expires after 7 days**",
        "https://developers.google.com/identity/protocols/oauth2",
    ),
    (
        "app-management-policies",
        "`PATCH /policies/defaultAppManagementPolicy`",
        "https://learn.microsoft.com/en-us/graph/api/tenantappmanagementpolicy-update",
    ),
    (
        "app-management-policies",
        "Microsoft Entra Workload ID Premium",
        "https://learn.microsoft.com/en-us/graph/api/resources/applicationauthenticationmethodpolicy",
    ),
]


@pytest.mark.parametrize(("explainer", "phrase", "source"), FACTS)
def test_fact(explainer: str, phrase: str, source: str) -> None:
    assert re.sub(r"\s+", " ", phrase) in text_of(explainer), source


@pytest.mark.parametrize(
    ("explainer", "rule"),
    [
        ("b2b-and-multi-tenant", "multi-tenant-no-assignment"),
        ("google-oauth-verification", "google-oauth-testing"),
    ],
)
def test_explainer_names_the_rule(explainer: str, rule: str) -> None:
    assert f"`{rule}`" in text_of(explainer)


def test_new_source_is_listed_in_the_front_matter() -> None:
    e = lib.get("b2b-and-multi-tenant")
    url = (
        "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/assign-user-or-group-access-portal"
    )
    assert url in e.sources
    assert "MT.1075" in BASELINES["multi-tenant-no-assignment"]
