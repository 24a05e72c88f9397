"""Snapshot tests: every screen at 80×24 and 120×40, in the dark and the light theme."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.support.journeys import ROUTES, demo_app, go
from wizard.ui.app import IdspineApp

SIZES = [(80, 24), (120, 40)]
THEMES = ["dark", "light"]


@pytest.mark.parametrize(
    ("screen", "size", "theme"),
    list(itertools.product(ROUTES, SIZES, THEMES)),
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v),
)
def test_screen(snap_compare, screen: str, size: tuple[int, int], theme: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app(theme), run_before=go(*ROUTES[screen]), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_error_screen_for_a_damaged_file(
    snap_compare,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    size: tuple[int, int],
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("idspine.toml").write_text('schema_version = 1\n[consultancy\nname = "x"\n')
    assert snap_compare(IdspineApp("idspine.toml"), run_before=go(), terminal_size=size)


@pytest.mark.parametrize(
    ("size", "theme"),
    list(itertools.product(SIZES, THEMES)),
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v),
)
def test_secret_reveal_is_masked(snap_compare, size: tuple[int, int], theme: str) -> None:  # type: ignore[no-untyped-def]
    from tests.support.journeys import settle, until_stable
    from wizard.ui.screens.secret_reveal import SecretRevealScreen

    async def show(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        value = "not-a-real-secret-" + "x" * 12
        await pilot.app.push_screen(SecretRevealScreen("svc-n8n-graph-acme", value, "keyvault://kv-ops/svc"))
        await until_stable(pilot)

    assert snap_compare(demo_app(theme), run_before=show, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_error_screen_light(
    snap_compare,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    size: tuple[int, int],
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("idspine.toml").write_text('schema_version = 1\n[consultancy\nname = "x"\n')
    assert snap_compare(IdspineApp("idspine.toml", theme="light"), run_before=go(), terminal_size=size)


@pytest.mark.parametrize(
    ("size", "theme"),
    list(itertools.product(SIZES, THEMES)),
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v),
)
def test_welcome_in_a_new_folder(
    snap_compare,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    size: tuple[int, int],
    theme: str,
) -> None:
    from wizard.demo import DEMO_TODAY

    monkeypatch.chdir(tmp_path)
    app = IdspineApp("idspine.toml", today=DEMO_TODAY, theme=theme)
    assert snap_compare(app, run_before=go(), terminal_size=size)


@pytest.mark.parametrize(
    ("size", "theme"),
    list(itertools.product(SIZES, THEMES)),
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v),
)
def test_wizard_list_editor_and_choices(snap_compare, size: tuple[int, int], theme: str) -> None:  # type: ignore[no-untyped-def]
    """The groups step: a role-template choice, two list editors and the live preview of group names."""
    from tests.support.journeys import settle, until_stable

    async def show(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        pilot.app.open_screen("wizard", flow_id="groups", restart=True)
        await settle(pilot)
        pilot.app.screen.set_focus(None)
        await until_stable(pilot)

    assert snap_compare(demo_app(theme), run_before=show, terminal_size=size)
