"""Issue 17's "Done when", end to end, through the command line only, as a consultant would run it.

A stand-in tenant (tests/support/entra/discovery_standin.py, shapes checked against the Graph v1.0 typings) is
seeded with app registrations: one the inventory already records under a name of its own (matched by app id,
never by display name) with one of its two secrets recorded and the other, expired, not; one whose only owner
has a disabled account and whose federated credential trusts a wildcard subject (repo:acme/*); a multi-tenant
app; a certificate app; naming-convention groups. Beside it the REAL n8n (tests/peers/n8n_peer.py) holds
credentials (canary secret values, tests/conftest.py make_canaries) used by workflows.

Then: `drift` before adoption names what is unrecorded; `discover entra --adopt-all` and `discover n8n --adopt`
record it; `check` tells the truth (the expired secret, the wildcard subject, the app nobody active owns) and
nothing untrue; `drift` exits 0; a secret added in the tenant behind the inventory's back makes `drift` exit 1
naming it (unrecorded-secret); a credential added in n8n and used by a workflow is reported unknown;
`drift --format sarif` validates against the official SARIF 2.1.0 schema (tests/unit/audit/schemas). No secret
value (n8n credential data, the n8n API key, the Graph token, a secretText a careless server returns) reaches the
inventory, its .bak, the remembered drift result, or any output. A refused token makes `drift` exit 2.

The second test needs no n8n: a client's own tenant beside home, one Graph address for both (the token picks
the tenant, as on the real Graph). The client's tenant holds the home multi-tenant app's service principal
(consent); adopting it must leave the home entry's ids alone, and drift over both tenants is in sync.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from tests.conftest import make_canaries
from tests.support.entra.discovery_standin import DiscoveryStandIn, Tenant, iso
from tests.support.hostile import raw_characters
from wizard.inventory import load, save
from wizard.model import (
    Client,
    Credential,
    CredentialKind,
    Integrations,
    Method,
    ServicePrincipal,
    Status,
    new_workspace,
)

pytestmark = pytest.mark.slow  # the first test needs the real n8n; the second only stand-in tenants

TENANT_ID = "5c1e2f3a-7b8d-4e9f-a0b1-c2d3e4f5a6b7"
KEY_ENV = "IDSPINE_TEST_ACCEPT_N8N_KEY"
GRAPH_ENV = "IDSPINE_TEST_ACCEPT_GRAPH_TOKEN"
SARIF_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "unit" / "audit" / "schemas" / "sarif-schema-2.1.0.json").read_text()
)
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
TODAY = NOW.date()


def days(n: int) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


# ------------------------------------------------------------------ the stand-in tenant
def seed_tenant(canaries: dict[str, str]) -> Tenant:
    t = Tenant(token=canaries["random_blob"])  # the Graph token is a secret too: it must never be printed
    ola = t.add_user("ola@northwind.example")
    former = t.add_user("former@northwind.example", enabled=False)
    t.add_app(
        "svc-n8n-graph-acme",
        redirect_uris=["https://n8n.example.com/rest/oauth2-credential/callback"],
        secrets=[(days(-400), days(-35)), (days(-20), days(160))],  # the first expired, the second current
        owners=[ola],
        roles=["Sites.Selected"],
        granted=["Sites.Selected"],
    )
    t.add_app(
        "svc-gha-deploy-acme",
        federated=[("https://token.actions.githubusercontent.com", "repo:acme/*")],
        owners=[former],  # its only owner has left: nobody active answers for it
        roles=["Sites.Selected"],
        granted=["Sites.Selected"],
    )
    t.add_app("svc-reports-cert", certificates=[(days(-30), days(300))], owners=[ola, former])
    t.add_app(
        "Partner portal",
        audience="AzureADMultipleOrgs",
        secrets=[(days(-10), days(150))],
        owners=[ola],
        assignment_required=True,
    )
    t.add_group("Org-Admins")
    t.add_group("Unrelated group")  # outside the naming convention: not read
    for name in ("svc-n8n-graph-acme", "Partner portal"):
        t.add_sign_in(t.app(name)["appId"], days(-1))
    return t


def secret_behind_its_back(t: Tenant, app: str, name: str, secret_text: str) -> str:
    """A client secret added in the portal; the (careless) server even answers with its secretText."""
    key_id = str(uuid.uuid4())
    t.app(app)["passwordCredentials"].append(
        {
            "keyId": key_id,
            "displayName": name,
            "startDateTime": iso(days(-1)),
            "endDateTime": iso(days(90)),
            "hint": secret_text[:3],
            "secretText": secret_text,  # Graph returns it only on addPassword; idspine must never keep it
            "customKeyIdentifier": None,
        }
    )
    return key_id


# ------------------------------------------------------------------ the real n8n
def n8n_api(peer: Any, method: str, path: str, body: Any = None) -> Any:
    r = httpx.request(
        method, peer.base_url + path, headers={"X-N8N-API-KEY": peer.api_key}, json=body, timeout=30
    )
    assert r.status_code == 200, r.text
    return r.json()


def n8n_credential(peer: Any, name: str, token: str) -> str:
    body = {"name": name, "type": "httpBearerAuth", "data": {"token": token}}
    return str(n8n_api(peer, "POST", "/api/v1/credentials", body)["id"])


def n8n_workflow(peer: Any, name: str, creds: list[tuple[str, str]]) -> str:
    nodes = [
        {
            "name": f"Call {i}",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [i * 200, 0],
            "parameters": {
                "url": "https://example.com",
                "authentication": "genericCredentialType",
                "genericAuthType": "httpBearerAuth",
            },
            "credentials": {"httpBearerAuth": {"id": cid, "name": cname}},
        }
        for i, (cid, cname) in enumerate(creds)
    ]
    body = {"name": name, "settings": {}, "connections": {}, "nodes": nodes}
    return str(n8n_api(peer, "POST", "/api/v1/workflows", body)["id"])


# ------------------------------------------------------------------ the inventory before discovery
def first_inventory(path: Path, t: Tenant, peer: Any, airtable_n8n_id: str) -> None:
    """What the consultant typed in before: the n8n connection, one app under a name of their own with its
    current secret, and the Airtable credential n8n uses. The expired secret was never recorded."""
    graph_app = t.app("svc-n8n-graph-acme")
    current = graph_app["passwordCredentials"][1]
    ws = new_workspace("Northwind", "northwind")
    ws.consultancy.home_tenant = TENANT_ID
    ws.consultancy.integrations = Integrations(n8n_url=peer.base_url, n8n_api_key_ref=f"env:{KEY_ENV}")
    ws.service_principals.append(
        ServicePrincipal(
            name="graph-for-n8n",  # not the display name: discovery must match it by app id
            app_id=graph_app["appId"],
            owner="ola@northwind.example",
            credential_kind=CredentialKind.SECRET,
            status=Status.ACTIVE,
        )
    )
    ws.credentials += [
        Credential(
            id="graph-n8n-current",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            identity="graph-for-n8n",
            owner="ola@northwind.example",
            key_id=current["keyId"],
            expires=dt.date.fromisoformat(current["endDateTime"][:10]),
        ),
        Credential(
            id="airtable-orders",
            service="airtable",
            method=Method.PAT,
            owner="ola@northwind.example",
            n8n_type="httpBearerAuth",
            n8n_id=airtable_n8n_id,
            expires=TODAY + dt.timedelta(days=200),
        ),
    ]
    save(ws, path, expected_digest=None)


# ------------------------------------------------------------------ the test
@pytest.mark.peer("n8n")
def test_discover_adopt_check_and_drift_tell_the_truth(  # type: ignore[no-untyped-def]
    n8n_peer, run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canaries = make_canaries(seed=17)
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setenv(KEY_ENV, n8n_peer.api_key)
    tenant = seed_tenant(canaries)
    monkeypatch.setenv(GRAPH_ENV, tenant.token)
    outputs: list[str] = []

    def idspine(*argv: str, expect: int) -> str:
        result = run_cli(*argv)
        outputs.extend((result.out, result.err))
        assert result.code == expect, f"idspine {' '.join(argv)} -> {result.code}\n{result.out}\n{result.err}"
        return result.out

    # n8n: two credentials, both used by workflows; the inventory records only the Airtable one.
    graph_cred = n8n_credential(n8n_peer, "Graph client acme", canaries["entra_secret"])
    airtable = n8n_credential(n8n_peer, "Airtable orders", canaries["airtable_pat"])
    n8n_workflow(n8n_peer, "Invoice sync", [(graph_cred, "Graph client acme")])
    n8n_workflow(n8n_peer, "Order intake", [(graph_cred, "Graph client acme"), (airtable, "Airtable orders")])

    path = tmp_path / "idspine.toml"
    with DiscoveryStandIn(tenant) as graph:
        monkeypatch.setenv("IDSPINE_GRAPH_URL", graph.graph_url)  # drift's Entra source reads it from here
        first_inventory(path, tenant, n8n_peer, airtable)
        live = ["--file", str(path), "--allow-loopback-http"]
        drift = ["drift", *live, "--token-env", f"home={GRAPH_ENV}"]
        expired_key = tenant.app("svc-n8n-graph-acme")["passwordCredentials"][0]["keyId"]

        # Before discovery, drift tells what the inventory does not know: the unrecorded expired secret, the
        # apps nobody recorded, the n8n credential nobody recorded.
        before = json.loads(idspine(*drift, "--format", "json", expect=1))
        found = {(f["kind"], f["key"]) for f in before["findings"]}
        assert ("unrecorded-secret", expired_key) in found
        assert ("unknown", graph_cred) in found
        for name in ("svc-gha-deploy-acme", "svc-reports-cert", "Partner portal"):
            assert ("unknown", tenant.app(name)["appId"]) in found
        assert ("unknown", airtable) not in found  # recorded by its n8n id
        assert before["systems"] == ["n8n", f"entra:{TENANT_ID}"]

        # Review writes nothing; adopt-all records everything, marked discovered, matched by id.
        untouched = path.read_bytes()
        review = idspine(
            "discover", "entra", *live, "--graph-url", graph.graph_url, "--token-env", GRAPH_ENV, expect=0
        )
        assert "Nothing was written" in review and path.read_bytes() == untouched
        adopt_all = ["discover", "entra", *live, "--graph-url", graph.graph_url, "--token-env", GRAPH_ENV]
        adopt_all.append("--adopt-all")
        adopted = idspine(*adopt_all, expect=0)
        assert "Adopted" in adopted
        assert tenant.writes == []  # discovery never writes to the tenant
        idspine("discover", "n8n", *live, "--adopt", expect=0)

        ws = load(path)
        names = sorted(sp.name for sp in ws.service_principals)
        assert names == ["Partner portal", "graph-for-n8n", "svc-gha-deploy-acme", "svc-reports-cert"]
        mine = ws.service_principal("graph-for-n8n")
        assert mine is not None and mine.discovered is None  # recorded by hand, kept, filled in
        assert mine.redirect_uris and [p.name for p in mine.permissions] == ["Sites.Selected"]
        expired_cred = next(c for c in ws.credentials if c.key_id == expired_key)
        assert expired_cred.discovered is not None and expired_cred.identity == "graph-for-n8n"
        assert expired_cred.expires is not None and expired_cred.expires < TODAY
        assert sum(1 for c in ws.credentials if c.key_id) == 4  # two secrets, the cert, Partner portal's
        assert ws.credential("graph-n8n-current") is not None  # the recorded one was matched, not duplicated
        n8n_graph = next(c for c in ws.credentials if c.n8n_id == graph_cred)
        assert n8n_graph.discovered is not None and n8n_graph.secret_ref is None
        assert set(n8n_graph.used_by) == {"n8n:Invoice sync", "n8n:Order intake"}
        assert ws.credential("airtable-orders").used_by == ["n8n:Order intake"]  # type: ignore[union-attr]
        assert {g.name for g in ws.groups} == {"Org-Admins"}

        # check tells the truth: the expired secret, the wildcard subject, the app nobody active owns.
        report = json.loads(idspine("check", *live[:2], "--today", str(TODAY), "--format", "json", expect=1))
        by_rule: dict[str, set[str]] = {}
        for f in report["findings"]:
            by_rule.setdefault(f["rule"], set()).add(f["subject"])
        assert f"credential:{expired_cred.id}" in by_rule.get("expired", set())
        assert by_rule["expired"] == {f"credential:{expired_cred.id}"}  # nothing current called expired
        assert "service-principal:svc-gha-deploy-acme" in by_rule.get("federation-subject", set())
        wildcard = next(
            f
            for f in report["findings"]
            if f["rule"] == "federation-subject" and f["subject"].endswith("svc-gha-deploy-acme")
        )
        assert "repo:acme/*" in wildcard["message"]
        assert "service-principal:svc-gha-deploy-acme" in by_rule.get("no-owner", set())
        assert "service-principal:svc-reports-cert" not in by_rule.get("no-owner", set())  # ola still owns it
        gha = ws.service_principal("svc-gha-deploy-acme")
        assert gha is not None and "former@northwind.example" in gha.notes  # said where, not hidden

        # drift: in sync after adoption (the expired secret is recorded truthfully, so it is not drift).
        in_sync = idspine(*drift, expect=0)
        assert f"in sync: n8n, entra:{TENANT_ID}" in in_sync
        remembered = list(state.rglob("*"))
        assert any(p.is_file() for p in remembered)  # the home screen's last drift result

        # A secret added in the portal behind the inventory's back: drift exits 1 and names it.
        sneaky = secret_behind_its_back(
            tenant, "Partner portal", "added by hand \x1b[31mred\x07", canaries["entra_secret"][::-1]
        )
        text = idspine(*drift, expect=1)
        assert not raw_characters(text)
        behind = json.loads(idspine(*drift, "--format", "json", expect=1))
        assert [(f["kind"], f["key"], f["entry"]) for f in behind["findings"]] == [
            ("unrecorded-secret", sneaky, "service_principal:Partner portal")
        ]
        assert "unrecorded-secret" in text and "Partner portal" in text

        # A credential added in n8n and used by a workflow: drift reports it unknown.
        stranger = n8n_credential(n8n_peer, "Stranger bearer", canaries["github_pat"])
        n8n_workflow(n8n_peer, "Shadow flow", [(stranger, "Stranger bearer")])
        both = json.loads(idspine(*drift, "--format", "json", expect=1))
        assert sorted((f["kind"], f["key"]) for f in both["findings"]) == sorted(
            [("unrecorded-secret", sneaky), ("unknown", stranger)]
        )
        assert next(f for f in both["findings"] if f["key"] == stranger)["system"] == "n8n"

        # SARIF: valid against the official schema (draft-04, formats checked), one result per finding.
        sarif = json.loads(idspine(*drift, "--format", "sarif", expect=1))
        validator = jsonschema.Draft4Validator(
            SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
        )
        validator.validate(sarif)
        results = sarif["runs"][0]["results"]
        assert sorted(r["ruleId"] for r in results) == ["drift-unknown", "drift-unrecorded-secret"]

        # Reviewing and adopting again closes the loop: in sync once more, the new secret recorded by key id.
        again = idspine(*adopt_all, expect=0)
        assert "Adopted 1 new" in again
        idspine("discover", "n8n", *live, "--adopt", expect=0)
        assert idspine(*drift, expect=0).startswith("in sync")
        recorded = next(c for c in load(path).credentials if c.key_id == sneaky)
        # The escape sequence in the server's name is dropped whole, not kept as mangled text ("u001b[31m").
        assert recorded.label == "client secret added by hand red", recorded.label

        # A token the tenant refuses: exit 2, the system named as unreadable, nothing called in sync, no token.
        monkeypatch.setenv(GRAPH_ENV, canaries["slack"])
        refused = idspine(*drift, expect=2)
        assert f"cannot read entra:{TENANT_ID}" in refused and "in sync" not in refused
        unread = json.loads(idspine(*drift, "--format", "sarif", expect=2))
        validator.validate(unread)
        assert unread["runs"][0]["invocations"][0]["executionSuccessful"] is False
        assert tenant.problems == [] and tenant.writes == []

    # Nothing secret anywhere: the inventory, its .bak, what drift remembered, every output.
    secrets = [*canaries.values(), canaries["entra_secret"][::-1], n8n_peer.api_key, tenant.token]
    files = {p: p.read_text(errors="replace") for p in [path, path.with_name(path.name + ".bak")]}
    files |= {p: p.read_text(errors="replace") for p in state.rglob("*") if p.is_file()}
    assert path.with_name(path.name + ".bak").exists()
    for where, text in [*((str(p), t) for p, t in files.items()), *(("output", o) for o in outputs)]:
        leaked = [s[:6] + "…" for s in secrets if s in text]
        assert not leaked, f"{where} holds a secret: {leaked}"


# ------------------------------------------------------------------ two tenants: home and a client's own
CLIENT_TENANT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"


class GraphByToken:
    """One Graph address for several stand-in tenants, as the real Graph is: the token picks the tenant.
    Requests are forwarded to the stand-in whose token they carry; its own address in next links is
    rewritten to this one."""

    def __init__(self, upstreams: dict[str, DiscoveryStandIn]):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                auth = self.headers.get("Authorization", "")
                target = upstreams.get(auth.removeprefix("Bearer "))
                if target is None:
                    body = b'{"error": {"code": "InvalidAuthenticationToken", "message": "no such tenant"}}'
                    status = 401
                else:
                    base = target.graph_url.removesuffix("/v1.0")
                    r = httpx.get(base + self.path, headers={"Authorization": auth}, timeout=10)
                    status, body = r.status_code, r.content.replace(base.encode(), outer.base.encode())
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.graph_url = self.base + "/v1.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> GraphByToken:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_clients_tenant_beside_home_stays_apart(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home holds a multi-tenant app; the client's tenant holds its own app and the home app's service
    principal (admin consent). Discovering both and adopting everything: each tenant's ids stay its own,
    drift over both tenants is in sync, and adopting again changes nothing."""
    canaries = make_canaries(seed=18)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    home = seed_tenant(canaries)
    client = Tenant(token=canaries["aws"])
    client.add_app(
        "svc-data-acme", secrets=[(days(-5), days(100))], owners=[client.add_user("it@acme.example")]
    )
    portal = home.app("Partner portal")
    consent_sp = client._add(
        "ServicePrincipal",
        client.service_principals,
        {
            "appId": portal["appId"],
            "displayName": "Partner portal",
            "appRoleAssignmentRequired": True,
            "servicePrincipalType": "Application",
            "appOwnerOrganizationId": TENANT_ID,
        },
    )
    client.grants[consent_sp] = []
    monkeypatch.setenv("HOME_TOKEN", home.token)
    monkeypatch.setenv("ACME_TOKEN", client.token)
    path = tmp_path / "idspine.toml"
    ws = new_workspace("Northwind", "northwind")
    ws.consultancy.home_tenant = TENANT_ID
    ws.clients.append(Client(slug="acme", name="Acme", tenant=CLIENT_TENANT))
    save(ws, path, expected_digest=None)

    def idspine(*argv: str, expect: int) -> str:
        result = run_cli(*argv)
        assert result.code == expect, f"idspine {' '.join(argv)} -> {result.code}\n{result.out}\n{result.err}"
        return result.out

    with (
        DiscoveryStandIn(home) as h,
        DiscoveryStandIn(client) as c,
        GraphByToken({home.token: h, client.token: c}) as graph,
    ):
        monkeypatch.setenv("IDSPINE_GRAPH_URL", graph.graph_url)
        flags = ["--file", str(path), "--allow-loopback-http", "--graph-url", graph.graph_url]
        home_all = ["discover", "entra", *flags, "--token-env", "HOME_TOKEN", "--adopt-all"]
        acme_all = ["discover", "entra", *flags, "--token-env", "ACME_TOKEN", "--client", "acme"]
        acme_all.append("--adopt-all")
        idspine(*home_all, expect=0)
        recorded = load(path).service_principal("Partner portal")
        assert recorded is not None
        home_ids = (recorded.app_id, recorded.application_object_id, recorded.object_id)
        idspine(*acme_all, expect=0)
        after = load(path)
        mine = after.service_principal("svc-data-acme")
        assert mine is not None and mine.client == "acme"
        portal_now = after.service_principal("Partner portal")
        assert portal_now is not None
        assert (portal_now.app_id, portal_now.application_object_id, portal_now.object_id) == home_ids

        drift = ["drift", "--file", str(path), "--allow-loopback-http", "--system", "entra"]
        drift += ["--token-env", "home=HOME_TOKEN", "--token-env", "acme=ACME_TOKEN"]
        in_sync = idspine(*drift, expect=0)
        assert f"entra:{TENANT_ID}" in in_sync and f"entra:{CLIENT_TENANT}" in in_sync
        settled = path.read_bytes()
        assert "Adopted 0 new, updated 0" in idspine(*home_all, expect=0)
        assert "Adopted 0 new, updated 0" in idspine(*acme_all, expect=0)
        assert path.read_bytes() == settled
