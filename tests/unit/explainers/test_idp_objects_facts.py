"""Reviewer checks for the idp-objects explainer: its vendor facts stay true and agree with the IdP profiles.

Each phrase was checked against the source named beside it (also listed in the explainer's Sources). Where a
plausible wrong value exists, it is named as a phrase the explainer must not contain.
"""

from __future__ import annotations

import re

import pytest

from wizard import explainer_library as lib
from wizard.idps import PROFILES


def text_of(explainer_id: str) -> str:
    e = lib.get(explainer_id)
    return re.sub(r"\s+", " ", " ".join([e.summary, *e.sections.values()]))


FACTS = [
    # (must contain, must not contain, source)
    ("takes at most 64 characters", None, "https://learn.microsoft.com/en-us/graph/api/resources/group"),
    (
        'no spaces or @ ( ) [ ] " ; : < > ,',
        None,
        "https://learn.microsoft.com/en-us/graph/api/directoryobject-validateproperties",
    ),
    (
        "named with up to 255 characters",
        None,
        "https://help.okta.com/wf/en-us/content/topics/Workflows/connector-reference/okta/actions/creategroup.htm",
    ),
    (
        "private_key_jwt",
        None,
        "https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/",
    ),
    (
        "at most 50 characters and no < or >",
        "255 characters and no <",
        "https://auth0.com/docs/api/management/v2/roles/post-roles",
    ),
    (
        "at most 63 characters before the @",
        "64 characters before the @",
        "https://support.google.com/cloudidentity/answer/6259766",
    ),
    (
        "Prefer workload identity federation",
        None,
        "https://cloud.google.com/iam/docs/workload-identity-federation",
    ),
    (
        '"/" separates subgroups',
        None,
        "https://www.keycloak.org/docs/latest/upgrading/index.html#escaping-slashes-in-group-paths",
    ),
    (
        "with service accounts turned on",
        None,
        "https://www.keycloak.org/docs/latest/server_admin/#_service_accounts",
    ),
    (
        "authentik sets no length limit",
        None,
        "https://github.com/goauthentik/authentik/blob/main/authentik/core/models.py",
    ),
]


@pytest.mark.parametrize(("must", "must_not", "source"), FACTS, ids=[f[0][:30] for f in FACTS])
def test_fact(must: str, must_not: str | None, source: str) -> None:
    text = text_of("idp-objects")
    assert must in text, source
    if must_not:
        assert must_not not in text, source


@pytest.mark.parametrize("key", sorted(PROFILES))
def test_the_explainer_states_each_profiles_group_limit(key: str) -> None:
    """The explainer and the profiles (which the naming checks read) must not drift apart."""
    prof = PROFILES[key]
    section = text_of("idp-objects").split(f"### {prof.name}", 1)
    assert len(section) == 2, prof.name
    assert str(prof.groups.max_length) in section[1].split("###", 1)[0], prof.name


def test_the_naming_step_links_it_for_other_idps() -> None:
    from flows.first_setup import STEPS
    from wizard.model import IdP, new_workspace

    ws = new_workspace("Fjord", "fjord")
    ws.consultancy.idp = IdP.OKTA
    convention = next(d for d in STEPS if d.id == "convention")
    assert "idp-objects" in convention.build(ws).explainers
