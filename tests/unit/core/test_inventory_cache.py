"""The parse cache: a warm load returns exactly what the full path returns, and any doubt is a miss."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import inventory, inventory_cache
from wizard.demo import scaled_workspace
from wizard.inventory import InventoryError, dumps, load_with_digest, parse, save
from wizard.model import Workspace

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("IDSPINE_PARSE_CACHE", raising=False)
    return folder


def _full(path: Path) -> tuple[Workspace, str, int | None]:
    return parse(path.read_bytes(), path)


def _spy_full_parse(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = inventory._parse

    def counting(data: bytes, path: Path | str) -> tuple[Workspace, str, int | None, str, dict[str, object]]:
        calls.append(1)
        return real(data, path)

    monkeypatch.setattr(inventory, "_parse", counting)
    return calls


def _write(ws: Workspace, tmp_path: Path) -> Path:
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(ws), encoding="utf-8")
    return path


@pytest.mark.parametrize("size", [None, 300])
def test_a_warm_load_equals_the_full_path(
    size: int | None, demo_ws: Workspace, today: dt.date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = demo_ws if size is None else scaled_workspace(size, today)
    path = _write(ws, tmp_path)
    calls = _spy_full_parse(monkeypatch)
    cold = load_with_digest(path)
    assert calls == [1] and inventory_cache.entry_path(path).exists()
    warm = load_with_digest(path)
    assert calls == [1], "the second load took the cache"
    full = _full(path)
    assert warm.workspace == cold.workspace == full[0] == ws
    assert warm.workspace.model_dump() == full[0].model_dump()
    assert warm.digest == cold.digest == full[1]
    assert warm.migrated_from is None


def test_a_migrated_file_stays_migrated_when_warm(demo_ws: Workspace, tmp_path: Path) -> None:
    path = _write(demo_ws, tmp_path)
    path.write_text(path.read_text().replace("schema_version = 1", "schema_version = 0"))
    cold = load_with_digest(path)
    warm = load_with_digest(path)
    assert cold.migrated_from == warm.migrated_from == 0
    assert warm.migration_note and warm.workspace == cold.workspace


def test_the_cache_is_private(demo_ws: Workspace, tmp_path: Path) -> None:
    path = _write(demo_ws, tmp_path)
    load_with_digest(path)
    entry = inventory_cache.entry_path(path)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert entry.parent.stat().st_mode & 0o777 == 0o700
    assert entry.is_relative_to(tmp_path / "cache-home")


def test_a_changed_file_never_hits(demo_ws: Workspace, tmp_path: Path) -> None:
    path = _write(demo_ws, tmp_path)
    load_with_digest(path)
    path.write_text(path.read_text().replace(demo_ws.consultancy.name, "Changed Name Ltd"))
    loaded = load_with_digest(path)
    assert loaded.workspace.consultancy.name == "Changed Name Ltd"
    assert loaded.workspace == _full(path)[0]


def test_changed_rules_never_hit(demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(demo_ws, tmp_path)
    load_with_digest(path)
    data = path.read_bytes()
    assert inventory_cache.lookup(path, inventory.digest_of(data)) is not None
    monkeypatch.setattr(inventory_cache, "rules_fingerprint", lambda: "other rules")
    assert inventory_cache.lookup(path, inventory.digest_of(data)) is None
    calls = _spy_full_parse(monkeypatch)
    load_with_digest(path)
    assert calls == [1]


def test_the_fingerprint_covers_every_module_the_reader_imports() -> None:
    code = (
        "import sys, wizard.inventory\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'wizard'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    package = ROOT / "wizard"
    imported = {Path(f).resolve().relative_to(package).as_posix() for f in out}
    assert imported <= set(inventory_cache.READER_MODULES)


def test_a_guard_rule_change_changes_the_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = inventory_cache.rules_fingerprint()
    fake = tmp_path / "wizard"
    for name in inventory_cache.READER_MODULES:
        (fake / name).parent.mkdir(parents=True, exist_ok=True)
        (fake / name).write_bytes((ROOT / "wizard" / name).read_bytes())
    import wizard

    monkeypatch.setattr(wizard, "__file__", str(fake / "__init__.py"))
    inventory_cache.rules_fingerprint.cache_clear()
    try:
        assert inventory_cache.rules_fingerprint() == before
        guard = fake / "secrets" / "guard.py"
        guard.write_text(guard.read_text() + "\n# one more rule\n")
        inventory_cache.rules_fingerprint.cache_clear()
        assert inventory_cache.rules_fingerprint() != before
    finally:
        inventory_cache.rules_fingerprint.cache_clear()


def _entry(path: Path) -> tuple[dict[str, object], bytes]:
    head, _, doc = inventory_cache.entry_path(path).read_bytes().partition(b"\n")
    return json.loads(head), doc


def _put(path: Path, header: dict[str, object], doc: bytes) -> None:
    entry = inventory_cache.entry_path(path)
    entry.write_bytes(json.dumps(header).encode() + b"\n" + doc)
    entry.chmod(0o600)


def _damage_cases(header: dict[str, object], doc: bytes) -> list[bytes]:
    def blob(h: dict[str, object], d: bytes) -> bytes:
        return json.dumps(h).encode() + b"\n" + d

    return [
        b"",
        b"not json\n" + doc,
        blob(header, doc[: len(doc) // 2]),  # cut short
        blob(header, doc.replace(b'"', b"'", 1)),  # one byte changed
        blob({**header, "format": 99}, doc),
        blob({**header, "migrated_from": "0"}, doc),
        blob({k: v for k, v in header.items() if k != "rules"}, doc),
        json.dumps(header).encode(),  # no document at all
        b"\x00" * 64,
    ]


def test_a_damaged_cache_falls_back_to_the_full_path(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(demo_ws, tmp_path)
    load_with_digest(path)
    header, doc = _entry(path)
    for damaged in _damage_cases(header, doc):
        entry = inventory_cache.entry_path(path)
        entry.write_bytes(damaged)
        entry.chmod(0o600)
        assert inventory_cache.lookup(path, inventory.digest_of(path.read_bytes())) is None
        calls = _spy_full_parse(monkeypatch)
        assert load_with_digest(path).workspace == demo_ws
        assert calls == [1]
        monkeypatch.undo()
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))


def test_a_cached_document_still_passes_the_models_checks(
    demo_ws: Workspace, tmp_path: Path, canaries: dict[str, str]
) -> None:
    """A forged entry (right header, a secret in the document) does not validate: the full path runs."""
    path = _write(demo_ws, tmp_path)
    load_with_digest(path)
    header, doc = _entry(path)
    secret = next(iter(canaries.values()))
    forged = doc.replace(demo_ws.consultancy.name.encode(), secret.encode(), 1)
    assert forged != doc
    _put(path, {**header, "doc_sha256": inventory_cache.hashlib.sha256(forged).hexdigest()}, forged)
    loaded = load_with_digest(path)
    assert loaded.workspace == demo_ws
    assert secret not in str(loaded.workspace.model_dump())


@pytest.mark.parametrize("problem", ["group-writable", "symlink", "other-owner", "open-folder"])
def test_a_cache_others_could_write_is_ignored(
    problem: str, demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(demo_ws, tmp_path)
    load_with_digest(path)
    entry = inventory_cache.entry_path(path)
    digest = inventory.digest_of(path.read_bytes())
    assert inventory_cache.lookup(path, digest) is not None
    if problem == "group-writable":
        entry.chmod(0o620)
    elif problem == "symlink":
        elsewhere = tmp_path / "elsewhere.json"
        entry.rename(elsewhere)
        entry.symlink_to(elsewhere)
    elif problem == "other-owner":
        other = os.getuid() + 1
        monkeypatch.setattr(inventory_cache.os, "getuid", lambda: other)
    else:
        entry.parent.chmod(0o777)
    assert inventory_cache.lookup(path, digest) is None
    assert load_with_digest(path).workspace == demo_ws


def test_a_refused_file_is_never_cached_and_keeps_its_line(
    demo_ws: Workspace, tmp_path: Path, canaries: dict[str, str]
) -> None:
    path = _write(demo_ws, tmp_path)
    load_with_digest(path)
    secret = next(iter(canaries.values()))
    text = path.read_text()
    path.write_text(text.replace(f'name = "{demo_ws.consultancy.name}"', f'name = "{secret}"', 1))
    for _ in range(2):
        with pytest.raises(InventoryError) as caught:
            load_with_digest(path)
        assert caught.value.line is not None and secret not in str(caught.value)
    path.write_text(text + "\nnot toml at all\n")
    for _ in range(2):
        with pytest.raises(InventoryError) as caught:
            load_with_digest(path)
        assert caught.value.line == text.count("\n") + 2


def test_save_leaves_the_next_load_warm(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "idspine.toml"
    digest = save(demo_ws, path, expected_digest=None)
    demo_ws.credentials[0].notes = "changed"
    digest = save(demo_ws, path, expected_digest=digest)
    calls = _spy_full_parse(monkeypatch)
    loaded = load_with_digest(path)
    assert calls == [] and loaded.digest == digest and loaded.workspace == demo_ws


def test_save_through_a_link_caches_the_target(demo_ws: Workspace, tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    digest = save(demo_ws, link, expected_digest=None)
    assert inventory_cache.entry_path(link) == inventory_cache.entry_path(real)
    assert inventory_cache.lookup(real, digest) is not None


def test_the_cache_can_be_turned_off(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDSPINE_PARSE_CACHE", "off")
    path = _write(demo_ws, tmp_path)
    calls = _spy_full_parse(monkeypatch)
    load_with_digest(path)
    load_with_digest(path)
    assert calls == [1, 1]
    assert not inventory_cache.entry_path(path).exists()


def test_an_unwritable_cache_folder_does_not_stop_loading(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = _write(demo_ws, tmp_path)
    assert load_with_digest(path).workspace == demo_ws
    assert load_with_digest(path).workspace == demo_ws
