"""The browser sign-in (authorization code + PKCE on a loopback redirect) against the real oidc-provider, and the
fall back to it when the tenant refuses a device code sign-in (the peer's "idspine-native" client answers the
end of a device code sign-in with AADSTS53003, as Entra does when Conditional Access blocks the device code
flow). The human's part in the browser is done by posting the provider's devInteractions login and consent
forms over HTTP, the way a browser would."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from device_user import complete_device_login

from wizard.providers.entra.auth_code_flow import BrowserSignin
from wizard.providers.entra.signin import silent_token
from wizard.providers.entra.signin_chain import sign_in
from wizard.providers.entra.signin_config import WAY_YOUR_APP, SigninConfig

pytestmark = pytest.mark.peer("oidc")
SCOPES = ["api:read"]
NATIVE = "idspine-native"


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": {}}
            )
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")


def browser_user(ca_bundle: str, login: str = "alex", seen: list[str] | None = None):  # type: ignore[no-untyped-def]
    """An `open_browser` that logs in and consents on the provider's pages; the last redirect lands on idspine's
    loopback listener, like a real browser's would."""

    def open_browser(url: str) -> None:
        if seen is not None:
            seen.append(url)
        session = requests.Session()
        session.verify = ca_bundle
        session.trust_env = False
        page = session.get(url, timeout=10)
        for _ in range(8):
            page.raise_for_status()
            parser = _Forms()
            parser.feed(page.text)
            if not parser.forms:
                assert "You are signed in to idspine" in page.text, page.text[:500]
                return
            form = parser.forms[0]
            fields = dict(form["fields"])
            if "login" in fields:
                fields["login"] = login
            if "password" in fields:
                fields["password"] = "any-password"
            target = urljoin(page.url, form["action"])
            page = session.post(target, data=fields, timeout=10)
        raise AssertionError("the browser sign-in pages did not finish")

    return open_browser


def native(peer, tmp_path: Path) -> SigninConfig:  # type: ignore[no-untyped-def]
    return SigninConfig(
        client_id=NATIVE,
        oidc_authority=peer.issuer,
        ca_bundle=peer.ca_bundle,
        cache_path=tmp_path / "c" / "t.json",
    )


def test_browser_signin_end_to_end_with_pkce_and_a_private_cache(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = native(oidc_peer, tmp_path)
    seen: list[str] = []
    result = BrowserSignin(config, SCOPES, open_browser=browser_user(oidc_peer.ca_bundle, seen=seen)).run()
    assert result.ok, result.detail
    assert result.account == "alex"
    query = parse_qs(urlsplit(seen[0]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43  # PKCE
    assert re.fullmatch(r"http://localhost:\d+", query["redirect_uri"][0])
    cache = config.cache_file
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    again = silent_token(config, SCOPES)
    assert again is not None and again.ok


def test_the_loopback_listener_takes_only_its_own_answer(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    statuses: list[int] = []

    def refusing_user(url: str) -> None:
        query = parse_qs(urlsplit(url).query)
        redirect, state = query["redirect_uri"][0], query["state"][0]
        plain = requests.Session()
        plain.trust_env = False
        forged = plain.get(redirect, params={"code": "forged", "state": "not-" + state}, timeout=5)
        statuses.append(forged.status_code)
        denied = plain.get(redirect, params={"error": "access_denied", "state": state}, timeout=5)
        statuses.append(denied.status_code)

    result = BrowserSignin(native(oidc_peer, tmp_path), SCOPES, open_browser=refusing_user).run()
    assert statuses == [404, 200]  # a wrong state is ignored; the real answer ends the wait
    assert not result.ok and result.error == "access_denied"
    assert not native(oidc_peer, tmp_path).cache_file.exists()


def test_a_refused_device_code_falls_back_to_the_browser(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = native(oidc_peer, tmp_path)
    said: list[str] = []

    def show_code(code) -> None:  # type: ignore[no-untyped-def]
        complete_device_login(code.verification_uri, code.user_code, oidc_peer.ca_bundle, login="alex")

    result, way = sign_in(
        config, SCOPES, say=said.append, show_code=show_code, open_browser=browser_user(oidc_peer.ca_bundle)
    )
    assert result.ok, result.detail
    assert way == WAY_YOUR_APP and result.account == "alex"
    assert any("refused the device code sign-in (invalid_grant: AADSTS53003" in line for line in said), said
    assert any("authorization code with PKCE" in line for line in said)


def test_a_device_code_that_works_is_not_replaced_by_the_browser(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = SigninConfig(
        client_id=oidc_peer.public_client_id,
        oidc_authority=oidc_peer.issuer,
        ca_bundle=oidc_peer.ca_bundle,
        cache_path=tmp_path / "t.json",
    )

    def no_browser(url: str) -> None:
        raise AssertionError("the browser must not be opened")

    def show_code(code) -> None:  # type: ignore[no-untyped-def]
        complete_device_login(code.verification_uri, code.user_code, oidc_peer.ca_bundle, login="kim")

    result, way = sign_in(config, SCOPES, say=lambda line: None, show_code=show_code, open_browser=no_browser)
    assert result.ok and result.account == "kim" and way == WAY_YOUR_APP


def test_signin_command_falls_back_to_the_browser(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "tokens.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(Path.cwd())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wizard",
            "signin",
            "--oidc-authority",
            oidc_peer.issuer,
            "--client-id",
            NATIVE,
            "--ca-bundle",
            oidc_peer.ca_bundle,
            "--cache",
            str(cache),
            "--scope",
            "api:read",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        lines.append(line)
        match = re.search(r"Open (\S+) and enter the code (\S+)", line)
        assert match, line
        complete_device_login(match.group(1), match.group(2), oidc_peer.ca_bundle, login="alex")
        address = None
        while address is None:
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
            found = re.search(r"in a browser on this computer to sign in: (\S+)", line)
            address = found.group(1) if found else None
        worker = threading.Thread(target=browser_user(oidc_peer.ca_bundle), args=(address,))
        worker.start()
        out, err = proc.communicate(timeout=60)
        worker.join(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = "".join(lines) + out
    assert proc.returncode == 0, err + text
    assert "refused the device code sign-in (invalid_grant: AADSTS53003" in text
    assert "Signed in as alex with your app" in text
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert "Graph Command Line Tools" not in text  # your app: nothing to say about Microsoft's public client
