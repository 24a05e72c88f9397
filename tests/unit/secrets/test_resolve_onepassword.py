"""op:// and 1password:// references resolve through the 1Password CLI: a stand-in `op`
(tests/support/fake_op/op) that follows op read's documented arguments and exit codes. The value comes from
stdout only; op's stderr is classified or quoted escaped on one line; nothing goes through a shell."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import wizard.providers  # noqa: F401 - registers the op:// and 1password:// readers
from wizard.providers.onepassword import op_reference, read_op_reference
from wizard.secrets.resolver import SecretUnavailable, resolve

FAKE_OP = Path(__file__).parents[2] / "support" / "fake_op"
VALUE = "op-canary-Secret-41c9e7d2aa"


@pytest.fixture
def op_env(tmp_path: Path) -> dict[str, Any]:
    """An environment whose PATH finds the stand-in op first, and its state file."""
    state = {
        "signed_in": True,
        "items": {"Clients/n8n graph/credential": VALUE, "Clients/n8n graph/api/token": "section-value-123"},
        "log": str(tmp_path / "op.log"),
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    env = {
        "PATH": f"{FAKE_OP}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "OP_FAKE_STATE": str(path),
        "IDSPINE_CANARY_NOT_FOR_OP": "must-not-reach-op",
    }
    return {"env": env, "state": state, "path": path, "log": tmp_path / "op.log"}


def set_state(op_env: dict[str, Any], **changes: Any) -> None:
    op_env["state"].update(changes)
    op_env["path"].write_text(json.dumps(op_env["state"]))


def calls(op_env: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in op_env["log"].read_text().splitlines()]


def test_op_read_gives_the_field_without_a_trailing_newline(op_env: dict[str, Any]) -> None:
    ref = "op://Clients/n8n%20graph/credential".replace("%20", "_")
    set_state(op_env, items={"Clients/n8n_graph/credential": VALUE})
    assert resolve(ref, op_env["env"]) == VALUE
    (call,) = calls(op_env)
    assert call["argv"] == ["read", "--no-newline", ref]
    assert "IDSPINE_CANARY_NOT_FOR_OP" not in call["env"] and "OP_FAKE_STATE" in call["env"]


def test_a_section_and_the_1password_spelling(op_env: dict[str, Any]) -> None:
    set_state(
        op_env, items={"Clients/graph/api/token": "section-value-123", "Clients/graph/credential": VALUE}
    )
    assert resolve("op://Clients/graph/api/token", op_env["env"]) == "section-value-123"
    assert resolve("1password://Clients/graph/credential", op_env["env"]) == VALUE
    assert calls(op_env)[-1]["argv"][-1] == "op://Clients/graph/credential"
    assert op_reference("1password://v/i/f") == "op://v/i/f"
    with pytest.raises(ValueError, match="vault, item and field"):
        op_reference("1password://v/i")


def test_a_service_account_token_signs_op_in(op_env: dict[str, Any]) -> None:
    set_state(op_env, signed_in=False, items={"Clients/graph/credential": VALUE})
    with pytest.raises(SecretUnavailable) as info:
        resolve("op://Clients/graph/credential", op_env["env"])
    assert str(info.value) == (
        "op://Clients/graph/credential: the 1Password CLI is not signed in: run `op signin` "
        "(or set OP_SERVICE_ACCOUNT_TOKEN)"
    )
    env = {**op_env["env"], "OP_SERVICE_ACCOUNT_TOKEN": "ops_not-a-real-token"}
    assert resolve("op://Clients/graph/credential", env) == VALUE


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("op://Clients/nothing-here/credential", "1Password has no such vault, item or field"),
        ("op://Clients/graph/no-field", "does not have a field"),
        ("1password://Clients/graph", "needs vault, item and field"),
    ],
)
def test_missing_items_and_fields_are_one_line(op_env: dict[str, Any], ref: str, expected: str) -> None:
    set_state(op_env, items={"Clients/graph/credential": VALUE})
    with pytest.raises(SecretUnavailable) as info:
        resolve(ref, op_env["env"])
    message = str(info.value)
    assert message.startswith(ref + ": ") and expected in message and "\n" not in message
    assert VALUE not in message


def test_missing_op_says_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(SecretUnavailable, match="install the 1Password CLI"):
        resolve("op://Clients/graph/credential", {"PATH": str(tmp_path)})


def test_ops_stderr_is_never_shown_raw(op_env: dict[str, Any]) -> None:
    hostile = "boom \x1b[31mred\x1b[0m\nsecond line ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    set_state(op_env, stderr=hostile)
    with pytest.raises(SecretUnavailable) as info:
        resolve("op://Clients/graph/credential", op_env["env"])
    message = str(info.value)
    assert "\x1b" not in message and "\n" not in message and "ghp_A1b2" not in message
    assert message.startswith("op://Clients/graph/credential: op read failed (exit status 1)")


def test_the_reference_reaches_op_as_one_argument_never_through_a_shell(
    op_env: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # op runs here: a shell would create the marker in this folder
    ref = "op://Clients/graph/$(touch${IFS}pwned)`touch${IFS}pwned`;touch${IFS}pwned"
    with pytest.raises(SecretUnavailable, match="no such vault, item or field"):
        resolve(ref, op_env["env"])
    assert not (tmp_path / "pwned").exists()
    assert calls(op_env)[-1]["argv"] == ["read", "--no-newline", ref]


def test_a_hanging_op_times_out(tmp_path: Path) -> None:
    slow = tmp_path / "op"
    slow.write_text("#!/bin/sh\nexec /bin/sleep 30\n")
    slow.chmod(0o755)
    with pytest.raises(SecretUnavailable, match="did not answer within 1 s"):
        read_op_reference("op://a/b/c", {"PATH": str(tmp_path)}, timeout=1)


def test_the_stand_in_op_follows_the_documented_interface(op_env: dict[str, Any], tmp_path: Path) -> None:
    import subprocess

    op = shutil.which("op", path=op_env["env"]["PATH"])
    assert op == str(FAKE_OP / "op")
    run = lambda *a: subprocess.run([op, *a], env=op_env["env"], capture_output=True, text=True)  # noqa: E731
    set_state(op_env, items={"Clients/graph/credential": VALUE})
    assert run("read", "op://Clients/graph/credential").stdout == VALUE + "\n"
    assert run("read", "-n", "op://Clients/graph/credential").stdout == VALUE
    out = tmp_path / "out.txt"
    assert run("read", "--out-file", str(out), "--force", "op://Clients/graph/credential").returncode == 0
    assert out.read_text() == VALUE + "\n"
    bad = run("read", "op://Clients/graph/credential", "op://x/y/z")
    assert bad.returncode == 1 and bad.stderr.startswith("[ERROR] ")
