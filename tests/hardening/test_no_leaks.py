"""With canary secrets in the environment, no headless command writes one anywhere; detect-secrets agrees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.demo import demo_workspace
from wizard.export import FORMATS


def detect_secrets_hits(path: Path) -> list[str]:
    """Secret types `detect-secrets scan` (its command line, default plugins and filters) finds in a file.

    It runs in the file's folder: inside a git work tree it would skip files git does not track.
    """
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan", "--all-files", path.name],
        capture_output=True,
        text=True,
        check=True,
        cwd=path.parent,
    )
    results = json.loads(done.stdout)["results"]
    lines = path.read_text().splitlines()
    return sorted(
        {
            hit["type"]
            for hits in results.values()
            for hit in hits
            if not _is_reference_line(hit["type"], lines[hit["line_number"] - 1])
        }
    )


REFERENCE_LINE = re.compile(
    r'^\s*("?[a-z0-9_]*_ref"?\s*[=:]\s*"(env:|keyvault://|1password://|op://|file:)'
    r'|secret_store = "(env-file|keyvault)"$)'
)


def _is_reference_line(kind: str, line: str) -> bool:
    """detect-secrets' keyword heuristic flags `secret_ref = "env:NAME"`: a reference, not a secret."""
    return kind == "Secret Keyword" and bool(REFERENCE_LINE.match(line))


def _plant_env(monkeypatch: pytest.MonkeyPatch, canaries: dict[str, str], today) -> list[str]:  # type: ignore[no-untyped-def]
    ws = demo_workspace(today)
    refs = {c.secret_ref for c in ws.credentials if c.secret_ref} | {
        s.secret_ref for s in ws.service_principals if s.secret_ref
    }
    names = sorted(r.removeprefix("env:") for r in refs if r.startswith("env:"))
    values = list(canaries.values())
    for i, name in enumerate(names):
        monkeypatch.setenv(name, values[i % len(values)])
    return values


def test_no_command_output_or_file_contains_a_canary(
    run_cli,
    canaries,
    today,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    planted = _plant_env(monkeypatch, canaries, today)
    inv = tmp_path / "idspine.toml"
    outputs: list[str] = []
    r = run_cli("demo", "--write", str(inv), "--today", str(today))
    outputs += [r.out, r.err, inv.read_text()]
    for argv in (
        ["check", str(inv)],
        ["check", str(inv), "--format", "json"],
        ["check", str(inv), "--limit", "0"],
        ["schema"],
        ["demo"],
    ):
        r = run_cli(*argv)
        outputs += [r.out, r.err]
    for fmt in FORMATS:
        target = tmp_path / f"export-{fmt}.txt"
        r = run_cli("export", fmt, "--file", str(inv), "--output", str(target))
        outputs += [r.out, r.err]
        if target.exists():
            outputs.append(target.read_text())
            assert detect_secrets_hits(target) == [], fmt
    assert detect_secrets_hits(inv) == []
    blob = "\n".join(outputs)
    for value in planted:
        assert value not in blob
        assert value[-16:] not in blob


def test_the_scan_would_catch_a_leak(tmp_path: Path, canaries) -> None:  # type: ignore[no-untyped-def]
    """Guard against a test that cannot fail: detect-secrets does flag a file holding a canary."""
    leaked = tmp_path / "leak.env"
    leaked.write_text(f'GITHUB_TOKEN="{canaries["github_pat"]}"\nAWS_KEY={canaries["aws"]}\n')
    assert detect_secrets_hits(leaked)
    assert re.search(canaries["aws"], leaked.read_text())
