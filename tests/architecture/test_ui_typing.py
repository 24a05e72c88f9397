"""Screens reach the app through the typed base (`self.idspine`, `self.workspace_state`, `self.connections`).

Reaching for `self.app.state` needs a `# type: ignore[attr-defined]`, which hides every typo in what follows;
this keeps such escapes from coming back.
"""

from __future__ import annotations

import re
from pathlib import Path

import wizard.ui

UI = Path(wizard.ui.__file__).parent
# Wiring screens still moving onto the typed base in issue #15 (other branches); drop each once it has.
NOT_YET_TYPED: set[str] = set()


def _modules() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p.relative_to(UI).as_posix() not in NOT_YET_TYPED)


def test_no_untyped_reach_into_the_app() -> None:
    problems = []
    for path in _modules():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "type: ignore[attr-defined]" in line or re.search(r"\bself\.app\.(state|connections)\b", line):
                problems.append(f"{path.relative_to(UI)}:{number}: {line.strip()}")
            elif re.search(r"\bself\.app\.(open_screen|save_workspace|export_\w+)\(", line):
                problems.append(f"{path.relative_to(UI)}:{number}: {line.strip()} (use self.idspine)")
    assert not problems, "\n".join(problems)


def test_every_screen_module_uses_the_typed_base() -> None:
    untyped = [
        path.relative_to(UI).as_posix()
        for path in _modules()
        if re.search(r"^class \w+\((Modal)?Screen\[", path.read_text(encoding="utf-8"), re.MULTILINE)
        and path.name != "base.py"
        and path.name != "app.py"  # the loading screen shows before there is anything to reach
    ]
    assert not untyped, f"extend IdspineScreen / IdspineModalScreen instead: {untyped}"
