"""`idspine advise`: Rich text, JSON for scripts, the service list, and close matches for a typo."""

from __future__ import annotations

import json

from wizard.catalogue import load_catalogue


def test_text_output_names_the_pick_and_its_facts(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("advise", "airtable", "--hat", "prototype", "--host", "laptop")
    assert r.code == 0 and r.err == ""
    assert "Recommended" in r.out and "Personal access token" in r.out
    assert "airtable.com/create/tokens" in r.out and "airtableTokenApi" in r.out
    assert "Migration path:" in r.out and "Traps:" in r.out and "Record in the inventory:" in r.out
    assert "idspine explain pat-vs-api-key-vs-oauth" in r.out
    assert r.out.index("Personal access token") < r.out.index("OAuth integration")


def test_text_output_shows_hosts_that_rule_methods_out(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("advise", "microsoft-graph", "--host", "n8n-cloud", "--hat", "client-delivery")
    assert r.code == 0
    assert "Not from here: federation" in r.out and "Not from here: managed-identity" in r.out
    assert "oAuth2Api (generic)" in r.out


def test_json_for_scripts(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("advise", "azure", "--host", "github-actions", "--format", "json")
    data = json.loads(r.out)
    assert data["recommended"] == "federation" and data["ranked"][0]["method"] == "federation"
    assert data["hat"] == "own-production" and data["host"] == "github-actions"
    assert data["sources"] and all(u.startswith("https://") for u in data["sources"])
    assert {"method": "managed-identity"}.items() <= data["unavailable"][0].items()
    assert data["record"]["method"] == "federation" and "secret_ref" not in data["record"]
    for option in data["ranked"]:
        assert option["why"] and option["rotation"] and option["where"] and option["explainer"]
    proto = json.loads(
        run_cli("advise", "github", "--hat", "prototype", "--host", "laptop", "--format", "json").out
    )
    assert proto["recommended"] == "pat" and proto["ranked"][0]["expiry_days"] == 30
    assert "→" in proto["migration"]  # not escaped to \\u2192


def test_list_text_json_and_method_filter(run_cli) -> None:  # type: ignore[no-untyped-def]
    listing = run_cli("advise", "--list")
    assert listing.code == 0
    assert all(sid in listing.out for sid in ("airtable", "quickbooks-online", "snowflake", "auth0"))
    data = json.loads(run_cli("advise", "--list", "--format", "json").out)
    assert {d["id"] for d in data} == set(load_catalogue().services)
    assert all(d["methods"] for d in data)
    managed = json.loads(run_cli("advise", "--list", "--method", "managed-identity", "--format", "json").out)
    assert {d["id"] for d in managed} == {"microsoft-graph", "azure", "azure-openai"}
    bare = run_cli("advise")
    assert bare.code == 0 and "airtable" in bare.out


def test_unknown_service_gets_close_matches_and_exit_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    bad = run_cli("advise", "airtabel")
    assert bad.code == 2 and "airtable" in bad.err and bad.out == ""
    alias = run_cli("advise", "quickbooks")
    assert alias.code == 2 and "quickbooks-online" in alias.err
    wrong_hat = run_cli("advise", "airtable", "--hat", "intern")
    assert wrong_hat.code == 2
