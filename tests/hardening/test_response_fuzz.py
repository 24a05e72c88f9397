"""Hostile API answers: whatever Graph, n8n or Supabase stand-ins send back — garbage, truncated, huge, wrong
types, odd statuses — the providers answer with a ProviderError (or a well-typed value), never another
exception, and never echo a secret they were given; every failure has a kind the advice table knows."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.providers import ProviderError
from wizard.providers.entra.client import GraphClient
from wizard.providers.errors import ErrorKind, Service, advice
from wizard.providers.http import HttpSettings
from wizard.providers.n8n.client import N8nProvider
from wizard.providers.supabase import SupabaseProvider

SECRET = "fuzz-secret-" + "Q" * 20
SETTINGS = HttpSettings(
    allow_loopback_http=True, sleep=lambda s: None, max_retries=1, max_response_bytes=64 * 1024
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()[:-1]),  # truncated
    st.just(b"[" * 5000),  # deeply nested
    st.just(b"x" * (70 * 1024)),  # larger than the cap
    st.builds(
        lambda v: json.dumps({"error": {"code": "X", "message": f"echo {SECRET} {v}"}}).encode(),
        st.text(max_size=10),
    ),
)
statuses = st.sampled_from([200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 503])


def client_for(status: int, body: bytes) -> httpx.Client:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    return httpx.Client(transport=httpx.MockTransport(reply))


CALLS: list[Callable[[httpx.Client], Any]] = [
    lambda c: GraphClient("http://127.0.0.1:1/v1.0", c, SECRET, SETTINGS).find_group("Org-Data-Engineer"),
    lambda c: GraphClient("http://127.0.0.1:1/v1.0", c, SECRET, SETTINGS).find_application("svc-x"),
    lambda c: N8nProvider("http://127.0.0.1:1", c, SECRET, SETTINGS).credential_schema("airtableTokenApi"),
    lambda c: N8nProvider("http://127.0.0.1:1", c, SECRET, SETTINGS).create_credential(
        "x", "httpHeaderAuth", {"name": "a"}
    ),
    lambda c: SupabaseProvider(c, SECRET, "http://127.0.0.1:1", SETTINGS).get_auth_config(
        "abcdefghijklmnopqrst"
    ),
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=statuses, body=bodies, which=st.integers(min_value=0, max_value=len(CALLS) - 1))
def test_providers_never_crash_on_hostile_answers(status: int, body: bytes, which: int) -> None:
    try:
        CALLS[which](client_for(status, body))
    except ProviderError as exc:
        assert SECRET not in exc.message and SECRET not in str(exc)
        assert isinstance(exc.kind, ErrorKind)  # so both faces find its advice in the one table
        assert advice(exc.kind, Service.N8N) and advice(exc.kind, Service.SUPABASE)
