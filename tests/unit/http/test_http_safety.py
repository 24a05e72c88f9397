"""http_safety: https only, no cross-host redirects, size caps, retries, and hostile bodies as ProviderError."""

from __future__ import annotations

import json
import socket

import pytest
from idspine_n8n_supabase_support import send  # noqa: E402  (registered by this folder's conftest)

from wizard.providers import ProviderError
from wizard.providers.http import HttpSettings, JsonApi, build_client, check_base_url
from wizard.providers.n8n.client import N8nProvider

KEY = "n8n-api-key-canary-Zq7Xw2Lp9Rt4"
SLEEPS: list[float] = []
SETTINGS = HttpSettings(allow_loopback_http=True, sleep=SLEEPS.append, max_response_bytes=64 * 1024)


def api(url: str, settings: HttpSettings = SETTINGS) -> JsonApi:
    return JsonApi("test", url, build_client(settings), {"X-N8N-API-KEY": KEY}, settings)


@pytest.mark.parametrize(
    "url",
    [
        "http://n8n.example.com",
        "http://10.0.0.5:5678",
        "ftp://n8n.example.com",
        "https://user:pw@n8n.example.com",
        "https://n8n.example.com/?x=1",
        "n8n.example.com",
        "https://",
        "http://127.0.0.1.example.com",
    ],
)
def test_rejects_unsafe_addresses(url):
    with pytest.raises(ProviderError) as exc:
        check_base_url(url, HttpSettings(allow_loopback_http=True))
    assert exc.value.kind == "invalid-url"
    assert "pw" not in exc.value.message


def test_loopback_http_only_with_the_setting():
    with pytest.raises(ProviderError):
        check_base_url("http://127.0.0.1:5678")
    assert (
        check_base_url("http://127.0.0.1:5678/", HttpSettings(allow_loopback_http=True))
        == "http://127.0.0.1:5678"
    )
    assert check_base_url("https://n8n.example.com/") == "https://n8n.example.com"


def test_cross_host_redirect_is_refused_and_key_not_sent(loopback):
    loopback.route("GET", "/a", lambda h, s: send(h, 302, b"", {"Location": "http://localhost:9/steal"}))
    with pytest.raises(ProviderError) as exc:
        api(loopback.url).call("GET", "/a")
    assert exc.value.kind == "redirect" and "localhost" in exc.value.message
    assert len(loopback.seen) == 1


def test_same_host_redirect_is_followed(loopback):
    loopback.route("GET", "/old", lambda h, s: send(h, 307, b"", {"Location": "/new"}))
    loopback.route("GET", "/new", lambda h, s: send(h, 200, {"ok": True}))
    assert api(loopback.url).call("GET", "/old").data == {"ok": True}
    assert loopback.seen[1].headers["x-n8n-api-key"] == KEY


HOSTILE = {
    "garbage": lambda h, s: send(h, 200, b"\x00\xffnot json at all<html>"),
    "html": lambda h, s: send(h, 200, "<html>login</html>", content_type="text/html"),
    "truncated": lambda h, s: send(h, 200, b'{"id": "abc", "name": "x'),
    "huge": lambda h, s: send(h, 200, json.dumps({"pad": "x" * 200_000})),
    "deep": lambda h, s: send(h, 200, "[" * 100_000 + "]" * 100_000),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_bodies_become_provider_errors(loopback, case):
    loopback.route("GET", "/x", HOSTILE[case])
    with pytest.raises(ProviderError) as exc:
        api(loopback.url).call("GET", "/x")
    assert exc.value.kind == "bad-response"
    assert KEY not in str(exc.value)


def test_huge_body_without_content_length_is_cut(loopback):
    def chunked(h, s):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        h.wfile.write(b'{"pad": "' + b"y" * 300_000 + b'"}')
        h.close_connection = True

    loopback.route("GET", "/big", chunked)
    with pytest.raises(ProviderError) as exc:
        api(loopback.url).call("GET", "/big")
    assert "too large" in exc.value.message


@pytest.mark.parametrize(
    "body", [[], "a string", 42, None, {"id": 7}, {"id": ""}, {"id": "x" * 5000}, {"id": "../../etc"}]
)
def test_wrong_types_from_n8n_create(loopback, body):
    loopback.route("POST", "/api/v1/credentials", lambda h, s: send(h, 200, json.dumps(body)))
    provider = N8nProvider(loopback.url, build_client(SETTINGS), KEY, SETTINGS)
    with pytest.raises(ProviderError) as exc:
        provider.create_credential("n", "httpBearerAuth", {"token": "tok-canary-123456"})
    assert exc.value.kind in ("bad-response", "invalid-request")
    assert "tok-canary-123456" not in str(exc.value) and KEY not in str(exc.value)


def test_server_echoing_secrets_is_scrubbed(loopback):
    echo = f"bad key {KEY} and token tok-canary-123456 ghp_{'a1B2c3D4' * 5}"
    loopback.route("POST", "/api/v1/credentials", lambda h, s: send(h, 400, {"message": echo}))
    provider = N8nProvider(loopback.url, build_client(SETTINGS), KEY, SETTINGS)
    with pytest.raises(ProviderError) as exc:
        provider.create_credential("n", "httpBearerAuth", {"token": "tok-canary-123456"})
    text = str(exc.value)
    assert KEY not in text and "tok-canary-123456" not in text and "ghp_" not in text
    assert "HTTP 400" in text


def test_retries_429_with_retry_after_then_succeeds(loopback):
    calls = {"n": 0}

    def flaky(h, s):
        calls["n"] += 1
        if calls["n"] < 3:
            send(h, 429, {"message": "slow down"}, {"Retry-After": "2"})
        else:
            send(h, 200, {"ok": 1})

    loopback.route("GET", "/r", flaky)
    SLEEPS.clear()
    assert api(loopback.url).call("GET", "/r").data == {"ok": 1}
    assert SLEEPS == [2.0, 2.0]


def test_5xx_retried_for_idempotent_calls_only(loopback):
    loopback.route("GET", "/g", lambda h, s: send(h, 503, {"message": "down"}))
    loopback.route("POST", "/p", lambda h, s: send(h, 503, {"message": "down"}))
    with pytest.raises(ProviderError) as exc:
        api(loopback.url).call("GET", "/g")
    assert exc.value.status == 503
    assert sum(1 for s in loopback.seen if s.path == "/g") == SETTINGS.max_retries + 1
    with pytest.raises(ProviderError):
        api(loopback.url).call("POST", "/p", json_body={})
    assert sum(1 for s in loopback.seen if s.path == "/p") == 1


def test_long_retry_after_gives_up(loopback):
    loopback.route("GET", "/w", lambda h, s: send(h, 429, {}, {"Retry-After": "3600"}))
    with pytest.raises(ProviderError) as exc:
        api(loopback.url).call("GET", "/w")
    assert "3600" in exc.value.message


def test_refused_and_unreachable(loopback):
    loopback.route("GET", "/k", lambda h, s: send(h, 401, {"message": "unauthorized"}))
    with pytest.raises(ProviderError) as exc:
        api(loopback.url).call("GET", "/k")
    assert exc.value.kind == "refused"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    with pytest.raises(ProviderError) as exc2:
        api(f"http://127.0.0.1:{port}").call("GET", "/k")
    assert exc2.value.kind == "network" and "refused the connection" in exc2.value.message


def test_timeouts_are_set_on_the_client():
    client = build_client(HttpSettings(timeout=7, connect_timeout=2))
    assert client.timeout.read == 7 and client.timeout.connect == 2
    assert client.follow_redirects is False


def test_contract_validator_catches_a_bad_body(standin_routes, supabase_ref):
    provider = JsonApi(
        "Supabase",
        standin_routes.server.url,
        build_client(SETTINGS),
        {"Authorization": f"Bearer {standin_routes.token}"},
        SETTINGS,
    )
    with pytest.raises(ProviderError):
        provider.call(
            "PATCH",
            f"/v1/projects/{supabase_ref}/config/auth",
            json_body={"external_azure_enabled": "yes"},
            idempotent=False,
        )
    assert standin_routes.violations and "PATCH body" in standin_routes.violations[0]


def test_graph_style_nested_errors_are_shown_with_code_and_message() -> None:
    import httpx

    from wizard.providers import ProviderError
    from wizard.providers.http import HttpSettings, JsonApi

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json={"error": {"code": "Request_BadRequest", "message": "Property 'displayName' is required."}},
        )

    settings = HttpSettings(allow_loopback_http=True, sleep=lambda s: None)
    api = JsonApi(
        "Graph", "http://127.0.0.1:1", httpx.Client(transport=httpx.MockTransport(reply)), {}, settings
    )
    try:
        api.call("POST", "/groups", json_body={})
    except ProviderError as exc:
        assert "Request_BadRequest" in exc.message and "displayName" in exc.message
    else:
        raise AssertionError("no error raised")
