"""The shape of the service catalogue: services, the credential methods each supports, and their facts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from wizard.model import Host, Method


class Entry(BaseModel):
    """Base: catalogue data is read-only and must not carry unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class MethodInfo(Entry):
    """One way to authenticate to a service, with what it takes to run it safely."""

    method: Method
    label: str  # e.g. "Fine-grained personal access token"
    lifetime: str  # typical and maximum lifetime, in words
    max_days: int | None = None  # longest lifetime the service allows; None when it never expires
    scopes: list[str] = Field(default_factory=list)  # narrowest useful scopes or roles
    where: str  # menu path to create it
    revoke: str  # how to revoke it
    rotation: str  # the rotation burden, in words
    n8n_type: str | None = None  # n8n credential type name, when n8n has one
    hosts: list[Host] | None = None  # callers that can use it; None means any
    notes: str = ""


class Service(Entry):
    """A service the consultant connects to, and every credential method it offers."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    category: str
    summary: str
    human_sso: str = ""  # how people sign in with the IdP (SAML/OIDC) and on which plans
    scim: str = ""  # user provisioning support
    methods: list[MethodInfo]
    traps: list[str] = Field(default_factory=list)
    explainers: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)

    def method(self, method: Method) -> MethodInfo | None:
        """This service's entry for `method`, if it supports it."""
        return next((m for m in self.methods if m.method == method), None)

    @property
    def supported(self) -> list[Method]:
        """Methods this service supports."""
        return [m.method for m in self.methods]
