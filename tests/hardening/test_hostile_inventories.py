"""Issue 14, files: inventories that try to hurt the user. Each case goes through `idspine check` (or the save
path) and must end in one clear line with exit 2 (1 for audit findings), in bounded time, never a traceback
and never an echo of a planted secret."""

from __future__ import annotations

import os
import random
import re
import string
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from wizard import inventory
from wizard.inventory import InventoryError, load, save

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-27"

CLEAN = """schema_version = 1

[consultancy]
name = "Northwind Data"
slug = "northwind"
home_tenant = "northwind.onmicrosoft.com"

[[clients]]
slug = "acme"
name = "Acme"

[[groups]]
name = "Tenant-Acme-Data-Engineer"
client = "acme"
role = "data-engineer"
admin = false
owners = ["alex@northwind.example"]

[[credentials]]
id = "acme-airtable-pat"
service = "airtable"
method = "oauth-user"
client = "acme"
owner = "alex@northwind.example"
expires = 2027-02-06
secret_ref = "env:ACME_AIRTABLE"
"""

_rng = random.Random(1414)


def _token() -> str:
    """A GitHub-shaped canary, built at run time."""
    return "gh" + "p_" + "".join(_rng.choice(string.ascii_letters + string.digits) for _ in range(36))


def run_check(path: Path | str, timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
    """`idspine check PATH` in a fresh process (so a hang or a crash is seen as such)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), IDSPINE_TODAY=TODAY)
    return subprocess.run(
        [sys.executable, "-m", "wizard", "check", str(path), "--limit", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 2, *, says: str = "") -> None:
    assert result.returncode == code, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    # The message without the file's name (a tmp_path carries the test's name, which would match anything).
    reason = re.sub(r"/tmp/\S+", "<file>", lines[0])
    assert says.lower() in reason.lower(), lines[0]


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "idspine.toml"
    path.write_text(CLEAN)
    return path


def test_the_clean_inventory_is_clean(clean: Path) -> None:
    result = run_check(clean)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------ secrets in comments, keys, table names


@pytest.mark.parametrize(
    "where",
    [
        "# deploy key: {t}\n" + CLEAN,
        CLEAN.replace('name = "Acme"', 'name = "Acme"  # old key {t}'),
        CLEAN + '\n[consultancy.extra]\n"{t}" = "x"\n',
        CLEAN + "\n[{t}]\nx = 1\n",
        CLEAN.replace('slug = "acme"', 'slug = "acme"\n{t} = true'),
    ],
    ids=["comment-line", "trailing-comment", "quoted-key", "table-name", "bare-key"],
)
def test_a_secret_in_a_comment_key_or_table_name_is_refused_without_echo(tmp_path: Path, where: str) -> None:
    token = _token()
    path = tmp_path / "idspine.toml"
    path.write_text(where.format(t=token))
    result = run_check(path)
    assert_one_line_error(result, says="looks like a")
    assert token not in result.stderr + result.stdout
    assert token[:12] not in result.stderr + result.stdout


def test_a_secret_comment_is_never_carried_into_the_bak(clean: Path) -> None:
    ws = load(clean)
    token = _token()
    clean.write_text("# pasted by mistake: " + token + "\n" + CLEAN)
    with pytest.raises(InventoryError) as info:
        save(ws, clean, expected_digest=True)
    assert token not in str(info.value)
    bak = clean.with_name(clean.name + ".bak")
    assert not bak.exists() or token not in bak.read_text()
    # Even a caller that skips the digest check (the digest of the planted file) never copies it to .bak.
    with pytest.raises(InventoryError):
        save(ws, clean, expected_digest=inventory.digest_of(clean.read_bytes()))
    assert not bak.exists() or token not in bak.read_text()


# ------------------------------------------------------------------ things that are not inventories


def test_dev_zero_is_refused_at_once() -> None:
    start = time.monotonic()
    result = run_check("/dev/zero")
    assert_one_line_error(result, says="not a regular file")
    assert time.monotonic() - start < 15


def test_a_fifo_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "idspine.toml"
    os.mkfifo(fifo)
    result = run_check(fifo, timeout=15)
    assert_one_line_error(result, says="not a regular file")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "inv.toml").mkdir()
    assert_one_line_error(run_check(tmp_path / "inv.toml"), says="folder")


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    with path.open("wb") as handle:  # sparse: 40 MB without writing them
        handle.write(CLEAN.encode())
        handle.truncate(inventory.MAX_INVENTORY_BYTES + 1024)
    assert_one_line_error(run_check(path), says="too large")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_one_line(clean: Path) -> None:
    clean.chmod(0)
    assert_one_line_error(run_check(clean), says="permission denied")


def test_deep_nesting_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("schema_version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    assert_one_line_error(run_check(path), says="nested")
    path.write_text(CLEAN + "\n[" + ".".join(["a"] * 999) + "]\nx = 1\n")
    assert_one_line_error(run_check(path), says="nested")


def test_a_ten_megabyte_field_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(CLEAN.replace('name = "Acme"', 'name = "Acme"\nnotes = "' + "word " * 2_000_000 + '"'))
    start = time.monotonic()
    result = run_check(path)
    assert_one_line_error(result, says="longer than any field needs")
    assert time.monotonic() - start < 15


# ------------------------------------------------------------------ wrong types are errors, not coerced


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("admin = false", 'admin = "yes"', "groups[0].admin"),
        ("admin = false", "admin = 1", "groups[0].admin"),
        ("schema_version = 1", 'schema_version = "1"', "schema_version"),
        ("schema_version = 1", "schema_version = 1.0", "schema_version"),
        ("expires = 2027-02-06", 'expires = "tomorrow"', "credentials[0].expires"),
        ('name = "Acme"', "name = 42", "clients[0].name"),
    ],
)
def test_wrong_types_are_errors_not_coerced(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(CLEAN.replace(old, new, 1))
    result = run_check(path)
    assert_one_line_error(result, says=field)


def test_strict_loading_keeps_dates_and_enums(clean: Path, demo_ws, tmp_path: Path) -> None:
    ws = load(clean)
    assert str(ws.credentials[0].expires) == "2027-02-06" and ws.credentials[0].method.value == "oauth-user"
    path = tmp_path / "demo.toml"
    save(demo_ws, path, expected_digest=None)
    assert load(path) == demo_ws


# ------------------------------------------------------------------ ReDoS in the naming convention


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(a+)+$",
        r"^([A-Za-z]+-?)*$",
        r"^(a|aa)*$",
        r"^([a-z]{1,3})*!$",
        r"^[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*!$",
        r"^(x)\1$",
    ],
)
def test_a_pathological_allowed_pattern_is_refused_in_bounded_time(tmp_path: Path, pattern: str) -> None:
    path = tmp_path / "idspine.toml"
    escaped = pattern.replace("\\", "\\\\")
    body = CLEAN.replace(
        'slug = "northwind"\n',
        f'slug = "northwind"\n\n[consultancy.naming]\nallowed_pattern = "{escaped}"\n',
        1,
    )
    body = body.replace('name = "Tenant-Acme-Data-Engineer"', 'name = "' + "a" * 60 + '!"')
    path.write_text(body)
    start = time.monotonic()
    result = run_check(path, timeout=30)
    assert_one_line_error(result, says="allowed_pattern")
    assert time.monotonic() - start < 20


def test_group_name_checks_stay_bounded_for_any_accepted_pattern() -> None:
    from wizard.model import NamingConvention
    from wizard.naming import check_group_name

    conv = NamingConvention(allowed_pattern=r"^[a-z]*[a-z]*[a-z]*!$", max_length=256)
    start = time.monotonic()
    for _ in range(20):
        check_group_name("a" * 256, conv)
        check_group_name("a" * 100_000, conv)
    assert time.monotonic() - start < 5


def test_ordinary_patterns_are_still_accepted() -> None:
    from wizard.model import NamingConvention

    for pattern in (
        r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        r"^(?:Tenant|Org|Admin)-[A-Za-z0-9-]+$",
        r"^(?!.*--)[A-Z][a-z]+-[A-Z][A-Za-z-]+$",
    ):
        NamingConvention(allowed_pattern=pattern)


# ------------------------------------------------------------------ duplicate keys


@pytest.mark.parametrize(
    ("extra", "subject"),
    [
        ('\n[[clients]]\nslug = "acme"\nname = "Acme again"\n', "client:acme"),
        (
            '\n[[credentials]]\nid = "acme-airtable-pat"\nservice = "airtable"\nmethod = "oauth-user"\nclient = "acme"\n'
            'owner = "alex@northwind.example"\nexpires = 2027-02-06\nsecret_ref = "env:ACME_OTHER"\n',
            "credential:acme-airtable-pat",
        ),
        (
            '\n[[groups]]\nname = "Tenant-Acme-Data-Engineer"\nclient = "acme"\nrole = "data-engineer"\n'
            'owners = ["alex@northwind.example"]\n',
            "group:Tenant-Acme-Data-Engineer",
        ),
    ],
)
def test_duplicate_keys_are_findings_with_exit_1(tmp_path: Path, extra: str, subject: str) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(CLEAN + extra)
    result = run_check(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert subject in result.stdout


# ------------------------------------------------------------------ saving: symlinks and read-only files


def test_saving_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "repo"
    real_dir.mkdir()
    target = real_dir / "idspine.toml"
    target.write_text(CLEAN)
    link = tmp_path / "idspine.toml"
    link.symlink_to(target)
    loaded = inventory.load_with_digest(link)
    ws = loaded.workspace
    ws.clients[0].notes = "changed through the link"
    save(ws, link, expected_digest=loaded.digest)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "changed through the link" in target.read_text()
    assert (real_dir / "idspine.toml.bak").read_text() == CLEAN
    assert not (tmp_path / "idspine.toml.bak").exists()
    assert (real_dir / ".idspine.toml.lock").exists()


def test_a_planted_bak_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(CLEAN)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "idspine.toml.bak").symlink_to(victim)
    ws = load(path)
    ws.clients[0].notes = "x"
    save(ws, path)
    assert victim.read_text() == "precious\n"


@pytest.mark.parametrize(
    "make_read_only",
    [
        lambda p: p.chmod(0o444),
        lambda p: p.parent.chmod(0o555),
    ],
    ids=["file-0444", "folder-0555"],
)
def test_a_read_only_inventory_is_never_replaced(
    tmp_path: Path, make_read_only: Callable[[Path], None]
) -> None:
    folder = tmp_path / "inv"
    folder.mkdir()
    path = folder / "idspine.toml"
    path.write_text(CLEAN)
    ws = load(path)
    ws.clients[0].notes = "should not be written"
    make_read_only(path)
    try:
        inode = path.stat().st_ino
        with pytest.raises(InventoryError) as info:
            save(ws, path)
        assert "read-only" in str(info.value)
        assert path.read_text() == CLEAN and path.stat().st_ino == inode
        assert not (folder / "idspine.toml.bak").exists()
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), IDSPINE_TODAY=TODAY)
    return subprocess.run(
        [sys.executable, "-m", "wizard", *argv], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_read_only_inventory_through_the_cli_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(CLEAN)
    path.chmod(0o444)
    try:
        result = _cli("offboard", "acme", "--file", str(path), "--mark-retired", "--yes")
        assert_one_line_error(result, says="read-only")
        assert path.read_text() == CLEAN
    finally:
        path.chmod(0o644)


def test_demo_write_into_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = _cli("demo", "--write", str(folder / "idspine.toml"))
        assert_one_line_error(result, says="read-only")
        assert not (folder / "idspine.toml").exists()
    finally:
        folder.chmod(0o755)


def test_the_cli_saves_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    target = tmp_path / "repo" / "idspine.toml"
    target.write_text(CLEAN)
    link = tmp_path / "idspine.toml"
    link.symlink_to(target)
    result = _cli("offboard", "acme", "--file", str(link), "--mark-retired", "--yes")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and 'status = "retired"' in target.read_text()


def test_the_naming_flow_refuses_a_pathological_pattern_up_front() -> None:
    from flows.naming import _check_pattern

    assert _check_pattern(r"^(a+)+$") and _check_pattern("[unclosed")
    assert _check_pattern(r"^[A-Za-z0-9][A-Za-z0-9._-]*$") == []


@pytest.mark.parametrize(
    "filler",
    ["a" * 16_000, "ab-" * 5_000, "://a:" + "b" * 15_000, "a." * 8_000],
    ids=["letters", "dashes", "colons", "dots"],
)
def test_a_maximal_hostile_file_is_checked_in_bounded_time(tmp_path: Path, filler: str) -> None:
    # As many maximal fields as the size cap allows, each shaped to be slow for pattern matching.
    body = CLEAN + "".join(
        f'\n[[checklist]]\nid = "c{i}"\ntext = "{i} {filler[: inventory.MAX_FIELD_CHARS - 20]}"\n'
        for i in range((inventory.MAX_INVENTORY_BYTES - 10_000) // 16_500)
    )
    path = tmp_path / "idspine.toml"
    path.write_text(body)
    start = time.monotonic()
    result = run_check(path, timeout=120)
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr
    assert "too large" not in result.stderr  # the whole file was scanned, not refused by its size
    assert time.monotonic() - start < 20


def test_an_endless_comment_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(CLEAN + "# " + "x" * 5_000_000 + "\n")
    assert_one_line_error(run_check(path), says="longer than")


def test_a_lock_that_cannot_be_created_is_one_error(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = load(clean)
    real_open = os.open

    def refuse_lock(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith(".lock"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse_lock)
    with pytest.raises(InventoryError) as info:
        save(ws, clean)
    assert "permission denied" in str(info.value)
