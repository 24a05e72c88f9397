"""What each audit rule checks, in words for report formats (SARIF rule metadata, JUnit suites).

The rules themselves live in wizard/audit/rules; this table only describes them. A rule id missing here still
reports (its id stands in for the description); tests/unit/audit/test_report_formats.py keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleText:
    """A rule's one-line summary, its longer description, the explainer it links to and its topic tags."""

    short: str
    full: str
    explainer: str
    tags: tuple[str, ...]


_LIFE = ("credentials", "lifetime")
_INV = ("inventory", "consistency")
_FED = ("workload-identity", "federation")
_SEC = ("secrets",)

RULE_TEXT: dict[str, RuleText] = {
    "expired": RuleText(
        "Credential has expired",
        "A recorded credential is past its expiry date, so whatever uses it is failing or about to.",
        "credential-inventory",
        _LIFE,
    ),
    "expiring": RuleText(
        "Credential expires soon",
        "A recorded credential expires within the warning window; rotate it before callers break.",
        "credential-inventory",
        _LIFE,
    ),
    "secret-lifetime": RuleText(
        "Client secret valid for too long",
        "A client secret's total lifetime is longer than the limit; a leaked secret stays useful that long.",
        "app-management-policies",
        _LIFE,
    ),
    "certificate-lifetime": RuleText(
        "Certificate valid for too long",
        "A certificate credential's total lifetime is longer than the limit for app certificates.",
        "app-management-policies",
        _LIFE,
    ),
    "no-expiry": RuleText(
        "Static credential without an expiry",
        "A token or key is recorded with no expiry date, so nothing prompts its rotation.",
        "pat-vs-api-key-vs-oauth",
        _LIFE,
    ),
    "better-method": RuleText(
        "A stronger sign-in method is available",
        "The service offers a method without a long-lived shared secret; the credential could move to it.",
        "pat-vs-api-key-vs-oauth",
        ("credentials", "advice"),
    ),
    "no-owner": RuleText(
        "No owner recorded",
        "A credential or app has no owner, or its only owner has left, so nobody will rotate or remove it.",
        "app-ownership",
        ("ownership",),
    ),
    "group-naming": RuleText(
        "Group name breaks the naming convention",
        "A group's name does not follow the consultancy's naming convention.",
        "naming-policy",
        ("naming",),
    ),
    "duplicate": RuleText(
        "Duplicate entry",
        "Two inventory entries describe the same object (same name or same application id).",
        "naming-policy",
        _INV,
    ),
    "duplicate-key": RuleText(
        "Duplicate key in the inventory file",
        "The inventory file repeats a key, so one of the values is silently lost when it is read.",
        "credential-inventory",
        _INV,
    ),
    "dangling": RuleText(
        "Reference to a missing entry",
        "An entry points at a client, service principal, group or app role the inventory does not hold.",
        "credential-inventory",
        _INV,
    ),
    "tenant-not-recorded": RuleText(
        "Tenant not recorded",
        "A client's directory tenant is not recorded, so objects cannot be placed in the right tenant.",
        "tenant-placement",
        _INV,
    ),
    "no-secret-ref": RuleText(
        "No secret-store reference",
        "A secret credential does not say where its value is kept, so rotation cannot update it.",
        "secret-stores",
        _SEC,
    ),
    "secret-ref-no-field": RuleText(
        "1Password reference without a field",
        "A 1password:// or op:// reference names a vault and an item but no field; `op read` needs "
        "vault/item/field, so the secret can never be read.",
        "secret-stores",
        _SEC,
    ),
    "secret-collision": RuleText(
        "Two credentials share one secret-store entry",
        "Two credentials point at the same secret-store entry; rotating one overwrites the other.",
        "secret-stores",
        _SEC,
    ),
    "secret-shared-across-clients": RuleText(
        "Secret reference shared by two clients",
        "One secret-store reference is used by credentials of different clients, mixing their blast radius.",
        "secret-stores",
        _SEC,
    ),
    "secret-not-keyless": RuleText(
        "Secret where a keyless option exists",
        "A password credential is used where a certificate, federation or managed identity would do.",
        "workload-identity-federation",
        _SEC + ("keyless",),
    ),
    "multi-tenant-no-assignment": RuleText(
        "Multi-tenant app open to every user",
        "A multi-tenant app (or one placed as a multi-tenant app) does not require assignment, so every user in "
        "each tenant that consented can sign in to it.",
        "b2b-and-multi-tenant",
        ("tenant", "access"),
    ),
    "google-oauth-testing": RuleText(
        "Google OAuth client in Testing mode",
        "A Google OAuth client still in Testing mode is used by unattended work; its refresh tokens stop working "
        "after seven days.",
        "google-oauth-verification",
        ("google", "oauth", "lifetime"),
    ),
    "credential-unused": RuleText(
        "Credential unused for 30 days or more",
        "Entra's sign-in activity shows no sign-in with this credential's app for 30 days or more; it is "
        "probably left over and can be removed.",
        "unused-credentials",
        _LIFE,
    ),
    "secret-beside-federation": RuleText(
        "Secret beside a federated credential",
        "A service principal has both a client secret and a federated credential; the secret is probably left over.",
        "workload-identity-federation",
        _SEC + _FED,
    ),
    "federation-subject": RuleText(
        "Federated credential subject is wrong",
        "A federated credential's subject is missing, too broad or not in the issuer's expected form.",
        "workload-identity-federation",
        _FED,
    ),
    "federation-issuer": RuleText(
        "Federated credential issuer is wrong",
        "A federated credential's issuer is missing or not the one its platform uses.",
        "workload-identity-federation",
        _FED,
    ),
    "federation-missing": RuleText(
        "Federation expected but not recorded",
        "A workload that can use federation has no federated credential recorded.",
        "workload-identity-federation",
        _FED,
    ),
    "privileged-in-workflow": RuleText(
        "Privileged credential used by a workflow",
        "An automation workflow uses a credential with more privilege than it needs.",
        "least-privilege",
        ("permissions", "least-privilege"),
    ),
    "takeover-permission": RuleText(
        "Application permission that amounts to tenant takeover",
        "A workload identity holds an application permission that lets it grant itself any other access.",
        "dangerous-graph-permissions",
        ("permissions", "tier-0"),
    ),
}


def rule_text(rule_id: str) -> RuleText:
    """The rule's description, or the id itself when the table has no entry yet."""
    return RULE_TEXT.get(rule_id) or RuleText(rule_id, rule_id, "", ())
