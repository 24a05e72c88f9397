"""Which credential an automation's identity uses: the tool's keyless option (federation, managed identity)."""

from __future__ import annotations

from wizard.model import CredentialKind

# The issuer of GitHub Actions' identity tokens, which federated credentials trust.
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# Tools whose runs can present their own identity token instead of holding a secret.
FEDERATED_TOOLS = frozenset({"github", "github-actions"})
# Tools that run on Azure resources able to carry a managed identity.
MANAGED_TOOLS = frozenset({"azure", "azure-functions", "container-apps"})


def credential_kind_for(tool: str, kind: str) -> CredentialKind:
    """The credential an automation's identity uses: the tool's keyless option under 'auto'."""
    if kind != "auto":
        return CredentialKind(kind)
    if tool in FEDERATED_TOOLS:
        return CredentialKind.FEDERATED
    if tool in MANAGED_TOOLS:
        return CredentialKind.MANAGED_IDENTITY
    return CredentialKind.SECRET
