"""mypy passes on wizard/ and flows/ with the settings in pyproject.toml ([tool.mypy]); about 5 s cold."""

from __future__ import annotations

from collections.abc import Callable

import pytest


def test_mypy_is_clean_on_wizard_and_flows(
    run_tool: Callable, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A cache of its own: the check never trusts (or litters) the checkout's .mypy_cache.
    cache = tmp_path_factory.mktemp("mypy-cache")
    result = run_tool("mypy", "--cache-dir", str(cache))
    if result.code != 0:
        pytest.fail(result.output, pytrace=False)
