"""Hostile names never crash the naming rules, and accepted names really follow them."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.model import IdP, NamingConvention
from wizard.naming import check_group_name, group_name
from wizard.providers.entra.client import mail_nickname  # the one apply sends to Graph


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=300), idp=st.sampled_from([None, *IdP]))
def test_check_group_name_always_answers_with_messages(name: str, idp: IdP | None) -> None:
    conv = NamingConvention(blocked_words=["admin", "test"], prefix="NW-")
    problems = check_group_name(name, conv, idp)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    if not problems:
        assert name.startswith("NW-") and len(name) <= conv.max_length
        assert re.match(conv.allowed_pattern, name)
        assert "admin" not in name.lower() and "test" not in name.lower()


@settings(max_examples=200, deadline=None)
@given(role=st.text(min_size=1, max_size=40), client=st.text(max_size=40))
def test_rendered_names_are_strings_and_nicknames_are_mail_safe(role: str, client: str) -> None:
    name = group_name(NamingConvention(), role, client)
    assert isinstance(name, str)
    nick = mail_nickname(name)
    assert re.fullmatch(r"[A-Za-z0-9._-]*", nick) and len(nick) <= 64
