"""The IdP decision interview: score each identity provider against the consultant's situation, with reasons.

Pure and deterministic: `recommend(answers)` returns every IdP ranked, each with the reasons for it and the
concerns against it, so the wizard can show why the winner won and what the runner-up offers.
Vendor facts behind the reasons (checked 2026-11):
  Entra ID P1 in Microsoft 365 Business Premium / E3, P2 in E5:
    https://www.microsoft.com/en-us/security/business/microsoft-entra-pricing
  External ID (guests and customers) billed by monthly active users with a free tier of 50,000:
    https://learn.microsoft.com/en-us/entra/external-id/external-identities-pricing
  Auth0 Free plan up to 25,000 monthly active users, paid plans priced by MAU: https://auth0.com/pricing
  Okta Integration Network, thousands of prebuilt integrations:
    https://okta.com/integrate/documentation/isv-partner-integrations
  Keycloak, Apache-2.0, CNCF project: https://www.keycloak.org , https://github.com/cncf/toc/issues/128
  authentik proxy provider for apps without OIDC/SAML/LDAP: https://docs.goauthentik.io/providers/proxy/
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.model import IdP

IDP_NAMES = {
    IdP.ENTRA: "Microsoft Entra ID",
    IdP.OKTA: "Okta Workforce Identity",
    IdP.AUTH0: "Auth0 (Okta Customer Identity)",
    IdP.GOOGLE: "Google Cloud Identity",
    IdP.KEYCLOAK: "Keycloak",
    IdP.AUTHENTIK: "authentik",
}
# On equal scores: the one that is less work to run for a solo consultant first.
TIE_ORDER = [IdP.ENTRA, IdP.OKTA, IdP.GOOGLE, IdP.AUTH0, IdP.AUTHENTIK, IdP.KEYCLOAK]
SELF_HOSTED = (IdP.KEYCLOAK, IdP.AUTHENTIK)
HOSTED = (IdP.ENTRA, IdP.OKTA, IdP.AUTH0, IdP.GOOGLE)

# Interview questions: id -> (prompt, {option value: label}). The first option is the neutral default.
QUESTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "licences": (
        "Which licences do you already pay for?",
        {
            "none": "None of these",
            "m365-premium": "Microsoft 365 Business Premium, E3 or E5 (includes Entra ID P1 or P2)",
            "m365-basic": "Microsoft 365 Business Basic or Standard (Entra ID Free)",
            "google-workspace": "Google Workspace",
        },
    ),
    "clients": (
        "What do your clients mostly run on?",
        {
            "mixed": "A mix",
            "microsoft": "Microsoft 365 / Azure",
            "google": "Google Workspace / Google Cloud",
        },
    ),
    "saas": (
        "Which apps need single sign-on?",
        {
            "few": "A handful of well-known apps that support SAML or OIDC",
            "many": "Many SaaS apps, and I want ready-made SSO and provisioning",
            "legacy": "Self-hosted tools with no sign-in integration of their own",
        },
    ),
    "self_host": (
        "Open source and self-hosting?",
        {
            "neutral": "No preference",
            "prefer": "I prefer open source that I host myself",
            "avoid": "I do not want to run an identity server",
        },
    ),
    "residency": (
        "Data residency and compliance needs?",
        {
            "standard": "Standard: a reputable cloud region is fine",
            "strict": "Strict: identity data must stay in one jurisdiction, on infrastructure I control",
        },
    ),
    "external": (
        "Will external people (client staff, end customers) sign in to what you build?",
        {
            "some": "Some client staff as guests",
            "none": "No, only my team",
            "bursty": "Many external users, arriving in bursts (customer-facing apps)",
        },
    ),
    "budget": (
        "Budget for identity, including those external users?",
        {
            "moderate": "Some per-user cost is fine",
            "minimal": "As close to zero as possible",
            "flexible": "Whatever fits best",
        },
    ),
}


@dataclass
class Ranked:
    """One IdP's score and the reasons behind it."""

    idp: IdP
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The product's display name."""
        return IDP_NAMES[self.idp]

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

    def of(self, idp: IdP) -> Ranked:
        """The ranking entry of one IdP."""
        return next(r for r in self.ranking if r.idp == idp)

    def reasons_for(self, idp: IdP) -> list[str]:
        """What to record in the workspace when `idp` is chosen: its reasons, its concerns, the alternative."""
        chosen = self.of(idp)
        out = list(chosen.reasons) or ["No answer pointed to it strongly; it was chosen by hand."]
        out += [f"Watch: {c}" for c in chosen.concerns[:2]]
        if idp != self.recommended.idp:
            out.append(
                f"Chosen over the interview's pick, {self.recommended.name} (score {self.recommended.score} "
                f"vs {chosen.score})."
            )
        else:
            second = self.runner_up
            why = f": {second.reasons[0]}" if second.reasons else ""
            out.append(f"Runner-up: {second.name} (score {second.score}){why}")
        return out

    def summary(self) -> str:
        """Plain text for previews and the review step."""
        best, second = self.recommended, self.runner_up
        lines = [f"Recommended: {best.name} (score {best.score})"]
        lines += [f"  + {r}" for r in best.reasons] + [f"  - {c}" for c in best.concerns]
        lines += [f"Runner-up: {second.name} (score {second.score})"]
        lines += [f"  + {r}" for r in second.reasons[:3]] + [f"  - {c}" for c in second.concerns[:2]]
        rest = ", ".join(f"{r.name} {r.score}" for r in self.ranking[2:])
        return "\n".join([*lines, f"Others: {rest}"])


def recommend(answers: dict[str, str]) -> Recommendation:
    """Score every IdP for the answers (unknown or missing answers count as neutral)."""
    r = {idp: Ranked(idp) for idp in IdP}
    e, o, a, g, k, ak = (
        r[IdP.ENTRA],
        r[IdP.OKTA],
        r[IdP.AUTH0],
        r[IdP.GOOGLE],
        r[IdP.KEYCLOAK],
        r[IdP.AUTHENTIK],
    )
    lic, clients, saas = answers.get("licences"), answers.get("clients"), answers.get("saas")
    host, residency, external, budget = (
        answers.get("self_host"),
        answers.get("residency"),
        answers.get("external"),
        answers.get("budget"),
    )
    m365 = lic in ("m365-premium", "m365-basic")

    if lic == "m365-premium":
        e.add(
            4,
            "Your Microsoft 365 plan already includes Entra ID P1 (P2 with E5): Conditional Access, "
            "dynamic groups and PIM-ready admin groups at no extra cost.",
        )
    elif lic == "m365-basic":
        e.add(
            2, "Entra ID Free already comes with your Microsoft 365 tenant; P1 can be added per user later."
        )
    elif lic == "none":
        e.add(1, "Entra ID Free comes with any Azure subscription, at no cost, and grows into P1 per user.")
    elif lic == "google-workspace":
        g.add(
            4, "Your Google Workspace already is a Cloud Identity directory, with SAML and OIDC SSO for apps."
        )

    if clients == "microsoft":
        e.add(
            3,
            "Microsoft-based clients: B2B guest access and delegated admin (GDAP, Lighthouse) fit directly.",
        )
    elif clients == "google":
        g.add(2, "Google-based clients share your directory's model and admin tools.")
    elif clients == "mixed":
        o.add(1, "Vendor-neutral between Microsoft and Google clients.")

    if saas == "many":
        o.add(
            3,
            "The Okta Integration Network has thousands of prebuilt SSO and provisioning (SCIM) integrations.",
        )
        e.add(1, "A large app gallery with SAML/OIDC and provisioning templates.")
        g.add(-1, "Fewer prebuilt provisioning connectors than Okta or Entra.")
        k.add(-1, "Each SaaS app is wired by hand (generic SAML/OIDC), with no provisioning catalogue.")
        ak.add(-1, "Each SaaS app is wired by hand (generic SAML/OIDC), with no provisioning catalogue.")
    elif saas == "legacy":
        ak.add(
            3, "Its proxy provider (forward auth) puts sign-in in front of tools that have none of their own."
        )
        k.add(1, "Works with a separate proxy such as oauth2-proxy for tools without their own sign-in.")
        if lic == "m365-premium":
            e.add(
                1,
                "Application Proxy (P1) can pre-authenticate internal web apps, through a Windows connector.",
            )

    if host == "prefer":
        k.add(
            4, "Open source (Apache-2.0), the most widely deployed self-hosted IdP: you decide where it runs."
        )
        ak.add(3, "Open source and self-hosted, with a friendlier admin UI and lighter set-up than Keycloak.")
        for hosted in (e, o, a, g):
            hosted.add(-1, "A hosted service you cannot run yourself.")
    elif host == "avoid":  # a hard limit, not a preference: no other answer outweighs it
        for own in (k, ak):
            own.add(
                -20,
                "You would operate, patch, back up and monitor it yourself, and you said you will not "
                "run an identity server: an outage would lock everyone out.",
            )

    if residency == "strict":
        for own in (k, ak):
            own.add(
                3,
                "Self-hosted: identity data stays in the jurisdiction and on the infrastructure you choose.",
            )
        for hosted in (e, o, a, g):
            hosted.add(
                -1, "The vendor hosts the data: pick the region at sign-up and check its processing terms."
            )
        e.add(1, "For EU tenants, the EU Data Boundary keeps most identity data inside the EU.")

    if external == "bursty":
        a.add(
            4,
            "Built for customer sign-in (social, passwordless, organisations); free up to 25,000 monthly "
            "active users, then priced per active user.",
        )
        k.add(1, "No per-user fees however many external users arrive; you size the servers for the bursts.")
        e.add(1, "External ID bills by monthly active users with 50,000 free each month.")
        e.add(-1, "Customer sign-in lives in a separate external tenant with its own user flows.")
        o.add(-2, "Workforce Identity is priced per user; Okta sells Auth0 for customer sign-in.")
        g.add(-2, "Cloud Identity is a workforce directory; customer sign-in is a separate product.")
    elif external == "some":
        e.add(
            1,
            "B2B guests sign in with their own organisation's account; the first 50,000 active guests a "
            "month are free.",
        )
        o.add(1, "External users can be kept in their own groups or a separate org.")
    elif external == "none":
        a.add(-3, "Made for customer-facing apps rather than a consultancy's own staff.")

    if budget == "minimal":
        k.add(2, "No licence fee; the cost is your time and a small server.")
        ak.add(2, "No licence fee for the open-source edition.")
        g.add(1, "Cloud Identity has a free edition for a small team.")
        o.add(-2, "Paid per user from the first user, on an annual contract.")
        if m365:
            e.add(1, "Already paid for through Microsoft 365.")
        if external == "bursty":
            a.add(1, "The free plan covers a sizeable external audience before any cost.")
    elif budget == "flexible":
        o.add(1, "Budget allows the specialist vendor with the broadest integrations and support.")

    ranking = sorted(r.values(), key=lambda x: (-x.score, TIE_ORDER.index(x.idp)))
    return Recommendation(ranking)
