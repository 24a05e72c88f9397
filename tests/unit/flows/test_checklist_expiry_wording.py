"""Checklist text asks for an expiry only where the service lets the creator choose one (from the catalogue)."""

from __future__ import annotations

from flows.review import manual_steps
from wizard.catalogue import load_catalogue
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.model import Credential, Method, Status


def test_create_step_mentions_an_expiry_only_when_the_method_can_expire() -> None:
    catalogue = load_catalogue()
    static = [
        (s.id, m)
        for s in catalogue.services.values()
        for m in s.methods
        if m.method in (Method.PAT, Method.API_KEY, Method.SERVICE_ACCOUNT_KEY)
    ]
    assert {m.expiry_choice for _, m in static} == {True, False}  # both kinds exist in the catalogue
    ws = demo_workspace(DEMO_TODAY)
    ws.credentials = [
        Credential(id=f"c{i}", service=service, method=m.method, client="acme", status=Status.PLANNED)
        for i, (service, m) in enumerate(static)
    ]
    texts = {
        item.id.rsplit(":", 1)[-1]: item.text for item in manual_steps(ws, "acme") if ":create:" in item.id
    }
    for i, (service, m) in enumerate(static):
        text = texts[f"c{i}"]
        assert ("with an expiry" in text) == m.expiry_choice, (service, m.method, text)
        if not m.expiry_choice:
            assert "cannot" in text and "end date" in text, text
        assert "<" not in text and "Method." not in text
