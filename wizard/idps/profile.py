"""What differs per identity provider: its words, where groups live and their limits, its workload identity."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GroupRules:
    """Where groups live in this IdP and what their names may be."""

    container: str  # where groups live, in the IdP's words ("the Entra tenant", "the Keycloak realm")
    term: str  # what the IdP calls a group ("security group", "Okta group", "role")
    max_length: int  # longest name the IdP accepts
    forbidden: str = ""  # characters the IdP refuses in a name
    note: str = ""  # the source of the limits, shown beside a naming problem
    console: str = (
        ""  # where the groups are listed in the admin console (the checklist ends it with "the group")
    )
    console_create: str = ""  # where to click to create one


@dataclass(frozen=True)
class WorkloadIdentity:
    """How this IdP represents a non-human caller (an automation that signs in as itself)."""

    term: str  # the IdP's name for it ("app registration + service principal", "API service app")
    short: str  # a few words for tables ("service principal", "service app")
    credentials: tuple[
        str, ...
    ]  # credential kinds it accepts, best first ("private_key_jwt", "client_secret")
    token_endpoint: str  # template with {tenant}/{domain}/{realm}/{base} placeholders
    console_create: str  # where to click to create one, in the IdP's admin console
    console_revoke: str  # where to click to revoke its credential or disable it
    api: str  # the API that creates it ("Microsoft Graph", "Okta management API")
    console_disable: str = ""  # where to stop it signing in without deleting it
    console_delete: str = ""  # where to delete it for good


@dataclass(frozen=True)
class IdpProfile:
    """One identity provider as idspine plans for it."""

    key: str  # wizard.vocabulary.IdP value
    name: str  # display name ("Microsoft Entra ID")
    groups: GroupRules
    workload: WorkloadIdentity
    terraform_provider: str  # registry source ("hashicorp/azuread", "okta/okta")
    live_apply: bool = False  # idspine can carry the plan out itself (Entra only, for now)
    sources: tuple[str, ...] = field(default_factory=tuple)  # vendor documentation the facts come from
