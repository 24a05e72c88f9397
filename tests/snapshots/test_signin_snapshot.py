"""Snapshot of the Entra screen after a sign-in: the status line says which way it signed in (here Microsoft
Graph Command Line Tools, the way a first sign-in without any app of yours goes)."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.support.journeys import demo_app, go, until_stable
from wizard.providers.entra.signin_config import WAY_GRAPH_CLI_TOOLS


async def signed_in(pilot: Pilot) -> None:
    await go("a")(pilot)
    screen = pilot.app.screen
    screen._signed_in("opaque-test-token", "ola@fjord.example", WAY_GRAPH_CLI_TOOLS)  # type: ignore[attr-defined]
    await until_stable(pilot)


def test_entra_signed_in_with_graph_command_line_tools(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(demo_app("dark"), run_before=signed_in, terminal_size=(120, 40))
