"""The IdP decision interview: contrasting situations get different, explained recommendations."""

from __future__ import annotations

import pytest

from flows import get_flow
from wizard.advice.idp import IDP_NAMES, QUESTIONS, recommend
from wizard.flow_runner import FlowRunner
from wizard.model import IdP, new_workspace

NEUTRAL = {qid: next(iter(opts)) for qid, (_, opts) in QUESTIONS.items()}

# (situation, answers changed from neutral, expected pick, a word its reasons must contain)
CASES = [
    (
        "M365 Business Premium, Microsoft clients",
        {"licences": "m365-premium", "clients": "microsoft"},
        IdP.ENTRA,
        "Entra ID P1",
    ),
    ("Google Workspace shop", {"licences": "google-workspace", "clients": "google"}, IdP.GOOGLE, "Workspace"),
    (
        "self-host, strict residency, no budget",
        {"self_host": "prefer", "residency": "strict", "budget": "minimal"},
        IdP.KEYCLOAK,
        "Apache-2.0",
    ),
    ("self-host, tools without SSO", {"self_host": "prefer", "saas": "legacy"}, IdP.AUTHENTIK, "proxy"),
    ("bursty external users", {"external": "bursty"}, IdP.AUTH0, "monthly active users"),
    (
        "bursty external users on a shoestring",
        {"external": "bursty", "budget": "minimal"},
        IdP.AUTH0,
        "25,000",
    ),
    (
        "many SaaS apps, money no object",
        {"saas": "many", "budget": "flexible"},
        IdP.OKTA,
        "Integration Network",
    ),
]


@pytest.mark.parametrize(("situation", "changes", "expected", "word"), CASES, ids=[c[0] for c in CASES])
def test_contrasting_situations_get_explained_recommendations(
    situation: str, changes: dict[str, str], expected: IdP, word: str
) -> None:
    rec = recommend({**NEUTRAL, **changes})
    assert rec.recommended.idp == expected, rec.summary()
    assert any(word in reason for reason in rec.recommended.reasons), rec.recommended.reasons
    assert rec.runner_up.idp != expected and rec.runner_up.score <= rec.recommended.score
    summary = rec.summary()
    assert f"Recommended: {IDP_NAMES[expected]}" in summary and "Runner-up:" in summary
    assert all(f"+ {r}" in summary for r in rec.recommended.reasons)  # every reason is shown


def test_the_cases_really_contrast() -> None:
    assert len({c[2] for c in CASES}) == 6  # every IdP wins somewhere


def test_an_m365_consultant_is_steered_to_entra_even_with_other_leanings() -> None:
    for extra in ({"saas": "many"}, {"external": "bursty"}, {"self_host": "prefer"}, {}):
        rec = recommend({**NEUTRAL, "licences": "m365-premium", **extra})
        assert rec.recommended.idp == IdP.ENTRA, (extra, rec.summary())


def test_self_hosting_is_never_recommended_to_someone_who_wants_to_avoid_it() -> None:
    for lic in ("m365-premium", "none", "google-workspace"):
        for saas in ("few", "legacy"):
            rec = recommend(
                {
                    **NEUTRAL,
                    "licences": lic,
                    "saas": saas,
                    "self_host": "avoid",
                    "budget": "minimal",
                    "residency": "strict",
                }
            )
            assert rec.recommended.idp not in (IdP.KEYCLOAK, IdP.AUTHENTIK)
            assert rec.of(IdP.KEYCLOAK).concerns  # and the reason is said


def test_honest_drawbacks_are_kept_as_concerns() -> None:
    rec = recommend({**NEUTRAL, "external": "bursty", "licences": "m365-basic"})
    assert any("separate external tenant" in c for c in rec.of(IdP.ENTRA).concerns)
    assert any("priced per user" in c for c in rec.of(IdP.OKTA).concerns)
    staff_only = recommend({**NEUTRAL, "external": "none"})
    assert staff_only.of(IdP.AUTH0).concerns


def test_unknown_or_missing_answers_count_as_neutral() -> None:
    assert recommend({}).recommended.idp == recommend({"licences": "banana"}).recommended.idp


def _run_idp_flow(interview: dict[str, str], pick: str | None = None):  # type: ignore[no-untyped-def]
    runner = FlowRunner(get_flow("idp-choice"), new_workspace("Fjord", "fjord"))
    preview = runner.preview({**runner.saved_answers(), **interview})
    runner.submit({**runner.saved_answers(), **interview})
    confirm = runner.step
    default = runner.saved_answers()["idp"]
    confirm_preview = runner.preview({"idp": pick or default})
    ws = runner.submit({"idp": pick} if pick else {})
    return runner, ws, preview, confirm, default, confirm_preview


def test_the_flow_shows_reasons_and_records_them_with_the_runner_up() -> None:
    answers = {"self_host": "prefer", "residency": "strict", "budget": "minimal"}
    runner, ws, preview, confirm, default, confirm_preview = _run_idp_flow(answers)
    assert "Recommended: Keycloak" in preview and "Runner-up: authentik" in preview
    assert default == "keycloak" and "Keycloak" in confirm.intro and "authentik" in confirm.intro
    assert "Apache-2.0" in confirm_preview
    assert runner.completed and ws.consultancy.idp == IdP.KEYCLOAK
    assert any("Apache-2.0" in r for r in ws.consultancy.idp_reasons)
    assert any(r.startswith("Runner-up: authentik") for r in ws.consultancy.idp_reasons)


def test_choosing_against_the_recommendation_is_recorded_honestly() -> None:
    _, ws, *_ = _run_idp_flow({"licences": "m365-premium"}, pick="okta")
    assert ws.consultancy.idp == IdP.OKTA
    assert any(
        "Chosen over the interview's pick, Microsoft Entra ID" in r for r in ws.consultancy.idp_reasons
    )
    assert not any("Entra ID P1" in r for r in ws.consultancy.idp_reasons)  # Entra's reasons are not Okta's


def test_rerunning_the_interview_replaces_the_reasons() -> None:
    runner, ws, *_ = _run_idp_flow({"licences": "m365-premium"})
    assert ws.consultancy.idp == IdP.ENTRA
    again = FlowRunner(get_flow("idp-choice"), ws, restart=True)
    again.submit({**again.saved_answers(), "external": "bursty", "licences": "none"})
    ws2 = again.submit({})
    assert ws2.consultancy.idp == IdP.AUTH0
    assert not any("Entra ID P1" in r for r in ws2.consultancy.idp_reasons)
