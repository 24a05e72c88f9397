"""Small command-line papercuts: the right --help is suggested, and offboard takes --client like plan and export."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.cli import main
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import save


def test_an_unknown_option_names_the_subcommand_whose_help_to_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["offboard", "--bogus"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "`idspine offboard --help`" in err and "--bogus" in err


def test_an_unknown_option_before_any_subcommand_points_at_the_main_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--bogus"]) == 2
    assert "`idspine --help`" in capsys.readouterr().err


def test_offboard_takes_the_client_as_an_option_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_workspace(DEMO_TODAY), path)
    assert main(["offboard", "acme", "--file", str(path)]) == 0
    positional = capsys.readouterr().out
    assert main(["offboard", "--client", "acme", "--file", str(path)]) == 0
    assert capsys.readouterr().out == positional
    assert main(["offboard", "globex", "--client", "acme", "--file", str(path)]) == 2
    assert "once" in capsys.readouterr().err
