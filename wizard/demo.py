"""The built-in demo workspace: a small consultancy with two clients and a realistic mix of credentials.

Dates are relative to `today` so the demo always shows a few expiring and expired items; tests pass a
fixed date to get stable output. `scaled_workspace` grows the same shapes to any size for benchmarks.
"""

from __future__ import annotations

import datetime as dt

from wizard.demo_credentials import demo_credentials
from wizard.keyless import GITHUB_ISSUER
from wizard.model import (
    AppRole,
    Client,
    Consultancy,
    Credential,
    CredentialKind,
    FederatedCredential,
    Group,
    Hat,
    IdP,
    Integrations,
    Permission,
    ServicePrincipal,
    Status,
    TenantModel,
    Workspace,
)

DEMO_TODAY = dt.date(2026, 11, 23)


def _consultancy() -> Consultancy:
    return Consultancy(
        name="Northwind Data",
        slug="northwind",
        home_tenant="northwinddata.onmicrosoft.com",
        idp=IdP.ENTRA,
        idp_reasons=[
            "Microsoft 365 Business Premium is already paid for, so Entra ID P1 comes with it.",
            "Clients are mostly Microsoft shops; B2B guest access and Lighthouse-style delegation fit.",
        ],
        hats=[Hat.PROTOTYPE, Hat.OWN_PRODUCTION, Hat.CLIENT_DELIVERY],
        tools=[
            "n8n",
            "supabase",
            "airtable",
            "github",
            "databricks",
            "google-cloud",
            "aws",
            "quickbooks-online",
        ],
        integrations=Integrations(
            n8n_url="https://n8n.northwind.example",
            n8n_api_key_ref="env:N8N_API_KEY",
            supabase_project_ref="abcdefghijklmnopqrst",
            supabase_access_token_ref="env:SUPABASE_ACCESS_TOKEN",
            secret_store="keyvault",
            keyvault_name="kv-northwind-ops",
        ),
        break_glass_accounts=["breakglass-01@northwinddata.onmicrosoft.com"],
    )


def _groups() -> list[Group]:
    rows = [
        ("Org-Data-Engineer", "", "Data-Engineer", False, Status.ACTIVE),
        ("Org-Automation-Owner", "", "Automation-Owner", False, Status.ACTIVE),
        ("Admin-Org-Global", "", "Global", True, Status.ACTIVE),
        ("Tenant-Acme-Data-Engineer", "acme", "Data-Engineer", False, Status.ACTIVE),
        ("Tenant-Acme-Analyst", "acme", "Analyst", False, Status.ACTIVE),
        ("Admin-Acme-Owner", "acme", "Owner", True, Status.ACTIVE),
        ("Tenant-Globex-Data-Engineer", "globex", "Data-Engineer", False, Status.PLANNED),
        ("Tenant-Globex-Viewer", "globex", "Viewer", False, Status.PLANNED),
        ("Admin-Globex-Owner", "globex", "Owner", True, Status.PLANNED),
    ]
    return [
        Group(
            name=n,
            client=c,
            role=r,
            admin=a,
            status=s,
            owners=["alex@northwinddata.onmicrosoft.com"],
            description=f"{r.replace('-', ' ')} access" + (f" for {c}" if c else " inside Northwind"),
        )
        for n, c, r, a, s in rows
    ]


def _service_principals(today: dt.date) -> list[ServicePrincipal]:
    graph_sites = Permission(resource="Microsoft Graph", name="Sites.Selected")
    graph_mail = Permission(resource="Microsoft Graph", name="Mail.Send")
    return [
        ServicePrincipal(
            name="svc-n8n-graph-acme",
            client="acme",
            tool="n8n",
            purpose="graph",
            credential_kind=CredentialKind.SECRET,
            secret_ref="keyvault://kv-northwind-ops/svc-n8n-graph-acme",
            secret_created=today - dt.timedelta(days=160),
            secret_expires=today + dt.timedelta(days=20),
            permissions=[graph_sites],
            owner="alex@northwinddata.onmicrosoft.com",
            status=Status.ACTIVE,
            app_id="11111111-2222-4333-8444-555555555555",
        ),
        ServicePrincipal(
            name="svc-github-deploy-acme",
            client="acme",
            tool="github",
            purpose="deploy",
            credential_kind=CredentialKind.FEDERATED,
            owner="alex@northwinddata.onmicrosoft.com",
            federated_credentials=[
                FederatedCredential(
                    name="acme-pipeline-main",
                    issuer=GITHUB_ISSUER,
                    subject="repo:northwind/acme-pipeline:ref:refs/heads/main",
                    description="Deploys from the main branch only",
                )
            ],
            status=Status.ACTIVE,
        ),
        ServicePrincipal(
            name="svc-api-portal-acme",
            client="acme",
            tool="api",
            purpose="portal",
            credential_kind=CredentialKind.NONE,
            owner="alex@northwinddata.onmicrosoft.com",
            app_roles=[
                AppRole(
                    value="workflow:run", display_name="Run workflows", groups=["Tenant-Acme-Data-Engineer"]
                ),
                AppRole(value="workflow:read", display_name="Read workflows", groups=["Tenant-Acme-Analyst"]),
            ],
            redirect_uris=["https://portal.acme.example/auth/callback"],
            status=Status.PLANNED,
        ),
        ServicePrincipal(
            name="svc-n8n-graph-globex",
            client="globex",
            tool="n8n",
            purpose="graph",
            credential_kind=CredentialKind.SECRET,
            secret_ref="env:GLOBEX_GRAPH_SECRET",
            secret_created=today - dt.timedelta(days=40),
            secret_expires=today + dt.timedelta(days=690),
            permissions=[graph_mail],
            owner="",
            status=Status.ACTIVE,
        ),
        ServicePrincipal(
            name="svc-github-deploy-globex",
            client="globex",
            tool="github",
            purpose="deploy",
            credential_kind=CredentialKind.FEDERATED,
            owner="alex@northwinddata.onmicrosoft.com",
            federated_credentials=[
                FederatedCredential(
                    name="globex-any-ref",
                    issuer=GITHUB_ISSUER,
                    subject="repo:northwind/globex-etl:*",
                    description="Too broad: any branch or pull request can deploy",
                )
            ],
            status=Status.PLANNED,
        ),
    ]


def demo_workspace(today: dt.date | None = None) -> Workspace:
    """The demo consultancy "Northwind Data" with clients acme and globex."""
    today = today or dt.date.today()
    return Workspace(
        consultancy=_consultancy(),
        clients=[
            Client(
                slug="acme",
                name="Acme Logistics",
                tenant_model=TenantModel.SEPARATE_TENANT,
                tenant="acmelogistics.onmicrosoft.com",
                residency="EU",
                data_export_consent="Exports stay in the client's EU storage account",
            ),
            Client(slug="globex", name="Globex Retail", tenant_model=TenantModel.B2B_GUESTS, residency="US"),
        ],
        groups=_groups(),
        service_principals=_service_principals(today),
        credentials=demo_credentials(today),
    )


def scaled_workspace(credentials: int, today: dt.date | None = None) -> Workspace:
    """The demo workspace grown to `credentials` credentials across many clients (for benchmarks)."""
    today = today or dt.date.today()
    base = demo_workspace(today)
    templates = [c for c in base.credentials if c.client]
    clients = list(base.clients)
    creds: list[Credential] = []
    client_count = max(2, credentials // 50)
    for i in range(client_count):
        slug = f"client-{i:04d}"
        clients.append(Client(slug=slug, name=f"Client {i:04d}", residency=("EU", "US", "UK", "AU")[i % 4]))
    for i in range(credentials):
        t = templates[i % len(templates)]
        client = f"client-{i % client_count:04d}"
        data = t.model_dump(exclude_defaults=True)
        data.update(id=f"{t.id.split('-', 1)[1]}-{i:05d}", client=client, identity="")
        if t.expires:
            data["expires"] = today + dt.timedelta(days=(i * 37) % 400 - 30)
        creds.append(Credential.model_validate(data))
    return base.model_copy(update={"clients": clients, "credentials": creds})
