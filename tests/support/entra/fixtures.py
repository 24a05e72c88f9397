"""Fixtures for the Entra tests: the Graph stand-in, a Graph client on loopback, a workspace file, canaries."""

from __future__ import annotations

import itertools
import random
import string
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the stand-in and helpers beside this file

from graph_standin import Directory, GraphStandIn  # noqa: E402

from wizard.inventory import save  # noqa: E402
from wizard.model import CredentialKind, Permission, Placement, ServicePrincipal, Workspace  # noqa: E402
from wizard.providers.entra.client import GraphClient  # noqa: E402
from wizard.providers.http import HttpSettings, build_client  # noqa: E402

OWNER = "alex@northwinddata.onmicrosoft.com"


def entra_like_secret(rng: random.Random) -> str:
    """A value shaped like an Entra client secret (built at run time; no secret literal in the repo)."""
    alnum = string.ascii_letters + string.digits
    return (
        "".join(rng.choice(alnum) for _ in range(3)) + "8Q~" + "".join(rng.choice(alnum) for _ in range(34))
    )


@pytest.fixture
def issued_secrets() -> list[str]:
    """Every secret value the stand-in hands out (the canaries)."""
    return []


@pytest.fixture
def directory(issued_secrets: list[str]) -> Directory:
    rng = random.Random(11)
    counter = itertools.count()

    def make_secret() -> str:
        next(counter)
        value = entra_like_secret(rng)
        issued_secrets.append(value)
        return value

    d = Directory(
        token="graph-token-" + "".join(rng.choice(string.ascii_lowercase) for _ in range(20)),
        secret_factory=make_secret,
    )
    d.add_user(OWNER)
    return d


@pytest.fixture
def standin(directory: Directory) -> Iterator[GraphStandIn]:
    with GraphStandIn(directory) as server:
        yield server


@pytest.fixture
def http_settings() -> HttpSettings:
    return HttpSettings(allow_loopback_http=True, timeout=0.6, connect_timeout=0.6, sleep=lambda s: None)


@pytest.fixture
def graph(standin: GraphStandIn, directory: Directory, http_settings: HttpSettings) -> Iterator[GraphClient]:
    client = build_client(http_settings)
    yield GraphClient(standin.base_url, client, directory.token, http_settings)
    client.close()


@pytest.fixture
def entra_ws(demo_ws: Workspace) -> Workspace:
    """The demo workspace plus one service principal that still needs its first client secret, every object in
    the home tenant: one Graph stand-in plays one tenant (per-tenant plans and apply, with a stand-in per
    tenant, are tested in test_tenant_placement.py)."""
    demo_ws.client("acme").app_placement = Placement.HOME  # type: ignore[union-attr]
    demo_ws.service_principals.append(
        ServicePrincipal(
            name="svc-n8n-sharepoint-globex",
            client="globex",
            tool="n8n",
            purpose="sharepoint",
            credential_kind=CredentialKind.SECRET,
            owner=OWNER,
            permissions=[Permission(resource="Microsoft Graph", name="Sites.Selected")],
        )
    )
    return demo_ws


@pytest.fixture
def ws_file(tmp_path: Path, entra_ws: Workspace) -> Path:
    path = tmp_path / "idspine.toml"
    save(entra_ws, path, expected_digest=None)
    return path


PEER_CLIENT_ID = (
    "5e2f3a10-7b4c-4d8e-9f01-23456789abcd"  # the confidential client's id (a GUID, like an appId)
)


@pytest.fixture(scope="session")
def oidc_peer(tmp_path_factory: pytest.TempPathFactory):
    """A real OpenID provider over TLS on loopback; FAILS (never skips) when it is not installed."""
    from tests.peers.oidc_peer import harness

    secret = entra_like_secret(random.Random(99))
    try:
        peer = harness.start(tmp_path_factory.mktemp("oidc"), PEER_CLIENT_ID, secret)
    except RuntimeError as exc:
        pytest.fail(f"OpenID provider peer unavailable: {exc}")
    yield peer
    harness.stop(peer)
