"""The human half of a device code sign-in, done over HTTP: open the address, type the code, log in, consent.

It walks the provider's own HTML forms (oidc-provider's device input, devInteractions login and
consent pages) with a cookie session, the way a browser would, and returns the final page text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _Forms(HTMLParser):
    """Collects each form's action, method and named inputs."""

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


def complete_device_login(
    verification_uri: str, user_code: str, ca_bundle: str, login: str = "consultant", max_pages: int = 8
) -> str:
    """Submit the code, a login and the consent; return the text of the last page reached."""
    session = requests.Session()
    session.verify = ca_bundle
    session.trust_env = False
    page = session.get(verification_uri, timeout=10)
    for _ in range(max_pages):
        page.raise_for_status()
        parser = _Forms()
        parser.feed(page.text)
        if not parser.forms:
            return page.text
        form = parser.forms[0]
        fields = dict(form["fields"])
        if "user_code" in fields:
            fields["user_code"] = user_code
        if "login" in fields:
            fields["login"] = login
        if "password" in fields:
            fields["password"] = "any-password"
        target = urljoin(page.url, form["action"])
        page = (
            session.post(target, data=fields, timeout=10)
            if form["method"] == "post"
            else session.get(target, params=fields, timeout=10)
        )
    raise AssertionError("the device sign-in pages did not finish")
