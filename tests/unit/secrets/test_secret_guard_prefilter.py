"""The guard's needle prefilter never changes an answer: text it lets skip the combined pattern is text that
pattern cannot match (checked on generated text, on every shape's own examples, and on the shapes themselves)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.secrets import guard

SAMPLES = [
    "ghp_" + "a1B2" * 8,
    "github_pat_" + "x" * 30,
    "patABCDEFGHIJKLMN." + "a" * 24,
    "keyABCDEFGHIJKLMN",
    "KEYABCDEFGHIJKLMN",
    "sbp_" + "a" * 30,
    "xoxb-123456789012",
    "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXX",
    "AKIAIOSFODNN7EXAMPLE",
    "AIza" + "B" * 35,
    "sk-proj-" + "z" * 30,
    "sk_live_" + "9" * 20,
    "glpat-" + "q" * 24,
    "dapi" + "0" * 32,
    "hf_" + "A" * 30,
    "shpat_" + "a" * 32,
    "dop_v1_" + "a" * 64,
    "pat-na1-12345678-1234-1234-1234-123456789abc",
    "a" * 52,
    "x" * 76 + "AZDO" + "abcd",
    "https://acct.blob.core.windows.net/c?SIG=abcdefghijklmnop1234",
    "npm_" + "a" * 36,
    "pypi-AgE" + "b" * 40,
    "SG." + "a" * 20 + "." + "b" * 20,
    "eyJhbGciOiJIUzI1.eyJzdWIiOiIx.abcdefghijk",
    "abc1Q~" + "x" * 34,
    '{"private_key_id": "1"}',
    "postgres://user:pa55@db.example.com/x",
    "Server=x;PASSWORD=hunter2;",
    "service-account-key for google-cloud",
    "Tenant-Acme-Data-Engineer",
    "svc-n8n-graph-acme",
    "env:AIRTABLE_TOKEN",
]
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~:/?&=;@ Q+%\"'"


def combined(text: str) -> str | None:
    """The combined pattern alone, on text of up to 256 characters."""
    match = guard._KNOWN_ANY.search(text)
    return guard._KNOWN_SHAPES[int(match.lastgroup[1:])][0] if match else None  # type: ignore[index]


def before(text: str) -> str | None:
    """The guard's answer without the prefilter: an empty needle is in every text, so nothing skips."""
    needles = guard._NEEDLES
    guard._NEEDLES = ("",)
    try:
        return guard.find_secret_kind.__wrapped__(text)
    finally:
        guard._NEEDLES = needles


def now(text: str) -> str | None:
    return guard.find_secret_kind.__wrapped__(text)


def test_every_shape_without_needles_needs_the_minimum_length() -> None:
    for _, pattern, needles in guard._SHAPES:
        if not needles:
            assert re._parser.parse(pattern).getwidth()[0] >= guard._NEEDLELESS_MIN_LENGTH  # type: ignore[attr-defined]


def test_every_shape_holds_one_of_its_needles_in_any_match() -> None:
    """Each needle list is a literal every match contains (checked on the pattern's own samples above)."""
    for sample in SAMPLES:
        for kind, pattern, needles in guard._SHAPES:
            for match in re.finditer(pattern, sample):
                assert not needles or any(n.lower() in match.group().lower() for n in needles), kind


def test_samples_answer_as_before() -> None:
    for sample in SAMPLES:
        assert now(sample) == before(sample), sample
    assert sum(1 for s in SAMPLES if combined(s)) >= 28  # the samples do exercise the shapes


@settings(max_examples=400)
@given(st.text(alphabet=ALPHABET, min_size=8, max_size=120), st.sampled_from([*SAMPLES, ""]))
def test_generated_text_answers_as_before(text: str, planted: str) -> None:
    for candidate in (text, text + planted, planted + text, text[:4] + planted + text[4:]):
        if len(candidate) <= 256:
            assert now(candidate) == before(candidate)
