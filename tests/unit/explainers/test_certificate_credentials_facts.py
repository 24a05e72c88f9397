"""The certificate-credentials explainer stays true to its sources and to what the code does."""

from __future__ import annotations

import inspect
import re

import pytest

from wizard import explainer_library as lib
from wizard.providers.entra import client_assertion
from wizard.providers.entra.client_assertion import assertion_audience


def text_of(explainer_id: str) -> str:
    e = lib.get(explainer_id)
    return re.sub(r"\s+", " ", " ".join([e.summary, *e.sections.values()]))


ENTRA = "https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials"
RFC7523 = "https://datatracker.ietf.org/doc/html/rfc7523"
MSAL = "https://learn.microsoft.com/en-us/python/api/msal/msal.application.confidentialclientapplication"
AUTH0 = "https://auth0.com/docs/get-started/authentication-and-authorization-flow/authenticate-with-private-key-jwt"
RFC7515 = "https://datatracker.ietf.org/doc/html/rfc7515"

FACTS = [
    # (must contain, must not contain, source)
    ("`iss` and `sub` are the client id", None, ENTRA),
    ("base64url SHA-1 thumbprint of the certificate's DER encoding", "SHA-1 thumbprint of the PEM", ENTRA),
    ("`x5t#S256` is the SHA-256 one (RFC 7515)", None, RFC7515),
    ("the assertion format is RFC 7523", None, RFC7523),
    ("`private_key_jwt`", None, RFC7523),
    ("takes the key and the SHA-1 thumbprint", None, MSAL),
    ("Auth0 wants its tenant address with a trailing slash", None, AUTH0),
    ("AADSTS700027", None, "learn.microsoft.com/entra/identity-platform/reference-error-codes"),
    ("Entra takes RSA certificates", None, ENTRA),
]


@pytest.mark.parametrize(("phrase", "wrong", "source"), FACTS)
def test_fact(phrase: str, wrong: str | None, source: str) -> None:
    text = text_of("certificate-credentials")
    assert phrase in text, source
    if wrong:
        assert wrong not in text, source


def test_lists_its_sources() -> None:
    e = lib.get("certificate-credentials")
    for url in (ENTRA, RFC7523, MSAL, AUTH0, RFC7515):
        assert url in e.sources


def test_what_it_says_is_what_the_code_does() -> None:
    # msal's certificate credential is the key and the SHA-1 thumbprint, nothing else
    source = inspect.getsource(client_assertion.msal_credential)
    assert '"private_key"' in source and '"thumbprint"' in source and "sha1_thumbprint" in source
    # the assertion lives at most five minutes (Auth0's limit; Entra advises a short one)
    assert "min(lifetime, 300)" in inspect.getsource(client_assertion.client_assertion)
    # aud: Auth0's tenant address with a trailing slash, else the token endpoint
    auth0 = "https://fjord.eu.auth0.com/oauth/token"
    assert assertion_audience("auth0", "https://fjord.eu.auth0.com", auth0) == "https://fjord.eu.auth0.com/"
    okta = "https://fjord.okta.com/oauth2/default/v1/token"
    assert assertion_audience("okta", "https://fjord.okta.com/oauth2/default", okta) == okta
