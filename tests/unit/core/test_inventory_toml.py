"""The fast TOML writer writes exactly what tomli-w writes (the inventory's layout must not change)."""

from __future__ import annotations

import datetime as dt

import pytest
import tomli
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import inventory_toml
from wizard.demo import DEMO_TODAY, demo_workspace, scaled_workspace
from wizard.inventory import HEADER, dumps


def _doc(ws: object) -> dict[str, object]:
    return ws.model_dump(mode="python", exclude_defaults=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("n", [0, 200])
def test_the_inventory_is_written_as_tomli_w_writes_it(n: int) -> None:
    ws = scaled_workspace(n, DEMO_TODAY) if n else demo_workspace(DEMO_TODAY)
    doc = _doc(ws)
    assert inventory_toml.dumps(doc) == tomli_w.dumps(doc, multiline_strings=False)
    assert dumps(ws).startswith(HEADER)


HOSTILE = [
    "",
    'quote " and backslash \\ and tab \t',
    "new\nline\r\nand form\ffeed\bback",
    "\x00\x01\x1f\x7f control",
    "unicode é ß 漢字 \u2028 \U0001f600",
    "x" * 120,
]


def test_hostile_text_keys_arrays_and_tables_match_tomli_w() -> None:
    doc: dict[str, object] = {
        "schema_version": 1,
        "plain": HOSTILE,
        "with space": {"key.dot": "v", "": "empty key", "ok-key_1": True, "n": -3, "f": 1.5},
        "dates": {"d": dt.date(2026, 11, 23), "dt": dt.datetime(2026, 11, 23, 10, 30)},
        "nested": [[1, 2], [], ["a", ["b"]]],
        "short": [{"a": 1}, {"b": "two"}],  # fits inline
        "long": [{"text": t, "more": [t]} for t in HOSTILE],  # an array of tables
        "empty": {},
        "deep": {"a": {"b": {"c": [{"d": {"e": "f"}}], "g": "h"}}},
    }
    text = inventory_toml.dumps(doc)
    assert text == tomli_w.dumps(doc, multiline_strings=False)
    assert tomli.loads(text) == doc


def test_an_unknown_type_is_left_to_tomli_w() -> None:
    doc = {"t": dt.time(10, 30)}
    assert inventory_toml.dumps(doc) == tomli_w.dumps(doc) == "t = 10:30:00\n"


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_key = st.one_of(st.sampled_from(["id", "name", "notes", "scopes", "a-b_1"]), _text)
_scalar = st.one_of(_text, st.booleans(), st.integers(-(2**40), 2**40), st.dates())
_leaf = st.one_of(_scalar, st.lists(_text, max_size=3), st.lists(_scalar, max_size=3))
_docs = st.recursive(
    st.dictionaries(_key, _leaf, max_size=5),
    lambda inner: st.dictionaries(
        _key, st.one_of(_leaf, inner, st.lists(inner, min_size=1, max_size=3)), max_size=5
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_docs)
def test_any_document_is_written_as_tomli_w_writes_it(doc: dict[str, object]) -> None:
    assert inventory_toml.dumps(doc) == tomli_w.dumps(doc, multiline_strings=False)
    parts = inventory_toml.dumps_parts(doc)
    assert parts is not None and "".join(t for _, _, t in parts) == inventory_toml.dumps(doc)
