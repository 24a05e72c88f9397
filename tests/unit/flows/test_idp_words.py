"""The chosen IdP carries into the wizard: its address is asked (not for Entra), its limits check the names.

Group-name limits and their sources (the profiles in wizard/idps/catalogue.py carry the URLs):
- Entra ID: the mailNickname derived from a group name takes at most 64 characters and refuses
  @ ( ) \\ [ ] " ; : < > , and space (learn.microsoft.com/en-us/graph/api/resources/group;
  learn.microsoft.com/en-us/graph/api/directoryobject-validateproperties).
- Okta: group name 1 to 255 characters (help.okta.com, Workflows "Create Group" card, Name field).
- Auth0: role name at most 50 characters, no < or > (auth0.com/docs/api/management/v2/roles/post-roles; the
  Auth0-compatible authhero role schema agrees). The old naming table said 255: corrected.
- Google Cloud Identity: group e-mail up to 63 characters before the @ (support.google.com/cloudidentity/answer/
  6259766). The old table said 64: corrected.
- Keycloak: KEYCLOAK_GROUP.NAME is VARCHAR(255); '/' separates subgroups in group paths
  (keycloak.org/docs/latest/upgrading, "Escaping slashes in group paths").
- authentik: core.models.Group.name is an unbounded unique TextField (goauthentik/authentik); 255 is idspine's
  own ceiling.
"""

from __future__ import annotations

import pytest

from flows import get_flow
from tests.unit.flows.test_first_setup import ANSWERS
from wizard.flow_runner import FlowRunner
from wizard.idps import PROFILES
from wizard.idps.address import check_address, check_gcp_project, normalise_address
from wizard.model import IdP, NamingConvention, new_workspace
from wizard.naming import IDP_NAME_RULES, check_group_name
from wizard.steps import StepProblems

LIMITS = {
    IdP.ENTRA: 64,
    IdP.OKTA: 255,
    IdP.AUTH0: 50,
    IdP.GOOGLE: 63,
    IdP.KEYCLOAK: 255,
    IdP.AUTHENTIK: 255,
}


def test_naming_reads_the_profiles() -> None:
    assert set(IDP_NAME_RULES) == set(IdP)
    for idp, limit in LIMITS.items():
        assert IDP_NAME_RULES[idp].max_length == PROFILES[idp.value].groups.max_length == limit
        assert IDP_NAME_RULES[idp].forbidden == PROFILES[idp.value].groups.forbidden


@pytest.mark.parametrize("idp", list(IdP), ids=str)
def test_a_name_one_over_the_limit_is_refused(idp: IdP) -> None:
    conv = NamingConvention(max_length=256, allowed_pattern=r"^[A-Za-z0-9-]+$")
    limit = LIMITS[idp]
    assert not check_group_name("a" * limit, conv, idp)
    assert any(idp.value in p for p in check_group_name("a" * (limit + 1), conv, idp))


def test_forbidden_characters_per_idp() -> None:
    conv = NamingConvention(allowed_pattern=r"^.+$")
    assert any("refuses" in p for p in check_group_name("Team/Sub", conv, IdP.KEYCLOAK))
    assert any("refuses" in p for p in check_group_name("a<b", conv, IdP.AUTH0))
    assert not check_group_name("a<b", conv, IdP.OKTA)


@pytest.mark.parametrize(
    ("idp", "good", "bad"),
    [
        (
            IdP.OKTA,
            "https://yourco.okta.com",
            ["yourco.okta.com/", "http://yourco.okta.com", "https://x.okta.com/a"],
        ),
        (IdP.AUTH0, "yourco.eu.auth0.com", ["https://yourco.eu.auth0.com/api", "not a domain"]),
        (
            IdP.KEYCLOAK,
            "https://sso.yourco.com/realms/yourco",
            ["https://kc.other.example", "kc.other.example/realms/x", "https://kc.other.example/admin/x"],
        ),
        (IdP.AUTHENTIK, "https://auth.yourco.com", ["auth.yourco.com", "https://u:p@auth.yourco.com"]),
        (IdP.GOOGLE, "yourco.com", ["https://yourco.com", "your co.com"]),
    ],
)
def test_addresses_are_checked_per_idp(idp: IdP, good: str, bad: list[str]) -> None:
    assert check_address(idp, good) == []
    for value in bad:
        assert check_address(idp, value), (idp, value)
    # the messages describe the problem without repeating the answer
    assert all("marker" not in p for p in check_address(idp, "https://marker.example/a/b?c"))


def test_addresses_are_stored_tidily() -> None:
    assert normalise_address(IdP.KEYCLOAK, "https://SSO.yourco.com/realms/yourco/") == (
        "https://sso.yourco.com/realms/yourco"
    )
    assert normalise_address(IdP.AUTH0, "https://YourCo.eu.auth0.com/") == "yourco.eu.auth0.com"


def test_gcp_project_ids() -> None:
    assert check_gcp_project("yourco-automation") == []
    for bad in ("Yourco", "short", "1abcdef", "ends-with-", "a" * 31):
        assert check_gcp_project(bad), bad


def _to_convention(idp: IdP) -> FlowRunner:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    for step in ("about", "interview"):
        runner.submit({**runner.saved_answers(), **ANSWERS[step]})
    assert runner.step.id == "confirm"
    runner.submit({**runner.saved_answers(), "idp": idp.value})
    assert runner.step.id == "convention"
    return runner


def test_entra_is_not_asked_for_an_address() -> None:
    runner = _to_convention(IdP.ENTRA)
    assert "idp_address" not in {q.id for q in runner.step.questions}
    assert "idp-objects" not in runner.step.explainers


@pytest.mark.parametrize(
    ("idp", "address"),
    [(IdP.OKTA, "https://fjord.okta.com"), (IdP.KEYCLOAK, "https://sso.fjord.example/realms/fjord")],
)
def test_other_idps_are_asked_for_their_address(idp: IdP, address: str) -> None:
    runner = _to_convention(idp)
    ids = [q.id for q in runner.step.questions]
    assert ids[0] == "idp_address" and "gcp_project" not in ids
    assert "idp-objects" in runner.step.explainers
    with pytest.raises(StepProblems) as info:
        runner.submit({**runner.saved_answers(), "idp_address": "fjord"})
    assert "idp_address" in info.value.problems
    runner.submit({**runner.saved_answers(), "idp_address": address})
    assert runner.ws.consultancy.idp_address == address
    assert runner.step.id == "roles"


def test_google_is_asked_for_its_domain_and_project() -> None:
    runner = _to_convention(IdP.GOOGLE)
    assert [q.id for q in runner.step.questions][:2] == ["idp_address", "gcp_project"]
    with pytest.raises(StepProblems) as info:
        runner.submit({**runner.saved_answers(), "idp_address": "fjord.example", "gcp_project": "X"})
    assert "gcp_project" in info.value.problems
    runner.submit(
        {**runner.saved_answers(), "idp_address": "fjord.example", "gcp_project": "fjord-automation"}
    )
    assert (runner.ws.consultancy.idp_address, runner.ws.consultancy.gcp_project) == (
        "fjord.example",
        "fjord-automation",
    )


def _planned(idp: IdP):  # type: ignore[no-untyped-def]
    from wizard.demo import DEMO_TODAY, demo_workspace
    from wizard.model import Status

    ws = demo_workspace(DEMO_TODAY)
    for obj in [*ws.groups, *ws.service_principals]:
        obj.status = Status.PLANNED
    ws.consultancy.idp = idp
    ws.consultancy.idp_address = "https://sso.fjord.example/realms/fjord"
    return ws


@pytest.mark.parametrize("idp", [i for i in IdP if i != IdP.ENTRA], ids=str)
def test_the_review_names_the_idps_objects(idp: IdP) -> None:
    from flows.review import manual_steps, plan_text

    ws = _planned(idp)
    prof = PROFILES[idp.value]
    text = plan_text(ws, "acme") + plan_text(ws, "")
    assert f"  {prof.workload.short} svc-n8n-graph-acme (secret)" in text
    assert f"  {prof.groups.term} Tenant-Acme-Analyst" in text
    assert f"Will be created in {prof.name}, {prof.groups.container}" in text
    for term in (
        "app registration",
        "service principal",
        "Entra",
        "entra,",
        "home tenant",
        "client's tenant",
        "Conditional Access",
    ):
        assert term not in text, term
    assert all("consent" not in i.text for i in manual_steps(ws, "acme"))


def test_the_entra_review_keeps_its_words() -> None:
    from flows.review import plan_text

    text = plan_text(_planned(IdP.ENTRA), "acme")
    assert "app registration + service principal svc-api-portal-acme (none)" in text
    assert "Will be created in entra, northwinddata.onmicrosoft.com:" in text


@pytest.mark.parametrize("idp", list(IdP), ids=str)
def test_group_and_automation_steps_use_the_idps_words(idp: IdP) -> None:
    from flows import groups, service_principals

    ws = _planned(idp)
    prof = PROFILES[idp.value]
    roles = groups.STEPS[0].build(ws)
    automations = service_principals.STEPS[0].build(ws)
    if idp == IdP.ENTRA:
        assert roles.title == "Groups for your own tenant" and roles.explainer == "group-types"
        assert automations.title == "Service principals for your automations"
        assert automations.explainer == "service-principals"
        return
    assert prof.groups.container in roles.title and roles.explainer == "idp-objects"
    assert automations.title.lower().startswith(prof.workload.short.lower())
    assert prof.workload.term in automations.intro and automations.explainer == "idp-objects"
    preview = service_principals.STEPS[0].preview(ws, {"automations": ["n8n:graph"]})  # type: ignore[misc]
    assert "Service principals" not in preview


def test_client_onboarding_places_identities_in_the_idps_words() -> None:
    from flows import client_onboarding as co
    from flows.idp_terms import placement_line
    from wizard import placement

    ws = _planned(IdP.OKTA)
    step = next(d for d in co.STEPS if d.id == "automations").build(ws)
    where = step.question("app_placement")
    assert "API service apps" in where.prompt and all("tenant" not in o.label for o in where.options)
    line = placement_line(ws, placement.home_tenant(ws), placement.client_tenant(ws, "acme"), "client")
    assert line.startswith("Data-access API service apps: in Acme Logistics's own identity provider")
    assert "Okta groups: in the Okta org" in line


def test_group_kind_offers_microsoft_365_groups_only_in_entra() -> None:
    from flows import get_flow
    from wizard.demo import DEMO_TODAY, demo_workspace

    for idp, expected in (("entra", {"Security group", "Microsoft 365 group"}), ("okta", {"Okta group"})):
        ws = demo_workspace(DEMO_TODAY)
        ws.consultancy.idp = idp  # type: ignore[assignment]
        step = next(s for s in get_flow("groups").steps(ws) if any(q.id == "kind" for q in s.questions))
        kind = next(q for q in step.questions if q.id == "kind")
        assert {o.label for o in kind.options} == expected, idp
