"""ruff's lint rules and formatter (settings in pyproject.toml) hold on the code and its tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

CHECKED = ("wizard", "flows", "tests", "bench")


def test_ruff_check_is_clean(run_tool: Callable) -> None:
    result = run_tool("ruff", "check", "--no-cache", *CHECKED)
    if result.code != 0:
        pytest.fail(result.output, pytrace=False)


def test_ruff_format_leaves_nothing_to_change(run_tool: Callable) -> None:
    result = run_tool("ruff", "format", "--check", "--no-cache", *CHECKED)
    if result.code != 0:
        pytest.fail(result.output, pytrace=False)
