"""Google: the dry run in the Cloud Identity API (groups) and the IAM API (service accounts, workload identity).

Sources (checked against Google's REST references and the Terraform google provider docs):
- Cloud Identity groups.create: POST https://cloudidentity.googleapis.com/v1/groups?initialGroupConfig=...
  with groupKey.id (the group's e-mail address), parent `customers/{customerId}`, displayName and the label
  `cloudidentity.googleapis.com/groups.discussion_forum` (docs.cloud.google.com/identity/docs/reference/rest/
  v1/groups/create; google_cloud_identity_group). groups:lookup?groupKey.id=... finds an existing one.
- IAM serviceAccounts.create: POST https://iam.googleapis.com/v1/projects/{project}/serviceAccounts with
  accountId and serviceAccount.displayName.
- Workload identity federation: POST .../projects/{project}/locations/global/workloadIdentityPools
  ?workloadIdentityPoolId=..., then .../workloadIdentityPools/{pool}/providers?workloadIdentityPoolProviderId=...
  with oidc.issuerUri, attributeMapping (google.subject=assertion.sub) and attributeCondition (gcloud iam
  workload-identity-pools providers create-oidc); the external identity may act as the service account
  through roles/iam.workloadIdentityUser on it (serviceAccounts getIamPolicy / setIamPolicy).
- Keys: POST .../serviceAccounts/{email}/keys; Google advises against long-lived keys.
"""

from __future__ import annotations

import re

from wizard.idps import profile_for
from wizard.model import FederatedCredential, ServicePrincipal, Workspace
from wizard.providers.idp_plan import (
    ApiCall,
    IdpPlan,
    PlanStep,
    foreign_permissions_step,
    selected,
    sign_in_only,
    wants_key,
)
from wizard.vocabulary import IdP

GROUPS = "https://cloudidentity.googleapis.com/v1/groups"
IAM = "https://iam.googleapis.com/v1"
DISCUSSION_LABEL = "cloudidentity.googleapis.com/groups.discussion_forum"
KEY_WARNING = (
    "a service account key is a long-lived secret that works from anywhere until deleted; Google advises "
    "workload identity federation instead"
)


def account_id(name: str) -> str:
    """A service account id from an inventory name: 6-30 lowercase letters, digits and hyphens, a letter first."""
    out = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    if not out or not out[0].isalpha():
        out = "sa-" + out
    return out[:30].rstrip("-").ljust(6, "0")


def _pool_id(fic: FederatedCredential) -> str:
    return (
        "github" if "githubusercontent" in fic.issuer else re.sub(r"[^a-z0-9-]+", "-", fic.name.lower())[:32]
    )


def build_plan(ws: Workspace, client: str | None = None) -> IdpPlan:
    """Cloud Identity groups, then a service account per workload identity, keyless where it can be."""
    profile = profile_for(IdP.GOOGLE.value)
    domain = ws.consultancy.idp_address.strip().removeprefix("https://").strip("/")
    project = ws.consultancy.gcp_project.strip()
    plan = IdpPlan(IdP.GOOGLE.value, profile.name, profile.workload.api, f"{GROUPS} and {IAM}")
    missing = []
    if not domain:
        missing.append(
            "the Cloud Identity primary domain (consultancy idp_address) — group addresses use {domain}"
        )
    if not project:
        missing.append("the Google Cloud project (consultancy gcp_project) — paths use {project}")
    if missing:
        plan.base_note = "Not recorded: " + "; ".join(missing) + ". Record them with `idspine edit`."
    domain = domain or "{domain}"
    project = project or "{project}"
    groups, sps = selected(ws, client)
    if groups:
        plan.steps.append(
            PlanStep(
                "customer-id",
                "manual",
                "",
                "look up the Cloud Identity customer id (Admin console > Account > Account settings) for "
                "parent customers/{customerId}",
                manual=True,
            )
        )
    for g in groups:
        email = f"{g.name.lower()}@{domain}"
        plan.steps.append(
            PlanStep(
                f"group:{g.name}",
                "group",
                g.name,
                f"Cloud Identity group {email}",
                (
                    ApiCall("GET", f"{GROUPS}:lookup?groupKey.id={email}"),
                    ApiCall(
                        "POST",
                        f"{GROUPS}?initialGroupConfig=EMPTY",
                        f"groupKey.id {email}, parent customers/{{customerId}}, displayName {g.name}, "
                        f"labels {DISCUSSION_LABEL}",
                    ),
                ),
            )
        )
    for sp in sps:
        plan.steps.extend(_account_steps(ws, sp, project))
    return plan


def _account_steps(ws: Workspace, sp: ServicePrincipal, project: str) -> list[PlanStep]:
    name = sp.name
    if sign_in_only(sp):
        return [
            PlanStep(
                f"oauth-client:{name}",
                "manual",
                name,
                f"{name} is an app people sign in to: create its OAuth client by hand (Google Cloud console > "
                "APIs & Services > Credentials > Create credentials > OAuth client ID); the API has no call "
                "for it",
                manual=True,
            )
        ]
    sa = account_id(name)
    email = f"{sa}@{project}.iam.gserviceaccount.com"
    accounts = f"{IAM}/projects/{project}/serviceAccounts"
    steps = [
        PlanStep(
            f"service-account:{name}",
            "workload",
            name,
            f"service account {email}",
            (
                ApiCall("GET", f"{accounts}/{email}"),
                ApiCall("POST", accounts, f"accountId {sa}, serviceAccount.displayName {name}"),
            ),
        )
    ]
    pools = f"{IAM}/projects/{project}/locations/global/workloadIdentityPools"
    for fic in sp.federated_credentials:
        pool = _pool_id(fic)
        if "*" in fic.subject or not fic.subject:
            steps.append(
                PlanStep(
                    f"federation:{name}/{fic.name}",
                    "manual",
                    name,
                    f"fix federated credential {fic.name} of {name} by hand: a principal:// member names one "
                    f"exact subject, so {fic.subject or 'an empty subject'!r} matches nothing; name one branch or "
                    "environment, or bind principalSet://.../attribute.repository/ORG/REPO and limit it with "
                    "an attributeCondition",
                    manual=True,
                )
            )
            continue
        steps.append(
            PlanStep(
                f"federation:{name}/{fic.name}",
                "binding",
                name,
                f"workload identity pool {pool} and OIDC provider for {fic.issuer}; {fic.subject} may act as "
                f"{email} (no key)",
                (
                    ApiCall("POST", f"{pools}?workloadIdentityPoolId={pool}", f"displayName {pool}"),
                    ApiCall(
                        "POST",
                        f"{pools}/{pool}/providers?workloadIdentityPoolProviderId={pool}-oidc",
                        f"oidc.issuerUri {fic.issuer}, attributeMapping google.subject=assertion.sub, "
                        "attributeCondition on the repository",
                    ),
                    ApiCall("POST", f"{accounts}/{email}:getIamPolicy"),
                    ApiCall(
                        "POST",
                        f"{accounts}/{email}:setIamPolicy",
                        "add roles/iam.workloadIdentityUser for principal://iam.googleapis.com/projects/"
                        f"{{projectNumber}}/locations/global/workloadIdentityPools/{pool}/subject/{fic.subject}",
                    ),
                ),
            )
        )
    if wants_key(ws, sp) and not sp.federated_credentials:
        steps.append(
            PlanStep(
                f"key:{name}",
                "credential",
                name,
                f"a key for {email}, because the inventory asks for one. Warning: {KEY_WARNING}",
                (ApiCall("POST", f"{accounts}/{email}/keys", "privateKeyType TYPE_GOOGLE_CREDENTIALS_FILE"),),
            )
        )
    foreign = foreign_permissions_step(
        sp,
        lambda p: p.name.startswith("roles/"),
        "Google",
        "grant it the IAM role(s) it needs on the resource it uses (the resource's setIamPolicy)",
    )
    if foreign:
        steps.append(foreign)
    roles = [p.name for p in sp.permissions if p.name.startswith("roles/")]
    if roles:
        steps.append(
            PlanStep(
                f"roles:{name}",
                "grant",
                name,
                f"grant {email} {', '.join(roles)} on project {project}",
                (
                    ApiCall(
                        "POST",
                        f"https://cloudresourcemanager.googleapis.com/v3/projects/{project}:getIamPolicy",
                    ),
                    ApiCall(
                        "POST",
                        f"https://cloudresourcemanager.googleapis.com/v3/projects/{project}:setIamPolicy",
                        f"add {', '.join(roles)} for serviceAccount:{email}",
                    ),
                ),
                link=f"https://console.cloud.google.com/iam-admin/iam?project={project}",
            )
        )
    return steps
