"""No module in wizard/ or flows/ is over 400 lines: past that a module does more than one job (split it)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LIMIT = 400


def test_no_module_is_over_the_limit() -> None:
    sizes = {
        path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for root in ("wizard", "flows")
        for path in (REPO / root).rglob("*.py")
    }
    assert len(sizes) > 50  # the walk found the packages
    over = sorted(((lines, name) for name, lines in sizes.items() if lines > LIMIT), reverse=True)
    assert not over, f"{len(over)} modules over {LIMIT} lines:\n" + "\n".join(
        f"  {name}: {lines}" for lines, name in over
    )
