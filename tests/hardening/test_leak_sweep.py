"""Leak sweep across the read-only commands and the UI: canaries in the environment never surface."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.test_no_leaks import _plant_env, detect_secrets_hits
from wizard.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_advise_and_explain_never_print_a_canary(
    run_cli,
    canaries,
    today,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planted = _plant_env(monkeypatch, canaries, today)
    outputs = []
    for sid in load_catalogue().services:
        r = run_cli("advise", sid, "--format", "json")
        outputs += [r.out, r.err]
    for line in run_cli("explain", "--list").out.splitlines():
        r = run_cli("explain", line.split()[0], "--plain", "--demo")
        outputs += [r.out, r.err]
    blob = "\n".join(outputs)
    assert all(value not in blob for value in planted)


def test_screenshots_and_snapshots_hold_no_secrets(tmp_path: Path) -> None:
    svgs = sorted((ROOT / "screenshots").glob("*.svg")) + sorted((ROOT / "tests" / "ui").rglob("*.svg"))
    assert svgs
    bundle = tmp_path / "all-svgs.txt"
    bundle.write_text("\n".join(p.read_text() for p in svgs))
    assert detect_secrets_hits(bundle) == []


async def test_app_screens_never_show_environment_canaries(
    canaries,
    today,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support.journeys import ROUTES, demo_app, open_with, settle

    planted = _plant_env(monkeypatch, canaries, today)
    screens = {"s": "WizardScreen", "i": "InspectorScreen", "c": "CatalogueScreen", "e": "ExplainersScreen"}
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        texts = [app.export_screenshot()]
        for key, name in screens.items():
            await open_with(pilot, key, name)
            texts.append(app.export_screenshot())
            await pilot.press("escape")
            await settle(pilot)
    blob = "\n".join(texts)
    assert len(ROUTES) >= 5
    assert all(value not in blob for value in planted)
