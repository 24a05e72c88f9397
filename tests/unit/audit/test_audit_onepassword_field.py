"""`check` warns on a 1Password reference without a field (issue 17 follow-up): `op read` resolves only
op://vault/item/[section/]field (developer.1password.com/docs/cli/secrets-reference-syntax). The guard still
loads such inventories; hints everywhere show op://vault/item/field."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.audit import run_audit
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import load, save
from wizard.model import Workspace

RULE = "secret-ref-no-field"
ROOT = Path(__file__).parents[3]


def _with_ref(ref: str) -> tuple[Workspace, str]:
    ws = demo_workspace(DEMO_TODAY)
    cred = next(c for c in ws.credentials if c.secret_ref and c.status.value != "retired")
    cred.secret_ref = ref
    return ws, f"credential:{cred.id}"


def _hits(ws: Workspace) -> list[str]:
    return [f.subject for f in run_audit(ws, DEMO_TODAY) if f.rule_id == RULE]


@pytest.mark.parametrize("ref", ["1password://Clients/Acme-n8n"])
def test_a_reference_without_a_field_is_warned_and_still_loads(ref: str, tmp_path: Path) -> None:
    ws, subject = _with_ref(ref)
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)  # the guard accepts it: old inventories must load
    loaded = load(path)
    assert _hits(loaded) == [subject]
    finding = next(f for f in run_audit(loaded, DEMO_TODAY) if f.rule_id == RULE)
    assert "op://vault/item/field" in finding.fix and finding.explainer == "secret-stores"


@pytest.mark.parametrize(
    "ref",
    ["1password://Clients/Acme-n8n/credential", "op://Clients/Acme/credential", "op://V/I/section/field"],
)
def test_a_reference_with_a_field_is_fine(ref: str) -> None:
    ws, _ = _with_ref(ref)
    assert _hits(ws) == []


def test_the_demo_has_no_such_reference() -> None:
    assert _hits(demo_workspace(DEMO_TODAY)) == []


def test_no_hint_shows_the_short_form() -> None:
    """Every hint and example names the field: no `1password://vault/item` without one."""
    from wizard.secrets.guard import _EXAMPLES, validate_reference

    for scheme in ("1password://", "op://"):
        assert len(_EXAMPLES[scheme].split("://", 1)[1].split("/")) >= 3
    with pytest.raises(ValueError, match=r"op://vault/item/field"):
        validate_reference("NOT_A_REF")
    places = [
        *(ROOT / "wizard").rglob("*.py"),
        *(ROOT / "flows").rglob("*.py"),
        *(ROOT / "explainers").glob("*.md"),
    ]
    for path in [*places, ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert "1password://vault/item " not in text and "1password://vault/item," not in text, path
        assert "1password://vault/item or" not in text and '1password://vault/item"' not in text, path
        assert "1password://vault/item)" not in text and "1password://vault/item." not in text, path
