"""Pilot journeys of first-time setup with Okta and with Keycloak chosen at the IdP step: an empty folder to a
saved inventory whose consultancy.idp is that IdP, which loads again and saves unchanged.

The journey answers what it knows (the consultancy's name, the owners, the IdP, and the IdP's address when a
question asks for it, by the id `idp_address`) and keeps every other question's default, so questions added
to the flow later do not break it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, RadioButton

from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.inventory import dumps, load, save
from wizard.ui.app import IdspineApp
from wizard.ui.widgets.question_field import QuestionField
from wizard.vocabulary import IdP

OWNER = "ola@fjord.example"
TEXT = {"name": "Fjord Analytics", "home_tenant": "fjordanalytics.onmicrosoft.com", "repo": "fjord/pipelines"}
ADDRESS = {IdP.OKTA: "https://acme.okta.com", IdP.KEYCLOAK: "https://sso.example.com/realms/acme"}


def text_for(qid: str, idp: IdP) -> str | None:
    """What to type for a question this journey knows (None: keep its default)."""
    if qid == "idp_address" or qid.endswith(".idp_address"):
        return ADDRESS[idp]
    if qid == "owner" or qid.endswith(".owner"):
        return OWNER
    return TEXT.get(qid)


async def answer_step(pilot, screen, idp: IdP) -> str:  # type: ignore[no-untyped-def]
    """Answer the step on screen and press ctrl+n; return its id."""
    step_id = screen.runner.step.id
    for field in screen.query(QuestionField):
        qid = field.question.id
        if qid == "idp":  # the IdP step: choose it, whatever the interview recommended
            buttons = {b.name: b for b in field.query(RadioButton)}
            assert idp.value in buttons, sorted(buttons)
            buttons[idp.value].value = True
            await pilot.pause()
            assert field.value == idp.value
            continue
        value = text_for(qid, idp)
        inputs = list(field.query(Input))
        if value is not None and inputs:
            inputs[0].value = value
    await pilot.press("ctrl+n")
    await settle(pilot)
    return step_id


@pytest.mark.parametrize("idp", [IdP.OKTA, IdP.KEYCLOAK])
async def test_first_setup_completes_with_the_idp_chosen(tmp_path: Path, idp: IdP) -> None:
    path = tmp_path / "idspine.toml"
    app = IdspineApp(path, today=DEMO_TODAY)
    answered: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        screen = app.screen
        for _ in range(screen.runner.total + 5):  # a step that repeats itself is caught below
            step_id = await answer_step(pilot, screen, idp)
            answered.append(step_id)
            if type(app.screen).__name__ != "WizardScreen":
                break
            problems = [str(p.render()) for p in screen.query(".problem")]
            assert not any(problems), (screen.runner.step.id, problems)
        assert type(app.screen).__name__ == "HomeScreen", f"stopped at {screen.runner.step.id}"
    assert "confirm" in answered and answered[0] == "about" and answered[-1] == "review"
    assert len(answered) == len(set(answered)), answered  # every step answered once
    ws = load(path)
    assert ws.consultancy.idp == idp
    assert ws.consultancy.idp_reasons  # the interview's reasons for the chosen IdP
    if ws.consultancy.idp_address:  # asked for by the flow: the address typed
        assert ws.consultancy.idp_address == ADDRESS[idp]
    assert ws.flow_progress("first-setup").completed
    assert ws.groups and ws.service_principals
    text = path.read_text()
    save(load(path), path)  # reloads and saves unchanged
    again = load(path)
    assert path.read_text() == text and dumps(again) == dumps(ws)
