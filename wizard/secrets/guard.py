"""Refuse secret values; accept only references to where a secret lives.

Nothing here ever echoes the offending value: messages name the *kind* of secret only.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable

from wizard.settings import GUID

# Shapes of well-known credentials (_SHAPES below: kind shown to the user, pattern, literal needles).
# Vendor formats (checked against the vendors' own pages where they publish them):
#   Hugging Face user access tokens start with hf_ (https://huggingface.co/docs/hub/security-tokens);
#   Shopify admin tokens are shpat_/shpca_/shppa_ (and shpss_ shared secrets, shpua_) + 32 hex
#   (https://shopify.dev/changelog/length-of-the-shopify-access-token-is-increasing);
#   DigitalOcean tokens are dop_v1_/doo_v1_/dor_v1_ + 64 hex (https://docs.digitalocean.com/notes/2022/api-token-format);
#   HubSpot private app tokens are pat-<hublet>-<uuid> (e.g. pat-na1-, pat-eu1-), per HubSpot's auth guide;
#   Azure DevOps PATs were 52 lowercase base32 characters, the newer ones are 84 characters carrying "AZDO"
#   at offset 76; Azure SAS URLs carry the signature in sig=; npm tokens are npm_ + 36, PyPI tokens pypi-AgEI...
# Several of these bodies are all lowercase or all hex, which the entropy test below would let through.
_SHAPES: list[tuple[str, str, tuple[str, ...]]] = [
    # (kind shown to the user, pattern, literal needles: the pattern can only match when one is present)
    ("a private key block", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----", ("PRIVATE KEY",)),
    (
        "a GitHub token",
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    ("a GitHub fine-grained PAT", r"\bgithub_pat_[A-Za-z0-9_]{20,}", ("github_pat_",)),
    ("an Airtable personal access token", r"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{20,}", ("pat",)),
    ("an Airtable API key", r"\bkey[A-Za-z0-9]{14}\b", ("key",)),
    ("a Supabase access token", r"\bsbp_[a-f0-9]{20,}", ("sbp_",)),
    ("a Supabase secret key", r"\bsb_secret_[A-Za-z0-9_-]{16,}", ("sb_secret_",)),
    ("a Slack token", r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}", ("xox", "xapp-")),
    (
        "a Slack webhook address",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}",
        ("hooks.slack.com",),
    ),
    ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", ("AKIA", "ASIA")),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}", ("AIza",)),
    ("an OpenAI key", r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}", ("sk-",)),
    (
        "a Stripe-style secret key",
        r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bwhsec_[A-Za-z0-9]{20,}",
        ("sk_", "rk_", "whsec_"),
    ),
    (
        "a GitLab token",
        r"\bgl(?:pat|dt|rt|cbt|ptt|oas|ft|imt|agent|soat)-[A-Za-z0-9_.-]{20,}",
        tuple(f"gl{p}-" for p in ("pat", "dt", "rt", "cbt", "ptt", "oas", "ft", "imt", "agent", "soat")),
    ),
    ("a Databricks token", r"\bdapi[a-f0-9]{32}", ("dapi",)),
    ("a Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}", ("hf_",)),
    ("a Shopify token", r"\bshp(?:at|ca|pa|ss|ua)_[a-fA-F0-9]{32}", ("shp",)),
    ("a DigitalOcean token", r"\bdo[opr]_v1_[a-f0-9]{64}", ("_v1_",)),
    (
        "a HubSpot private app token",
        r"\bpat-[a-z]{2,3}\d-(?i:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
        ("pat-",),
    ),
    ("an Azure DevOps PAT", r"(?<![A-Za-z0-9])[a-z2-7]{52}(?![A-Za-z0-9])", ()),
    ("an Azure DevOps PAT", r"(?<![A-Za-z0-9])[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])", ("AZDO",)),
    ("an Azure SAS signature", r"(?:^|[?&;\s])(?i:sig)=[A-Za-z0-9%+/]{16,}", ("sig=",)),
    ("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b", ("npm_",)),
    ("a PyPI token", r"\bpypi-AgE[A-Za-z0-9_-]{40,}", ("pypi-",)),
    ("a SendGrid key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}", ("SG.",)),
    ("an n8n API key (JWT)", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", ("eyJ",)),
    ("an Entra client secret", r"\b[A-Za-z0-9_\-.]{3}\dQ~[A-Za-z0-9_\-.~]{31,}", ("Q~",)),
    ("a Google service account key", r'"private_key_id"\s*:', ("private_key_id",)),
    # scheme://user:password@host, also with an empty user (redis://:password@host) and short passwords.
    ("a password in a connection string", r"://[^/\s:@]*:[^@\s/]+@", ("://",)),
    # Password=...; in ADO.NET / ODBC strings, AccountKey=/SharedAccessKey= in Azure connection strings,
    # password= in a query string.
    (
        "a password in a connection string",
        r"(?:^|[;?&\s\"'])(?i:password|passwd|pwd|accountkey|sharedaccesskey)\s*=\s*(?!env:)[^;&\s\"']{3,}",
        ("password", "passwd", "pwd", "accountkey", "sharedaccesskey"),
    ),
]
_KNOWN_SHAPES: list[tuple[str, re.Pattern[str]]] = [(kind, re.compile(rx)) for kind, rx, _ in _SHAPES]

_TOKEN_SPLIT = re.compile(r"[\s\"'`,;()<>\[\]{}|]+")
_ENTROPY_CANDIDATE = re.compile(r"^[A-Za-z0-9+/=_\-.~]{24,}$")
_UUID = GUID  # the one pattern, wizard.settings

REFERENCE_SCHEMES = ("env:", "keyvault://", "1password://", "op://", "file:")
_REF_PATTERNS = {
    "env:": re.compile(r"^env:[A-Za-z_][A-Za-z0-9_]{0,127}$"),
    "keyvault://": re.compile(
        r"^keyvault://[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]/[0-9a-zA-Z-]{1,127}(/[0-9a-f]{32})?$"
    ),
    "1password://": re.compile(r"^1password://[^/\s]+/[^/\s]+(/[^/\s]+)?$"),
    "op://": re.compile(r"^op://[^/\s]+/[^/\s]+(/[^/\s]+){1,2}$"),
    # spaces allowed inside (macOS keeps configuration under "~/Library/Application Support"); no control characters
    "file:": re.compile(r"^file:\S(?:[^\x00-\x1f\x7f]{0,1022}\S)?$"),
}


class SecretValueError(ValueError):
    """A value looked like a secret; the message never contains it."""


def shannon_entropy(text: str) -> float:
    """Bits per character of *text*."""
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_random(token: str) -> bool:
    """A long token mixing character classes with high entropy (a key, not a word)."""
    if not _ENTROPY_CANDIDATE.match(token) or _UUID.match(token):
        return False
    classes = sum(
        (any(c.islower() for c in token), any(c.isupper() for c in token), any(c.isdigit() for c in token))
    )
    if classes < 3:
        hexish = all(c in "0123456789abcdefABCDEF" for c in token)
        # Long hex strings are typical API keys (40+ hex chars).
        return hexish and len(token) >= 32 and shannon_entropy(token) > 3.0
    return shannon_entropy(token) >= 4.0


_PATH_WORD = re.compile(r"^[A-Z]?[a-z]{2,}(?:[A-Z][a-z]{2,})*[0-9]*$")  # Library, AppData, Clients2024, Alex2
_PATH_SUBTOKEN = re.compile(r"[-_.~]+")


def _ordinary_segment(segment: str) -> bool:
    """A folder or file name made of ordinary parts: each part (split at - _ . ~) is in one letter case (acme,
    2026Q1, x86, 7x) or a capitalised/CamelCase word with trailing digits; not random on its own."""
    if _looks_random(segment):
        return False
    for part in _PATH_SUBTOKEN.split(segment):
        if not part:
            continue
        if not part.isalnum() or not part.isascii():
            return False  # + or = belong to base64, not to folder names
        if any(c.islower() for c in part) and any(c.isupper() for c in part) and not _PATH_WORD.match(part):
            return False  # case flipping inside a part (aB3xY9) is how random keys look
    return True


def _ordinary_path(run: str) -> bool:
    """A run with slashes whose every segment is an ordinary name: a path, not a base64 blob."""
    if "/" not in run:
        return False
    segments = [seg for seg in run.split("/") if seg]
    return len(segments) >= 2 and all(_ordinary_segment(seg) for seg in segments)


_KNOWN_ANY = re.compile("|".join(f"(?P<k{i}>{p.pattern})" for i, (_, p) in enumerate(_KNOWN_SHAPES)))
# Every shape with needles can only match text holding one of them; the one without (an Azure DevOps PAT of 52
# characters) only text of 52 characters or more. Text with neither skips the combined pattern, whose answer
# it could not change (about 7 us per short string; most of an inventory's strings are short ids and names).
_NEEDLES = tuple(sorted({n.lower() for _, _, needles in _SHAPES for n in needles}))
_NEEDLELESS_MIN_LENGTH = 52  # the shortest text a shape without needles can match (a test checks it)
_CANDIDATE_RUN = re.compile(r"[A-Za-z0-9+/=_\-.~]{24,}")
_LONG_TEXT = 256


@functools.lru_cache(maxsize=65536)
def find_secret_kind(text: str) -> str | None:
    """Return a description of the secret *text* seems to contain, or None."""
    if not text or len(text) < 8:
        return None
    if len(text) <= _LONG_TEXT:
        lowered = text.lower()
        candidate = len(text) >= _NEEDLELESS_MIN_LENGTH or any(n in lowered for n in _NEEDLES)
        match = _KNOWN_ANY.search(text) if candidate else None
        if match:
            return _KNOWN_SHAPES[int(match.lastgroup[1:])][0]  # type: ignore[index]
    else:
        # One pass of the combined pattern costs about a microsecond per character; on long text only the
        # shapes whose literal needle occurs are searched, which keeps a hostile 16 MB file to seconds.
        lowered = text.lower()
        for (kind, pattern), (_, _, needles) in zip(_KNOWN_SHAPES, _SHAPES, strict=True):
            if (not needles or any(n in text or n in lowered for n in needles)) and pattern.search(text):
                return kind
    if len(text) < 24:
        return None
    if "://" in text:
        for token in _TOKEN_SPLIT.split(text):
            # URLs and paths are split further so that ordinary addresses do not count as one blob.
            for part in re.split(r"[/:?&=#@]+", token):
                if _looks_random(part):
                    return "a high-entropy string (looks like a key or token)"
        return None
    for run in _CANDIDATE_RUN.finditer(text):
        # a folder path mixes letters, digits and case across its names without being random: judged per name
        if _looks_random(run.group()) and not _ordinary_path(run.group()):
            return "a high-entropy string (looks like a key or token)"
    return None


REDACTED = "[redacted]"
# A run of this many characters shared with a known secret counts as that secret, cut or re-cased.
MIN_FRAGMENT = 8
_WORD = re.compile(r"\S+")


def _fragments(secrets: Iterable[str]) -> set[str]:
    """Every MIN_FRAGMENT-long piece of every known secret, lower-cased."""
    grams: set[str] = set()
    for secret in secrets:
        for piece in (secret or "").lower().split():
            grams.update(piece[i : i + MIN_FRAGMENT] for i in range(len(piece) - MIN_FRAGMENT + 1))
    return grams


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """*text* with known secrets and secret-shaped words replaced by [redacted].

    A known secret is caught whole in any letter case, and also cut: any word sharing MIN_FRAGMENT or
    more consecutive characters with a known secret (a prefix a server echoed, the value upper-cased by a
    proxy, the tail after a cut) is redacted whole. Secrets shorter than four characters are not matched
    (they would match ordinary words). This is the one redaction function: providers and sign-in use it.
    """
    known = [s for s in secrets if s and len(s) >= 4]
    out = text
    for secret in sorted(known, key=len, reverse=True):
        out = re.sub(re.escape(secret), REDACTED, out, flags=re.IGNORECASE)
    grams = _fragments(known)

    def word(match: re.Match[str]) -> str:
        w = match.group()
        if w == REDACTED:
            return w
        low = w.lower()
        if grams and any(low[i : i + MIN_FRAGMENT] in grams for i in range(len(low) - MIN_FRAGMENT + 1)):
            return REDACTED
        return REDACTED if find_secret_kind(w) else w

    return _WORD.sub(word, out)


def refuse_secret(text: str) -> str:
    """Validator: pass *text* through unless it holds something shaped like a secret."""
    kind = find_secret_kind(text)
    if kind:
        raise SecretValueError(
            f"refused: this looks like {kind}. idspine never stores secret values; "
            "store the secret in a vault or environment and record a reference such as env:NAME"
        )
    return text


def validate_reference(ref: str) -> str:
    """Validator for a secret reference (env:, keyvault://, 1password:// or op://, file:)."""
    for scheme, pattern in _REF_PATTERNS.items():
        if ref.startswith(scheme):
            if not pattern.match(ref):
                raise ValueError(f"malformed {scheme} reference (expected e.g. {_EXAMPLES[scheme]})")
            if find_secret_kind(ref.removeprefix(scheme)):
                raise SecretValueError("refused: the reference itself looks like a secret value")
            return ref
    if find_secret_kind(ref):
        raise SecretValueError(
            "refused: this looks like a secret value, not a reference; use env:NAME, keyvault://vault/name, "
            "op://vault/item/field or file:PATH"
        )
    raise ValueError(
        "not a secret reference: use env:NAME, keyvault://vault/name, op://vault/item/field or file:PATH"
    )


_EXAMPLES = {
    "env:": "env:N8N_API_KEY",
    "keyvault://": "keyvault://kv-acme-prod/n8n-graph-secret",
    "1password://": "1password://Clients/Acme-n8n/credential",
    "op://": "op://Clients/Acme/credential",
    "file:": "file:~/.config/idspine/secrets/acme.env",
}
