"""Option lists, answer readers and text validators the flows share (no Textual, no network)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from wizard.model import SLUG_RE, Hat, Host, TenantModel
from wizard.settings import GUID_PATTERN
from wizard.steps import Answer, Answers, Option, StepProblems

HAT_OPTIONS = (
    Option(Hat.PROTOTYPE.value, "Prototype developer", "quick experiments on your own accounts"),
    Option(Hat.OWN_PRODUCTION.value, "Single-user production", "automations you run for your own business"),
    Option(Hat.CLIENT_DELIVERY.value, "Client delivery", "systems you build and run for clients"),
)

HOST_OPTIONS = (
    Option(Host.N8N_CLOUD.value, "n8n Cloud"),
    Option(Host.N8N_SELF_HOSTED.value, "Self-hosted n8n (VM, container)"),
    Option(Host.AZURE.value, "Azure (Functions, Container Apps) with managed identity"),
    Option(Host.GITHUB_ACTIONS.value, "GitHub Actions"),
    Option(Host.LAPTOP.value, "My laptop"),
)

TENANT_MODEL_OPTIONS = (
    Option(
        TenantModel.SEPARATE_TENANT.value,
        "The client's own tenant; your team joins as B2B guests",
        "the client owns and can revoke everything",
    ),
    Option(
        TenantModel.B2B_GUESTS.value,
        "Client people as guests in your tenant",
        "you host the apps; the client signs in with its own accounts",
    ),
    Option(
        TenantModel.DELEGATED_ADMIN.value,
        "Delegated admin (GDAP / Azure Lighthouse)",
        "time-limited admin roles in the client's tenant",
    ),
    Option(
        TenantModel.PARTITION.value,
        "A partition of your own tenant (groups, administrative unit)",
        "small clients without a tenant of their own",
    ),
)

RESIDENCY_OPTIONS = tuple(Option(v, v) for v in ("EU", "UK", "US", "CH", "CA", "AU", "other"))

_SLUG = re.compile(SLUG_RE)
_TENANT = re.compile(
    GUID_PATTERN + r"|^(?=.{4,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*"
    r"\.[A-Za-z]{2,63}$"
)
_ROLE = re.compile(r"^[^\W\d_][^\x00-\x1f<>\\\x7f]{0,39}$")
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_NAME_PART = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")


def service_options() -> tuple[Option, ...]:
    """Every catalogue service as an option (the catalogue is loaded on first use)."""
    from wizard.catalogue import load_catalogue

    services = sorted(load_catalogue().services.values(), key=lambda s: s.name.lower())
    return tuple(Option(s.id, s.name, s.category) for s in services)


def slugify(text: str) -> str:
    """'Acme Logistics GmbH' -> 'acme-logistics-gmbh' (a valid workspace slug)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "c-" + slug
    return slug[:40].rstrip("-")


def text_list(answers: Answers, key: str) -> list[str]:
    """A list answer as a list of strings (empty when missing)."""
    value = answers.get(key)
    if isinstance(value, list):
        return [str(v) for v in value]
    return [value] if isinstance(value, str) and value else []


def text(answers: Answers, key: str, fallback: str = "") -> str:
    """A text or choice answer as a string."""
    value = answers.get(key)
    return str(value) if isinstance(value, str) and value else fallback


def check_slug(value: Answer) -> list[str]:
    """Validator: a workspace slug."""
    return (
        []
        if _SLUG.match(str(value))
        else ["1–40 lower-case letters, digits or dashes, starting with a letter (e.g. acme)"]
    )


def check_has_letters(value: Answer) -> list[str]:
    """Validator: a name with at least one letter."""
    return [] if any(ch.isalpha() for ch in str(value)) else ["a name with letters, e.g. Northwind Data"]


def check_terms(value: Answer) -> list[str]:
    """Validator: a sentence of terms or notes (words with letters, one line, at most 300 characters)."""
    words = str(value)
    if not any(ch.isalpha() for ch in words):
        return ["a sentence with letters, e.g. Exports stay in the client's EU storage"]
    if len(words) > 300 or any(ord(ch) < 32 or ord(ch) == 127 for ch in words):
        return ["one line of at most 300 characters"]
    return []


def check_https_url(value: Answer) -> list[str]:
    """Validator: an https address with a host name."""
    parts = urlsplit(str(value))
    if parts.scheme != "https" or not parts.hostname:
        return ["an https address such as https://n8n.yourdomain.com"]
    if parts.username or parts.password or parts.query:
        return ["just the base address, without user names, passwords or query strings"]
    return []


def check_email(value: Answer) -> list[str]:
    """Validator: an e-mail address (a person or a shared mailbox), by the rule the inspector and CLI use."""
    from wizard.credential_edit import email_problem

    problem = email_problem(str(value))
    return [problem] if problem else []


def check_tenant(value: Answer) -> list[str]:
    """Validator: a tenant id (GUID) or a domain such as yourco.onmicrosoft.com."""
    return (
        [] if _TENANT.match(str(value)) else ["a tenant id (GUID) or a domain such as yourco.onmicrosoft.com"]
    )


def check_reference(value: Answer) -> list[str]:
    """Validator: where a secret lives (env:NAME, keyvault://vault/name, op://vault/item/field, file:)."""
    from wizard.secrets.guard import validate_reference

    try:
        validate_reference(str(value))
    except ValueError as exc:  # the guard's messages never repeat the value
        return [str(exc).splitlines()[0]]
    return []


def check_roles(value: Answer) -> list[str]:
    """Validator: role names (letters first; letters, digits, spaces, dashes, dots; at most 40 characters)."""
    lines = value if isinstance(value, list) else [str(value)]
    bad = sum(1 for line in lines if not _ROLE.match(line))
    return (
        [
            f"{bad} role name(s) must start with a letter and be at most 40 characters, without < > or \\, "
            "e.g. Data-Engineer"
        ]
        if bad
        else []
    )


def check_words(value: Answer) -> list[str]:
    """Validator: single words (no spaces), e.g. blocked words."""
    lines = value if isinstance(value, list) else [str(value)]
    bad = sum(1 for line in lines if not _WORD.match(line))
    return [f"{bad} line(s) are not single words (letters, digits, - _ .)"] if bad else []


def check_name_part(value: Answer) -> list[str]:
    """Validator: a name prefix or suffix (up to 20 letters, digits, dots, dashes or underscores)."""
    return (
        []
        if _NAME_PART.match(str(value))
        else ["up to 20 letters, digits, dots, dashes or underscores, e.g. nw-"]
    )


def check_repo(value: Answer) -> list[str]:
    """Validator: a GitHub owner/repository pair."""
    return [] if _REPO.match(str(value)) else ["owner/repository, e.g. northwind/pipelines"]


def check_automations(value: Answer) -> list[str]:
    """Validator: 'tool:purpose' lines."""
    lines = value if isinstance(value, list) else [str(value)]
    bad = sum(1 for line in lines if not _automation(line))
    return [f"{bad} line(s) are not tool:purpose (e.g. n8n:graph)"] if bad else []


def _automation(line: str) -> tuple[str, str] | None:
    tool, sep, purpose = line.partition(":")
    if not sep or not re.search(r"[A-Za-z0-9]", tool) or not re.search(r"[A-Za-z0-9]", purpose):
        return None
    return slugify(tool).removeprefix("c-"), slugify(purpose).removeprefix("c-")


def parse_automations(lines: list[str], question: str) -> list[tuple[str, str]]:
    """'n8n:graph' lines -> [(tool, purpose)] without repeats; StepProblems on a malformed line."""
    out: list[tuple[str, str]] = []
    for line in lines:
        pair = _automation(line)
        if pair is None:
            raise StepProblems({question: "write each automation as tool:purpose, e.g. n8n:graph"})
        if pair not in out:
            out.append(pair)
    return out
