"""Fixtures for the rotation tests: the rig (Graph stand-in tenant, n8n stand-in, inventory, store, journal)."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from graph_standin import Directory, GraphStandIn  # noqa: E402
from rotate_rig import KEY_ENV, Clock, Rig, build_rig  # noqa: E402
from rotate_standins import N8nStandIn, N8nState  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def n8n_state() -> N8nState:
    return N8nState(api_key="n8n-key-" + secrets.token_hex(8))


@pytest.fixture
def rig(
    tmp_path: Path,
    directory: Directory,
    issued_secrets: list[str],
    n8n_state: N8nState,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Rig]:
    monkeypatch.setenv(KEY_ENV, n8n_state.api_key)
    with GraphStandIn(directory) as graph, N8nStandIn(n8n_state) as n8n:
        yield build_rig(tmp_path, directory, issued_secrets, graph.base_url, n8n_state, n8n.base_url, clock)
