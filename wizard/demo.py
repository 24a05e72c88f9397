"""The built-in demo workspace: a small consultancy with two clients and a realistic mix of credentials.

Dates are relative to `today` so the demo always shows a few expiring and expired items; tests pass a
fixed date to get stable output. `scaled_workspace` grows the same shapes to any size for benchmarks.
"""

from __future__ import annotations

import datetime as dt

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
    Method,
    Permission,
    ServicePrincipal,
    Status,
    SupabaseKey,
    TenantModel,
    Workspace,
)

DEMO_TODAY = dt.date(2026, 11, 23)
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


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


def _credentials(today: dt.date) -> list[Credential]:
    d = dt.timedelta
    owner = "alex@northwinddata.onmicrosoft.com"

    def cred(**kw: object) -> Credential:
        kw.setdefault("owner", owner)
        kw.setdefault("created", today - d(days=60))
        return Credential(**kw)  # type: ignore[arg-type]

    return [
        cred(
            id="acme-graph-n8n",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            client="acme",
            identity="svc-n8n-graph-acme",
            label="Graph for SharePoint sync",
            scopes=["Sites.Selected"],
            expires=today + d(days=20),
            secret_ref="keyvault://kv-northwind-ops/svc-n8n-graph-acme",
            used_by=["n8n:SharePoint sync"],
            n8n_type="microsoftOAuth2Api",
        ),
        cred(
            id="acme-airtable-pat",
            service="airtable",
            method=Method.PAT,
            client="acme",
            label="Airtable base: Orders",
            scopes=["data.records:read", "data.records:write"],
            expires=today + d(days=75),
            secret_ref="env:ACME_AIRTABLE_PAT",
            used_by=["n8n:Order intake"],
            n8n_type="airtableTokenApi",
            planned_migration="Move to Airtable OAuth integration when the client signs off",
        ),
        cred(
            id="acme-supabase-service-role",
            service="supabase",
            method=Method.API_KEY,
            client="acme",
            label="Supabase service_role key",
            secret_ref="keyvault://kv-northwind-ops/acme-supabase-service-role",
            privileged=True,
            key_kind=SupabaseKey.SERVICE_ROLE,
            used_by=["n8n:Nightly load"],
            n8n_type="supabaseApi",
            notes="Legacy JWT key; bypasses Row Level Security; should live only in server-side code",
        ),
        cred(
            id="acme-supabase-anon",
            service="supabase",
            method=Method.API_KEY,
            client="acme",
            label="Supabase anon key for the portal",
            secret_ref="env:ACME_SUPABASE_ANON",
            key_kind=SupabaseKey.ANON,
            used_by=["web:portal.acme.example"],
        ),
        cred(
            id="acme-github-deploy",
            service="github-actions",
            method=Method.FEDERATION,
            client="acme",
            identity="svc-github-deploy-acme",
            label="Deploy pipeline to Azure",
            used_by=["github-actions:northwind/acme-pipeline"],
        ),
        cred(
            id="acme-databricks-sp",
            service="databricks",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            client="acme",
            label="Databricks workspace jobs",
            scopes=["all-apis"],
            expires=today + d(days=300),
            secret_ref="keyvault://kv-northwind-ops/acme-databricks-sp",
            used_by=["n8n:Trigger jobs"],
        ),
        cred(
            id="acme-databricks-pat",
            service="databricks",
            method=Method.PAT,
            client="acme",
            label="Old personal token from the pilot",
            created=today - d(days=400),
            secret_ref="env:ACME_DATABRICKS_PAT",
            used_by=["laptop:notebooks"],
            planned_migration="Replace with the workspace service principal (OAuth M2M)",
        ),
        cred(
            id="acme-gcp-sa-key",
            service="google-cloud",
            method=Method.SERVICE_ACCOUNT_KEY,
            client="acme",
            label="BigQuery loader key",
            created=today - d(days=250),
            secret_ref="file:~/.config/idspine/acme-bq.json",
            used_by=["n8n:BigQuery load"],
            n8n_type="googleApi",
            planned_migration="Workload identity federation from GitHub Actions",
        ),
        cred(
            id="acme-openai",
            service="openai",
            method=Method.API_KEY,
            client="acme",
            label="Project key: summaries",
            expires=today - d(days=3),
            secret_ref="env:ACME_OPENAI_KEY",
            used_by=["n8n:Ticket summaries"],
            n8n_type="openAiApi",
        ),
        cred(
            id="acme-slack-bot",
            service="slack",
            method=Method.OAUTH_USER,
            client="acme",
            label="Alerts bot",
            scopes=["chat:write"],
            secret_ref="env:ACME_SLACK_BOT",
            used_by=["n8n:Alerts"],
            n8n_type="slackApi",
        ),
        cred(
            id="acme-m365-delegated",
            service="microsoft-graph",
            method=Method.OAUTH_USER,
            client="acme",
            label="Mailbox reader (delegated)",
            scopes=["Mail.Read", "offline_access"],
            secret_ref="keyvault://kv-northwind-ops/acme-m365-refresh",
            used_by=["n8n:Inbox triage"],
            n8n_type="microsoftOAuth2Api",
        ),
        cred(
            id="globex-graph-n8n",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            client="globex",
            identity="svc-n8n-graph-globex",
            label="Graph mail sender",
            scopes=["Mail.Send"],
            expires=today + d(days=690),
            secret_ref="env:GLOBEX_GRAPH_SECRET",
            used_by=["n8n:Weekly report"],
            n8n_type="microsoftOAuth2Api",
            owner="",
        ),
        cred(
            id="globex-quickbooks",
            service="quickbooks-online",
            method=Method.OAUTH_USER,
            client="globex",
            label="QuickBooks invoices",
            scopes=["com.intuit.quickbooks.accounting"],
            secret_ref="1password://Globex/QuickBooks",
            used_by=["n8n:Invoice export"],
            n8n_type="quickBooksOAuth2Api",
            expires=today + d(days=90),
        ),
        cred(
            id="globex-aws-keys",
            service="aws",
            method=Method.API_KEY,
            client="globex",
            label="IAM user access key for S3 exports",
            created=today - d(days=500),
            secret_ref="env:GLOBEX_AWS_KEY",
            used_by=["n8n:S3 export"],
            n8n_type="aws",
            planned_migration="IAM role assumed through OIDC",
        ),
        cred(
            id="globex-github-pat",
            service="github",
            method=Method.PAT,
            client="globex",
            label="Classic PAT for repo sync",
            scopes=["repo"],
            secret_ref="env:GLOBEX_GITHUB_PAT",
            used_by=["n8n:Repo sync"],
            n8n_type="githubApi",
            owner="",
        ),
        cred(
            id="globex-snowflake",
            service="snowflake",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            client="globex",
            label="Warehouse loader",
            status=Status.PLANNED,
        ),
        cred(
            id="northwind-github-pat",
            service="github",
            method=Method.PAT,
            label="Fine-grained PAT: infra repo",
            scopes=["contents:read", "metadata:read"],
            expires=today + d(days=25),
            secret_ref="env:NORTHWIND_GITHUB_PAT",
            used_by=["laptop:scripts"],
        ),
        cred(
            id="northwind-n8n-api",
            service="n8n",
            method=Method.API_KEY,
            label="n8n public API key for idspine",
            expires=today + d(days=200),
            secret_ref="env:N8N_API_KEY",
            used_by=["idspine"],
        ),
        cred(
            id="northwind-supabase-mgmt",
            service="supabase-management",
            method=Method.PAT,
            label="Supabase management token",
            expires=today + d(days=150),
            secret_ref="env:SUPABASE_ACCESS_TOKEN",
            used_by=["idspine"],
        ),
        cred(
            id="northwind-gemini",
            service="google-cloud",
            method=Method.API_KEY,
            label="Gemini API key: prototypes",
            secret_ref="env:GEMINI_API_KEY",
            used_by=["laptop:prototypes"],
        ),
        cred(
            id="northwind-azure-openai",
            service="azure-openai",
            method=Method.MANAGED_IDENTITY,
            label="Function app calling Azure OpenAI",
            used_by=["azure:func-northwind-summaries"],
        ),
        cred(
            id="northwind-keyvault-mi",
            service="azure",
            method=Method.MANAGED_IDENTITY,
            label="Function app reading Key Vault",
            scopes=["Key Vault Secrets User"],
            used_by=["azure:func-northwind-summaries"],
        ),
        cred(
            id="northwind-quickbooks",
            service="quickbooks-online",
            method=Method.OAUTH_USER,
            label="Own bookkeeping",
            scopes=["com.intuit.quickbooks.accounting"],
            secret_ref="1password://Northwind/QuickBooks",
            expires=today + d(days=95),
        ),
        cred(
            id="acme-bigquery-wif",
            service="bigquery",
            method=Method.FEDERATION,
            client="acme",
            label="BigQuery from GitHub Actions (workload identity pool)",
            status=Status.PLANNED,
            used_by=["github-actions:northwind/acme-pipeline"],
        ),
        cred(
            id="acme-aws-role",
            service="aws",
            method=Method.FEDERATION,
            client="acme",
            label="S3 landing bucket via IAM role (OIDC)",
            scopes=["s3:PutObject"],
            used_by=["github-actions:northwind/acme-pipeline"],
        ),
        cred(
            id="globex-airtable-oauth",
            service="airtable",
            method=Method.OAUTH_USER,
            client="globex",
            label="Airtable OAuth integration",
            scopes=["data.records:read", "schema.bases:read"],
            secret_ref="keyvault://kv-northwind-ops/globex-airtable-oauth",
            used_by=["n8n:Catalogue sync"],
            n8n_type="airtableOAuth2Api",
        ),
        cred(
            id="globex-workspace-sa",
            service="google-workspace",
            method=Method.SERVICE_ACCOUNT_KEY,
            client="globex",
            label="Drive reader with domain-wide delegation",
            created=today - d(days=30),
            expires=today + d(days=60),
            scopes=["https://www.googleapis.com/auth/drive.readonly"],
            secret_ref="keyvault://kv-northwind-ops/globex-workspace-sa",
            used_by=["n8n:Drive import"],
            n8n_type="googleApi",
        ),
        cred(
            id="northwind-okta-api",
            service="okta",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            label="Okta management API (trial org)",
            scopes=["okta.groups.read"],
            status=Status.PLANNED,
        ),
        cred(
            id="northwind-gemini-vertex",
            service="google-cloud",
            method=Method.OAUTH_USER,
            label="Vertex AI from the laptop (gcloud application-default login)",
            scopes=["https://www.googleapis.com/auth/cloud-platform"],
            used_by=["laptop:notebooks"],
            secret_ref="file:~/.config/gcloud/application_default_credentials.json",
        ),
        cred(
            id="northwind-airtable-old-key",
            service="airtable",
            method=Method.API_KEY,
            label="Legacy API key",
            created=today - d(days=900),
            status=Status.RETIRED,
            notes="Airtable retired legacy API keys",
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
        credentials=_credentials(today),
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
