"""Against a real n8n 1.123.81 on loopback: every n8n credential type the catalogue names exists, with its fields."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wizard.catalogue import load_catalogue

pytestmark = [pytest.mark.peer("n8n"), pytest.mark.slow]
HERE = Path(__file__).parent


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


peer_module = _load("idspine_catalogue_n8n_peer", HERE.parent / "peers" / "n8n_peer.py")
n8n_types = _load("catalogue_n8n_types_peer", HERE.parent / "unit" / "catalogue" / "n8n_types.py")


@pytest.fixture(scope="module")
def n8n() -> Iterator[Any]:
    """A real n8n for this module only (stopped when the module is done); fails, never skips, when missing."""
    try:
        peer_module.n8n_binary()
    except peer_module.PeerMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    assert peer_module.N8N_VERSION == n8n_types.N8N_VERSION
    with peer_module.running_n8n() as peer:
        yield peer


@pytest.fixture(scope="module")
def schemas(n8n: Any) -> dict[str, tuple[int, dict[str, Any]]]:
    """n8n's answer for every verified type, every type the catalogue names, and one that does not exist."""
    names = (
        set(n8n_types.N8N_TYPES)
        | {
            t
            for s in load_catalogue().services.values()
            for m in s.methods
            for t in (m.n8n_type, m.n8n_generic)
            if t
        }
        | {"idspineNoSuchCredentialApi"}
    )
    out = {}
    with httpx.Client(base_url=n8n.base_url, headers={"X-N8N-API-KEY": n8n.api_key}, timeout=30) as client:
        for name in sorted(names):
            r = client.get(f"/api/v1/credentials/schema/{name}")
            body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
            out[name] = (r.status_code, body if isinstance(body, dict) else {})
    return out


def test_an_unknown_type_is_refused(schemas: dict[str, tuple[int, dict[str, Any]]]) -> None:
    assert schemas["idspineNoSuchCredentialApi"][0] == 404


@pytest.mark.parametrize("type_id", sorted(n8n_types.N8N_TYPES))
def test_verified_type_exists_with_its_fields(
    type_id: str, schemas: dict[str, tuple[int, dict[str, Any]]]
) -> None:
    status, schema = schemas[type_id]
    assert status == 200, f"n8n does not know {type_id}"
    known = n8n_types.N8N_TYPES[type_id]
    props = set(schema.get("properties", {}))
    assert set(known.fields) <= props, f"{type_id} lacks {set(known.fields) - props}"
    assert set(schema.get("required", [])) == set(known.required)


def test_every_catalogue_type_is_known_to_n8n(schemas: dict[str, tuple[int, dict[str, Any]]]) -> None:
    unknown = sorted(
        name
        for name, (status, _) in schemas.items()
        if status != 200 and name != "idspineNoSuchCredentialApi"
    )
    assert unknown == []


def test_client_credentials_only_through_the_generic_oauth2_type(
    schemas: dict[str, tuple[int, dict[str, Any]]],
) -> None:
    grant = schemas["oAuth2Api"][1]["properties"]["grantType"]
    assert "clientCredentials" in grant.get("enum", [])
    for type_id in n8n_types.AUTHORIZATION_CODE_ONLY:
        # The grant is a hidden constant in these types, so n8n does not let anyone choose client credentials.
        assert "grantType" not in schemas[type_id][1].get("properties", {}), type_id
