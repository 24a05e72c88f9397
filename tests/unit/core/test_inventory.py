"""The inventory file: stable round trips, clear errors with file and line, safe atomic saves."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import files, inventory
from wizard.demo import scaled_workspace
from wizard.inventory import InventoryError, dumps, load, load_with_digest, parse, save
from wizard.model import Credential, Method, Status, Workspace


def test_round_trip_is_byte_identical(demo_ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_ws, path, expected_digest=None)
    first = path.read_bytes()
    again = load(path)
    assert again == demo_ws
    save(again, path)
    assert path.read_bytes() == first
    assert dumps(again) == first.decode()


def test_keys_keep_a_stable_order(demo_ws: Workspace) -> None:
    text = dumps(demo_ws)
    assert text.index("schema_version") < text.index("[consultancy]") < text.index("[[clients]]")
    assert text.index("[[clients]]") < text.index("[[groups]]") < text.index("[[credentials]]")


def test_a_one_field_change_is_a_small_diff(demo_ws: Workspace) -> None:
    before = dumps(demo_ws).splitlines()
    demo_ws.credentials[3].owner = "sam@northwinddata.onmicrosoft.com"
    after = dumps(demo_ws).splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
    assert len(changed) <= 2 and len(before) + 1 >= len(after) >= len(before)


_slug = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
_words = st.text(alphabet=st.sampled_from("abcdefghij klmnop-_.,:ÄéЖ"), max_size=30).map(str.strip)


@st.composite
def credentials(draw: st.DrawFn) -> Credential:
    start = dt.date(2024, 1, 1)
    created = draw(st.none() | st.dates(min_value=start, max_value=dt.date(2027, 1, 1)))
    return Credential(
        id=draw(_slug),
        service=draw(st.sampled_from(["github", "airtable", "supabase", "n8n"])),
        method=draw(st.sampled_from(list(Method))),
        label=draw(_words),
        notes=draw(_words),
        scopes=draw(st.lists(_words.filter(bool), max_size=3)),
        created=created,
        expires=draw(st.none() | st.dates(min_value=start, max_value=dt.date(2030, 1, 1))),
        secret_ref=draw(st.none() | _slug.map(lambda s: "env:" + s.upper().replace("-", "_"))),
        used_by=draw(st.lists(_words.filter(bool).map(lambda w: "n8n:" + w), max_size=2)),
        status=draw(st.sampled_from(list(Status))),
        privileged=draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(creds=st.lists(credentials(), max_size=8))
def test_any_workspace_round_trips(demo_ws: Workspace, creds: list[Credential]) -> None:
    ws = demo_ws.model_copy(update={"credentials": creds})
    text = dumps(ws)
    loaded, _, _ = parse(text.encode())
    assert loaded == ws
    assert dumps(loaded) == text


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_garbage_gives_an_inventory_error_never_a_crash(data: bytes) -> None:
    try:
        parse(data, "fuzz.toml")
    except InventoryError as exc:
        assert "fuzz.toml" in str(exc)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "idspine.toml"
    path.write_text(text)
    return path


def test_toml_syntax_error_names_file_and_line(demo_ws: Workspace, tmp_path: Path) -> None:
    lines = dumps(demo_ws).splitlines()
    lines[9] = "this is = = not toml"
    path = _write(tmp_path, "\n".join(lines))
    with pytest.raises(InventoryError) as info:
        load(path)
    assert info.value.line == 10 and str(path) in str(info.value) and ":10" in str(info.value)


def test_invalid_value_names_the_field_and_its_line(demo_ws: Workspace, tmp_path: Path) -> None:
    text = dumps(demo_ws)
    target = 'method = "pat"'
    line_no = text[: text.index(target)].count("\n") + 1
    path = _write(tmp_path, text.replace(target, 'method = "telepathy"', 1))
    with pytest.raises(InventoryError) as info:
        load(path)
    assert info.value.line == line_no
    assert "method" in (info.value.field or "") and "telepathy" not in str(info.value)


def test_a_planted_secret_is_refused_with_line_and_never_echoed(
    demo_ws: Workspace, tmp_path: Path, canaries: dict[str, str]
) -> None:
    text = dumps(demo_ws)
    target = 'label = "Airtable base: Orders"'
    line_no = text[: text.index(target)].count("\n") + 1
    for value in canaries.values():
        if "\n" in value:
            continue
        path = _write(tmp_path, text.replace(target, f'label = "token {value}"', 1))
        with pytest.raises(InventoryError) as info:
            load(path)
        assert info.value.line == line_no, value[:4]
        assert value not in str(info.value) and value[:10] not in str(info.value)


def test_unknown_keys_are_errors(demo_ws: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path, dumps(demo_ws).replace("[consultancy]\n", '[consultancy]\nsecret = "x"\n', 1))
    with pytest.raises(InventoryError) as info:
        load(path)
    assert "secret" in str(info.value)


def test_a_damaged_file_is_never_overwritten(demo_ws: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path, dumps(demo_ws)[:-200])  # truncated mid-file
    damaged = path.read_bytes()
    with pytest.raises(InventoryError) as info:
        save(demo_ws, path)
    assert "damaged" in str(info.value)
    assert path.read_bytes() == damaged


def test_save_refuses_when_the_file_changed_since_loading(demo_ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_ws, path, expected_digest=None)
    loaded = load_with_digest(path)
    other = loaded.workspace.model_copy(deep=True)
    other.consultancy.home_tenant = "other.onmicrosoft.com"
    save(other, path, expected_digest=loaded.digest)  # first writer wins
    mine = loaded.workspace.model_copy(deep=True)
    mine.consultancy.name = "Mine"
    with pytest.raises(InventoryError) as info:
        save(mine, path, expected_digest=loaded.digest)
    assert "changed on disk" in str(info.value)
    assert load(path).consultancy.home_tenant == "other.onmicrosoft.com"


def test_save_keeps_one_backup_and_the_mode(demo_ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_ws, path, expected_digest=None)
    os.chmod(path, 0o640)
    first = path.read_bytes()
    demo_ws.consultancy.name = "Northwind Analytics"
    save(demo_ws, path)
    assert (tmp_path / "idspine.toml.bak").read_bytes() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_new_file_refuses_to_replace_an_existing_one(demo_ws: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path, "# mine\n")
    with pytest.raises(InventoryError):
        save(demo_ws, path, expected_digest=None)
    assert path.read_text() == "# mine\n"


def test_disk_full_keeps_the_old_file(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_ws, path, expected_digest=None)
    before = path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(inventory.os, "fsync", full)
    demo_ws.consultancy.name = "Changed"
    with pytest.raises(InventoryError) as info:
        save(demo_ws, path)
    assert "disk is full" in str(info.value)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_read_only_folder_is_a_clear_error(
    demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_ws, path, expected_digest=None)
    before = path.read_bytes()

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only)
    demo_ws.consultancy.name = "Changed"
    with pytest.raises(InventoryError) as info:
        save(demo_ws, path)
    assert "read-only" in str(info.value) and path.read_bytes() == before


def test_ten_thousand_credentials_round_trip(today: dt.date, tmp_path: Path) -> None:
    ws = scaled_workspace(10_000, today)
    path = tmp_path / "big.toml"
    save(ws, path, expected_digest=None)
    assert len(load(path).credentials) == 10_000
