"""The IdP decision interview: score each identity provider against the consultant's situation, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.model import IdP

IDP_NAMES = {
    IdP.ENTRA: "Microsoft Entra ID", IdP.OKTA: "Okta Workforce Identity", IdP.AUTH0: "Auth0 (Okta Customer Identity)",
    IdP.GOOGLE: "Google Cloud Identity", IdP.KEYCLOAK: "Keycloak", IdP.AUTHENTIK: "authentik",
}
TIE_ORDER = [IdP.ENTRA, IdP.OKTA, IdP.GOOGLE, IdP.AUTH0, IdP.KEYCLOAK, IdP.AUTHENTIK]

# Interview questions: id -> (prompt, {option value: label}).
QUESTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "licences": ("Which licences do you already pay for?", {
        "m365-premium": "Microsoft 365 Business Premium, E3 or E5 (includes Entra ID P1 or P2)",
        "m365-basic": "Microsoft 365 Business Basic or Standard (Entra ID Free)",
        "google-workspace": "Google Workspace",
        "none": "None of these",
    }),
    "clients": ("What do your clients mostly run on?", {
        "microsoft": "Microsoft 365 / Azure", "google": "Google Workspace / Google Cloud", "mixed": "A mix",
    }),
    "saas": ("How many SaaS apps need single sign-on and provisioning?", {
        "few": "A handful", "many": "Many, and I want ready-made integrations",
    }),
    "self_host": ("Open source and self-hosting?", {
        "prefer": "I prefer open source that I host myself", "neutral": "No preference",
        "avoid": "I do not want to run an identity server",
    }),
    "residency": ("Data residency and compliance needs?", {
        "standard": "Standard: a reputable cloud region is fine",
        "strict": "Strict: identity data must stay in one jurisdiction under my control",
    }),
    "external": ("Will external people (client staff, end customers) sign in to what you build?", {
        "none": "No, only my team", "some": "Some client staff as guests",
        "bursty": "Many external users, arriving in bursts (customer-facing apps)",
    }),
    "budget": ("Budget for identity?", {
        "minimal": "As close to zero as possible", "moderate": "Some per-user cost is fine",
        "flexible": "Whatever fits best",
    }),
}


@dataclass
class Ranked:
    """One IdP's score and the reasons behind it."""

    idp: IdP
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    def add(self, points: int, text: str) -> None:
        """Adjust the score and keep the reason (a concern when negative)."""
        self.score += points
        (self.reasons if points > 0 else self.concerns).append(text)


@dataclass(frozen=True)
class Recommendation:
    """The interview's result: the choice, the runner-up and the full ranking."""

    ranking: list[Ranked]

    @property
    def recommended(self) -> Ranked:
        """The best fit."""
        return self.ranking[0]

    @property
    def runner_up(self) -> Ranked:
        """The second-best fit."""
        return self.ranking[1]

    def summary(self) -> str:
        """Plain text for previews and the review step."""
        best, second = self.recommended, self.runner_up
        lines = [f"Recommended: {IDP_NAMES[best.idp]} (score {best.score})"]
        lines += [f"  + {r}" for r in best.reasons] + [f"  - {c}" for c in best.concerns]
        lines += [f"Runner-up: {IDP_NAMES[second.idp]} (score {second.score})"]
        lines += [f"  + {r}" for r in second.reasons[:3]] + [f"  - {c}" for c in second.concerns[:2]]
        return "\n".join(lines)


def recommend(answers: dict[str, str]) -> Recommendation:
    """Score every IdP for the answers (unknown or missing answers count as neutral)."""
    r = {idp: Ranked(idp) for idp in IdP}
    e, o, a, g, k, ak = (r[IdP.ENTRA], r[IdP.OKTA], r[IdP.AUTH0], r[IdP.GOOGLE], r[IdP.KEYCLOAK], r[IdP.AUTHENTIK])
    lic, clients, saas = answers.get("licences"), answers.get("clients"), answers.get("saas")
    host, residency, external, budget = (answers.get("self_host"), answers.get("residency"),
                                         answers.get("external"), answers.get("budget"))
    if lic == "m365-premium":
        e.add(4, "Your Microsoft 365 plan already includes Entra ID P1/P2: Conditional Access, dynamic groups, "
                 "app proxy at no extra cost.")
    elif lic == "m365-basic":
        e.add(2, "Entra ID Free comes with your Microsoft 365 tenant; P1 can be added per user later.")
    elif lic == "google-workspace":
        g.add(4, "Your Google Workspace already is a Cloud Identity directory with SAML SSO for apps.")
    if clients == "microsoft":
        e.add(3, "Microsoft-shop clients: B2B guest access and delegated admin (GDAP, Lighthouse) fit directly.")
    elif clients == "google":
        g.add(2, "Google-based clients share your directory's model and admin tools.")
    elif clients == "mixed":
        o.add(1, "Neutral between Microsoft and Google clients.")
    if saas == "many":
        o.add(3, "The largest catalogue of prebuilt SSO and SCIM integrations.")
        e.add(1, "A large app gallery with SAML/OIDC and provisioning templates.")
        g.add(-1, "Fewer prebuilt provisioning connectors than Okta or Entra.")
        k.add(-1, "Each SaaS app is wired by hand (generic SAML/OIDC).")
        ak.add(-1, "Each SaaS app is wired by hand (generic SAML/OIDC).")
    if host == "prefer":
        k.add(4, "Open source (Apache 2.0), self-hosted: you decide where it runs and what it stores.")
        ak.add(3, "Open source and lighter to run than Keycloak for a small team.")
        for x in (e, o, a, g):
            x.add(-1, "A hosted service you cannot self-host.")
    elif host == "avoid":
        k.add(-4, "You would operate, patch, back up and monitor it yourself.")
        ak.add(-4, "You would operate, patch, back up and monitor it yourself.")
    if residency == "strict":
        k.add(2, "Self-hosting keeps identity data in the jurisdiction and on infrastructure you choose.")
        ak.add(2, "Self-hosting keeps identity data in the jurisdiction and on infrastructure you choose.")
        e.add(1, "EU Data Boundary and regional tenants cover most residency demands.")
        o.add(-1, "Cell location is chosen at sign-up; check the region's terms.")
    if external == "bursty":
        a.add(4, "Built for customer identity: social and passwordless sign-in, pricing by monthly active users.")
        k.add(1, "No per-user fees for large external audiences.")
        e.add(-1, "Customer-facing sign-in needs the separate Entra External ID product.")
        o.add(-1, "Workforce pricing per user is costly for large external audiences.")
    elif external == "some":
        e.add(1, "B2B guests sign in with their own organisation's account.")
        o.add(1, "External users can be kept in a separate group or org.")
    elif external == "none":
        a.add(-2, "Made for customer-facing apps rather than a consultancy's own staff.")
    if budget == "minimal":
        k.add(2, "No licence fee; the cost is your time and a small server.")
        ak.add(2, "No licence fee for the open-source edition.")
        g.add(1, "Cloud Identity Free covers a small team.")
        o.add(-2, "Per-user pricing with a minimum contract.")
        if lic in ("m365-premium", "m365-basic"):
            e.add(1, "Already paid for through Microsoft 365.")
    ranking = sorted(r.values(), key=lambda x: (-x.score, TIE_ORDER.index(x.idp)))
    return Recommendation(ranking)
