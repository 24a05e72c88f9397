"""The save's check part by part: the bytes written and the document checked equal the full path's, and
everything the full check refuses is still refused (with its line), whether the parts are known or new."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import inventory, inventory_cache, inventory_toml, inventory_verify
from wizard.demo import DEMO_TODAY, demo_workspace, scaled_workspace
from wizard.inventory import InventoryError, dumps, load, save
from wizard.inventory_toml import Part
from wizard.model import SCHEMA_VERSION, Workspace


@pytest.fixture(autouse=True)
def _fresh_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    inventory_verify.forget()


def _full_doc(text: str) -> str:
    return inventory._parse(text.encode(), "<test>")[3]


def _doc(ws: Workspace, partwise: bool = True) -> str | None:
    """The part-wise document; partwise: every new part is checked on its own, however many are new."""
    text, parts = inventory._dump(ws)
    assert parts is not None
    saved = inventory_verify._MANY
    inventory_verify._MANY = 10**9 if partwise else saved
    try:
        return inventory_verify.document(parts, "<test>", SCHEMA_VERSION)
    finally:
        inventory_verify._MANY = saved


HOSTILE = [
    'quote " and backslash \\ and tab \t',
    "new\nline\r\nand form\ffeed",
    "unicode é ß 漢字 \u2028 \U0001f600 # not a comment",
    "[[credentials]]\nid = 'smuggled'",
    "x" * 150,
]


@pytest.mark.parametrize("n", [0, 250])
def test_the_parts_are_the_text(n: int) -> None:
    ws = scaled_workspace(n, DEMO_TODAY) if n else demo_workspace(DEMO_TODAY)
    ordered = ws.model_dump(mode="python", exclude_defaults=True)
    parts = inventory_toml.dumps_parts(ordered)
    assert parts is not None
    assert "".join(t for _, _, t in parts) == tomli_w.dumps(ordered, multiline_strings=False)
    text, with_header = inventory._dump(ws)
    assert (
        text
        == dumps(ws)
        == inventory.HEADER
        + tomli_w.dumps({"schema_version": ws.schema_version, **ordered}, multiline_strings=False)
    )
    assert with_header is not None and "".join(t for _, _, t in with_header) == text


@pytest.mark.parametrize("n", [0, 250])
def test_the_document_equals_the_whole_parse_cold_and_warm(n: int) -> None:
    ws = scaled_workspace(n, DEMO_TODAY) if n else demo_workspace(DEMO_TODAY)
    full = _full_doc(dumps(ws))
    assert _doc(ws) == full  # every part new
    assert _doc(ws) == full  # every part known
    ws.credentials[min(3, len(ws.credentials) - 1)].notes = HOSTILE[2]
    ws.clients[0].name = HOSTILE[0]
    assert _doc(ws) == _full_doc(dumps(ws))  # two parts new


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(HOSTILE + ["", "plain words"])), max_size=6
    ),
    drop=st.booleans(),
)
def test_any_edit_checks_as_the_full_path(edits: list[tuple[int, str]], drop: bool) -> None:
    ws = demo_workspace(DEMO_TODAY)
    assert _doc(ws) == _full_doc(dumps(ws))
    for index, notes in edits:
        ws.credentials[index % len(ws.credentials)].notes = notes
    if drop:
        ws.credentials.pop()
        ws.groups = []
    assert _doc(ws) == _full_doc(dumps(ws))


def test_save_writes_what_dumps_writes_and_loads_back(tmp_path: Path) -> None:
    ws = scaled_workspace(120, DEMO_TODAY)
    path = tmp_path / "idspine.toml"
    digest = save(ws, path, expected_digest=None)
    for i in range(3):
        ws.credentials[i * 7].notes = HOSTILE[i]
        digest = save(ws, path, expected_digest=digest)
        assert path.read_text(encoding="utf-8") == dumps(ws)
        assert load(path) == ws


def _break(ws: Workspace, how: str) -> None:
    cred = ws.credentials[0]
    if how == "validation":  # past validate_assignment: the save's validation is what catches it
        cred.__dict__["google_publishing_status"] = "testing"
    else:  # a secret past the model's own check
        cred.__dict__["notes"] = "token ghp_" + "A1b2C3d4E5" * 4


@pytest.mark.parametrize("how", ["validation", "secret"])
@pytest.mark.parametrize("warm", [False, True])
def test_what_the_full_check_refuses_is_refused(how: str, warm: bool, tmp_path: Path) -> None:
    ws = demo_workspace(DEMO_TODAY)
    path = tmp_path / "idspine.toml"
    digest = save(ws, path, expected_digest=None)
    before = path.read_bytes()
    if not warm:
        inventory_verify.forget()
    _break(ws, how)
    with pytest.raises(InventoryError) as caught:
        save(ws, path, expected_digest=digest)
    with pytest.raises(InventoryError) as full:
        inventory.parse(dumps(ws).encode(), path)
    assert (caught.value.reason, caught.value.line, caught.value.field) == (
        full.value.reason,
        full.value.line,
        full.value.field,
    )
    assert caught.value.line is not None and "ghp_" not in str(caught.value)
    assert path.read_bytes() == before


def test_a_planted_comment_in_a_known_table_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = demo_workspace(DEMO_TODAY)
    path = tmp_path / "idspine.toml"
    digest = save(ws, path, expected_digest=None)
    real = inventory._dump

    def planted(w: Workspace) -> tuple[str, list[inventory_toml.Part] | None]:
        text, parts = real(w)
        assert parts is not None
        key, array, part = parts[-1]
        parts[-1] = (key, array, part + "# old token ghp_" + "A1b2C3d4E5" * 4 + "\n")
        return "".join(t for _, _, t in parts), parts

    with pytest.raises(InventoryError, match="comment"):
        inventory.parse(planted(ws)[0].encode(), path)  # the full check refuses it
    monkeypatch.setattr(inventory, "_dump", planted)
    with pytest.raises(InventoryError) as caught:
        save(ws, path, expected_digest=digest)
    assert "comment" in caught.value.reason and caught.value.line is not None


@pytest.mark.parametrize(
    "change",
    [
        lambda parts: parts[1:],  # no plain values first
        lambda parts: [parts[0], parts[1], parts[1]],  # a table twice
        lambda parts: [
            (None, False, parts[0][2].replace(f"schema_version = {SCHEMA_VERSION}", "schema_version = 0")),
            *parts[1:],
        ],
        lambda parts: [parts[0], (parts[1][0], parts[1][1], parts[1][2] + "[other]\nx = 1\n"), *parts[2:]],
        lambda parts: [parts[0], ("elsewhere", parts[1][1], parts[1][2]), *parts[2:]],
        lambda parts: [parts[0], (parts[1][0], parts[1][1], parts[1][2] + "broken = [\n"), *parts[2:]],
    ],
)
def test_a_shape_the_writer_never_makes_takes_the_full_check(change) -> None:  # type: ignore[no-untyped-def]
    text, parts = inventory._dump(demo_workspace(DEMO_TODAY))
    assert parts is not None
    assert inventory_verify.document(parts, "<test>", SCHEMA_VERSION) is not None
    assert inventory_verify.document(change(parts), "<test>", SCHEMA_VERSION) is None


def test_an_array_cut_in_two_takes_the_full_check() -> None:
    ws = demo_workspace(DEMO_TODAY)
    text, parts = inventory._dump(ws)
    assert parts is not None
    creds = [i for i, p in enumerate(parts) if p[0] == "credentials"]
    moved = [parts[0], parts[creds[0]], *parts[1 : creds[0]], *parts[creds[0] + 1 :]]
    assert inventory_verify.document(moved, "<test>", SCHEMA_VERSION) is None


def test_dates_are_written_as_the_full_check_writes_them() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.credentials[0].expires = dt.date(2030, 1, 2)
    doc = _doc(ws)
    assert doc is not None and json.loads(doc)["credentials"][0]["expires"] == "2030-01-02"
    assert doc == _full_doc(dumps(ws))


def test_most_parts_new_takes_the_whole_parse_and_primes_the_next_save(tmp_path: Path) -> None:
    ws = scaled_workspace(400, DEMO_TODAY)
    assert _doc(ws, partwise=False) is None  # 400 new parts: the whole parse is cheaper
    text, parts = inventory._dump(ws)
    assert parts is not None
    _, _, _, full, raw = inventory._parse(text.encode(), "<test>")
    inventory_verify.prime(parts, raw, SCHEMA_VERSION, full)
    ws.credentials[7].notes = HOSTILE[1]
    calls: list[Part] = []
    real = inventory_verify._check_part

    def counting(key: str | None, array: bool, text: str, path: object) -> str:
        calls.append((key, array, text))
        return real(key, array, text, path)  # type: ignore[arg-type]

    inventory_verify._check_part = counting  # type: ignore[assignment]
    try:
        assert _doc(ws, partwise=False) == _full_doc(dumps(ws))
    finally:
        inventory_verify._check_part = real  # type: ignore[assignment]
    assert len(calls) == 1 and HOSTILE[1].replace("\n", "\\n")[:8] in calls[0][2]


def test_a_prime_that_does_not_match_the_document_is_not_kept() -> None:
    ws = scaled_workspace(100, DEMO_TODAY)
    text, parts = inventory._dump(ws)
    assert parts is not None
    _, _, _, full, raw = inventory._parse(text.encode(), "<test>")
    raw["credentials"][3]["label"] = "not what the text says"
    inventory_verify.prime(parts, raw, SCHEMA_VERSION, full)
    assert inventory_verify.index() == []


def test_the_next_process_first_save_uses_the_stored_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = scaled_workspace(400, DEMO_TODAY)
    path = tmp_path / "idspine.toml"
    digest = save(ws, path, expected_digest=None)
    index = inventory_verify.index()
    doc = inventory_cache.entry_path(path).read_bytes().split(b"\n")[1].decode()
    text, parts = inventory._dump(ws)
    assert parts is not None
    stored = inventory_cache.stored_parts(path)
    for (key, array, part_text), (k, a, sha, start, end) in zip(parts, index, strict=True):
        assert (key, array, inventory_verify.text_digest(part_text)) == (k, a, sha)
        assert (
            doc[start:end]
            == stored[(k, a, sha)]
            == inventory_verify._check_part(key, array, part_text, "<t>")
        )
    inventory_verify.forget()  # as a new process
    full_parses = []
    real = inventory._parse
    monkeypatch.setattr(inventory, "_parse", lambda d, p: full_parses.append(1) or real(d, p))
    ws.credentials[3].notes = HOSTILE[3]
    digest = save(ws, path, expected_digest=digest)
    assert full_parses == [] and path.read_text(encoding="utf-8") == dumps(ws)
    assert load(path) == ws


def test_a_damaged_index_is_not_used(tmp_path: Path) -> None:
    ws = scaled_workspace(100, DEMO_TODAY)
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    entry = inventory_cache.entry_path(path)
    head, doc, index = entry.read_bytes().split(b"\n")
    assert inventory_cache.stored_parts(path)
    for damaged in (index.replace(b"true", b"false", 1), index[:-5], b"[[1, 2]]"):
        entry.write_bytes(head + b"\n" + doc + b"\n" + damaged)
        assert inventory_cache.stored_parts(path) == {}
    header = json.loads(head)
    forged = json.dumps([["credentials", True, "0" * 64, 0, 10**9]]).encode()
    header["index_sha256"] = inventory_cache.hashlib.sha256(forged).hexdigest()
    entry.write_bytes(json.dumps(header).encode() + b"\n" + doc + b"\n" + forged)
    assert inventory_cache.stored_parts(path) == {}  # offsets outside the document


def test_load_and_save_leave_the_collector_as_they_found_it(tmp_path: Path) -> None:
    import gc

    ws = demo_workspace(DEMO_TODAY)
    path = tmp_path / "idspine.toml"
    assert gc.isenabled()
    digest = save(ws, path, expected_digest=None)
    assert load(path) == ws and gc.isenabled()
    broken = tmp_path / "broken.toml"
    broken.write_text("not = [toml\n")
    with pytest.raises(InventoryError):
        load(broken)
    with pytest.raises(InventoryError):
        save(ws, path, expected_digest="not the digest")
    assert gc.isenabled()
    gc.disable()
    try:
        ws.credentials[0].notes = "changed"
        save(ws, path, expected_digest=digest)
        load(path)
        assert not gc.isenabled()
    finally:
        gc.enable()
