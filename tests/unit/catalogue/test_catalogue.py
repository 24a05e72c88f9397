"""The catalogue is valid, complete and sourced; its explainer links and n8n types are from the known sets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.unit.explainers.conftest import REQUIRED_IDS
from wizard.catalogue import CatalogueError, load_catalogue, parse_catalogue
from wizard.model import Method

HERE = Path(__file__).parent


def _n8n_types_module():  # noqa: ANN202 - a plain module loaded by path (tests are not a package)
    spec = importlib.util.spec_from_file_location("catalogue_n8n_types", HERE / "n8n_types.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


n8n_types = _n8n_types_module()

REQUIRED = {
    "microsoft-graph",
    "azure",
    "n8n",
    "supabase",
    "supabase-management",
    "airtable",
    "github",
    "github-actions",
    "google-cloud",
    "google-workspace",
    "aws",
    "databricks",
    "quickbooks-online",
    "slack",
    "snowflake",
    "bigquery",
    "openai",
    "azure-openai",
    "okta",
    "auth0",
}
EXPLAINER_IDS = REQUIRED_IDS  # the concepts issues 5 and 19 ask for, listed once
CATALOGUE = load_catalogue()
SERVICES = sorted(CATALOGUE.services)
ENTRIES = [(s.id, m.method) for s in CATALOGUE.services.values() for m in s.methods]


def test_explainer_list_is_the_pinned_set_of_at_least_fifty() -> None:
    assert len(EXPLAINER_IDS) >= 50


def test_catalogue_has_every_required_service() -> None:
    assert len(CATALOGUE) >= 16
    assert set(CATALOGUE.services) >= REQUIRED


@pytest.mark.parametrize("service_id", SERVICES)
def test_every_service_is_sourced_and_linked_to_explainers(service_id: str) -> None:
    s = CATALOGUE.get(service_id)
    assert s.sources and all(u.startswith("https://") and " " not in u for u in s.all_sources)
    assert s.explainers and set(s.explainers) <= EXPLAINER_IDS
    assert s.summary and s.category and s.methods
    assert bool(s.scim) or not s.scim_supported, "SCIM support needs a description"


@pytest.mark.parametrize(("service_id", "method"), ENTRIES)
def test_every_method_entry_is_actionable(service_id: str, method: Method) -> None:
    m = CATALOGUE.get(service_id).method(method)
    assert m is not None
    for text in (m.label, m.where, m.revoke, m.lifetime, m.rotation):
        assert text.strip() and len(text) >= 4, (service_id, method)
    if m.explainer:
        assert m.explainer in EXPLAINER_IDS
    if m.max_days is not None:
        assert 1 <= m.max_days <= 3660
    if m.method in (Method.FEDERATION, Method.MANAGED_IDENTITY):
        assert m.hosts, "a workload identity must name the hosts that can present it"
    if m.method == Method.MANAGED_IDENTITY:
        assert [h.value for h in m.hosts or []] == ["azure"]


@pytest.mark.parametrize(("service_id", "method"), ENTRIES)
def test_n8n_types_are_verified_ones(service_id: str, method: Method) -> None:
    m = CATALOGUE.get(service_id).method(method)
    assert m is not None
    for t in filter(None, (m.n8n_type, m.n8n_generic)):
        assert t in n8n_types.N8N_TYPES, (
            f"{t} is not in the verified list (tests/unit/catalogue/n8n_types.py)"
        )
    if method == Method.OAUTH_CLIENT_CREDENTIALS:
        assert m.n8n_type not in n8n_types.AUTHORIZATION_CODE_ONLY, "that n8n type only does the user sign-in"
    if m.n8n_generic:
        assert m.n8n_generic in {"oAuth2Api", "httpHeaderAuth", "httpBearerAuth"}


def test_verified_n8n_list_names_its_sources() -> None:
    for type_id, (source, fields, _required) in n8n_types.N8N_TYPES.items():
        assert fields and isinstance(fields, tuple) and isinstance(_required, tuple), type_id
        assert source.startswith("https://github.com/n8n-io/n8n/blob/"), type_id
        assert source.endswith(".credentials.ts")


def test_known_traps_are_recorded() -> None:
    workspace = " ".join(CATALOGUE.get("google-workspace").traps)
    assert "100 test users" in workspace and "7 days" in workspace
    assert any("Row Level Security" in t for t in CATALOGUE.get("supabase").traps)
    assert CATALOGUE.get("supabase").method(Method.API_KEY).privileged  # type: ignore[union-attr]
    assert any("retired" in t for t in CATALOGUE.get("airtable").traps)
    qbo = " ".join(CATALOGUE.get("quickbooks-online").traps)
    assert "100 days" in qbo and "five years" in qbo
    assert any("Classic PATs" in t for t in CATALOGUE.get("github").traps)
    assert any("30 days" in t for t in CATALOGUE.get("okta").traps)


def test_person_binding_is_explicit_where_it_differs_from_the_method() -> None:
    assert not CATALOGUE.get("slack").method(Method.OAUTH_USER).person_bound  # type: ignore[union-attr]
    assert CATALOGUE.get("airtable").method(Method.PAT).person_bound  # type: ignore[union-attr]
    assert not CATALOGUE.get("github").method(Method.OAUTH_CLIENT_CREDENTIALS).person_bound  # type: ignore[union-attr]


def test_search_aliases_and_filters() -> None:
    assert [s.id for s in CATALOGUE.search("gemini")] == ["google-cloud"]
    assert [s.id for s in CATALOGUE.search("qbo")] == ["quickbooks-online"]
    assert "microsoft-graph" in {s.id for s in CATALOGUE.search("sharepoint")}
    assert {s.id for s in CATALOGUE.search("airtableTokenApi")} == {"airtable"}
    managed = {s.id for s in CATALOGUE.search(method=Method.MANAGED_IDENTITY)}
    assert managed == {"microsoft-graph", "azure", "azure-openai"}
    assert {s.id for s in CATALOGUE.search("azure", method="managed-identity")} == managed
    assert all(s.scim_supported for s in CATALOGUE.search(scim=True))
    assert "quickbooks-online" in {s.id for s in CATALOGUE.search(sso=False)}
    assert {s.category for s in CATALOGUE.search(category="data")} == {"Data"}
    assert CATALOGUE.search("no such words here") == []


def test_close_matches_and_unknown_ids() -> None:
    assert CATALOGUE.close("airtabel")[0] == "airtable"
    assert "quickbooks-online" in CATALOGUE.close("quickbooks")
    with pytest.raises(KeyError, match="airtable"):
        CATALOGUE.get("airtabel")


def test_malformed_data_is_refused_with_the_service_named() -> None:
    good = """
[[services]]
id = "demo"
name = "Demo"
category = "Data"
summary = "s"
sources = ["https://example.org/docs"]
[[services.methods]]
method = "pat"
label = "Token"
lifetime = "a year"
where = "Settings"
revoke = "Delete"
rotation = "Medium"
"""
    assert list(parse_catalogue(good).services) == ["demo"]
    for bad, match in [
        (good.replace('method = "pat"', 'method = "magic"'), "demo"),
        (good.replace('rotation = "Medium"', 'rotation = "Medium"\nsurprise = 1'), "demo"),
        (good.replace('"https://example.org/docs"', '"http://example.org/docs"'), "https"),
        (good.replace('method = "pat"', 'method = "federation"'), "hosts"),
        (good + "[[services.methods]]" + good.split("[[services.methods]]")[1], "twice"),
        ("", "no services"),
    ]:
        with pytest.raises(CatalogueError, match=match):
            parse_catalogue(bad)


def test_loading_is_cached() -> None:
    # (how long a load takes is a benchmark figure: `python -m bench --only library`)
    load_catalogue.cache_clear()
    try:
        first = load_catalogue()
        assert load_catalogue() is first
    finally:
        load_catalogue.cache_clear()
        load_catalogue()
