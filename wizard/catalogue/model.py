"""The shape of the service catalogue: services, the credential methods each supports, and their facts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wizard.model import Host, Method

# Methods that stand for a person: they stop working when that person leaves, unless the entry says otherwise.
PERSON_BOUND = frozenset({Method.OAUTH_USER, Method.PAT})


class Entry(BaseModel):
    """Base: catalogue data is read-only and must not carry unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class MethodInfo(Entry):
    """One way to authenticate to a service, with what it takes to run it safely."""

    method: Method
    label: str  # e.g. "Fine-grained personal access token"
    lifetime: str  # typical and maximum lifetime, in words
    max_days: int | None = Field(default=None, gt=0)  # longest lifetime the service allows; None: no limit
    expiry_choice: bool = False  # the creator picks an expiry date when making it
    scopes: list[str] = Field(default_factory=list)  # narrowest useful scopes or roles
    where: str  # menu path to create it
    revoke: str  # how to revoke it
    rotation: str  # the rotation burden, in words
    n8n_type: str | None = None  # n8n's dedicated credential type for this, when there is one
    n8n_generic: str | None = None  # else a generic n8n type that works (oAuth2Api, httpHeaderAuth, ...)
    hosts: list[Host] | None = None  # callers that can use it; None means any
    tied_to_person: bool | None = None  # None: derived from the method (OAuth user, PAT)
    privileged: bool = False  # bypasses the service's own authorisation (e.g. Supabase service_role)
    why: str = ""  # a service-specific reason, said after the general one
    explainer: str | None = None  # an explainer id closer to this entry than the method's default
    sources: list[str] = Field(default_factory=list)  # vendor pages for facts specific to this method
    notes: str = ""

    @property
    def person_bound(self) -> bool:
        """Whether the credential dies with the person who made it."""
        return self.method in PERSON_BOUND if self.tied_to_person is None else self.tied_to_person

    @model_validator(mode="after")
    def _check(self) -> MethodInfo:
        if self.n8n_type and self.n8n_generic:
            raise ValueError("give n8n_type or n8n_generic, not both")
        if self.method in (Method.FEDERATION, Method.MANAGED_IDENTITY) and self.hosts is None:
            raise ValueError(f"{self.method} must name the hosts that can present a workload identity")
        for url in self.sources:
            if not url.startswith("https://"):
                raise ValueError(f"source {url!r} is not an https address")
        return self


class Service(Entry):
    """A service the consultant connects to, and every credential method it offers."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    category: str
    summary: str
    aliases: list[str] = Field(default_factory=list)  # other words people search for (m365, gemini, qbo)
    human_sso: str = ""  # how people sign in with the IdP (SAML/OIDC) and on which plans
    sso_protocols: list[Literal["saml", "oidc", "native"]] = Field(default_factory=list)
    scim: str = ""  # user provisioning support, in words
    scim_supported: bool = False
    methods: list[MethodInfo] = Field(min_length=1)
    traps: list[str] = Field(default_factory=list)
    explainers: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Service:
        seen = [m.method for m in self.methods]
        if len(seen) != len(set(seen)):
            raise ValueError(f"{self.id}: a method is listed twice")
        for url in self.sources:
            if not url.startswith("https://"):
                raise ValueError(f"{self.id}: source {url!r} is not an https address")
        return self

    def method(self, method: Method | str) -> MethodInfo | None:
        """This service's entry for `method`, if it supports it."""
        return next((m for m in self.methods if m.method == method), None)

    @property
    def supported(self) -> list[Method]:
        """Methods this service supports."""
        return [m.method for m in self.methods]

    @property
    def all_sources(self) -> list[str]:
        """The service's sources followed by any method-specific ones, without repeats."""
        out = list(self.sources)
        for m in self.methods:
            out += [u for u in m.sources if u not in out]
        return out
