"""Snapshot of the plan screen: the demo consultancy switched to Okta, opened with `a` from home."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.journeys.test_idp_plan_screen import okta_app
from tests.support.journeys import go


def test_plan_screen_okta(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(okta_app(tmp_path, monkeypatch), run_before=go("a"), terminal_size=(120, 40))
