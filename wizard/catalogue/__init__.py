"""The service catalogue: what each service supports for credentials, shipped as data and validated on load."""

from __future__ import annotations

import functools
from importlib import resources

from wizard.catalogue.model import MethodInfo, Service
from wizard.model import Method

__all__ = ["Catalogue", "CatalogueError", "MethodInfo", "Service", "load_catalogue"]


class CatalogueError(ValueError):
    """The packaged catalogue data is malformed (names the service at fault)."""


class Catalogue:
    """All services, by id, with search and filters for the browser and the advisor."""

    def __init__(self, services: list[Service]):
        self.services: dict[str, Service] = {s.id: s for s in services}
        if len(self.services) != len(services):
            raise CatalogueError("duplicate service id in the catalogue")
        self._haystack = {
            s.id: " ".join(
                [
                    s.id,
                    s.name,
                    s.category,
                    s.summary,
                    *s.aliases,
                    *(m.label for m in s.methods),
                    *(m.method.value for m in s.methods),
                    *(m.n8n_type or m.n8n_generic or "" for m in s.methods),
                ]
            ).lower()
            for s in services
        }

    def __len__(self) -> int:
        return len(self.services)

    def get(self, service_id: str) -> Service:
        """The service with this id (KeyError with close matches when unknown)."""
        try:
            return self.services[service_id]
        except KeyError:
            raise KeyError(
                f"unknown service {service_id!r}; close: {', '.join(self.close(service_id))}"
            ) from None

    def close(self, text: str) -> list[str]:
        """Up to three service ids that look like `text` (spelling first, then words and aliases)."""
        import difflib

        hits = difflib.get_close_matches(text.lower(), list(self.services), n=3, cutoff=0.5)
        for s in self.search(text):
            if s.id not in hits and len(hits) < 3:
                hits.append(s.id)
        return hits

    def search(
        self,
        text: str = "",
        method: Method | str | None = None,
        *,
        sso: bool | None = None,
        scim: bool | None = None,
        category: str | None = None,
    ) -> list[Service]:
        """Services whose text (name, aliases, methods, n8n types) contains every word of `text`.

        Optional filters: only services supporting `method`; with (True) or without (False) human SSO or
        SCIM; in one `category`. The catalogue's order is kept.
        """
        words = text.lower().split()
        wanted = Method(method) if method else None
        out = []
        for s in self.services.values():
            if not all(w in self._haystack[s.id] for w in words):
                continue
            if wanted is not None and s.method(wanted) is None:
                continue
            if sso is not None and bool(s.sso_protocols) != sso:
                continue
            if scim is not None and s.scim_supported != scim:
                continue
            if category is not None and s.category.lower() != category.lower():
                continue
            out.append(s)
        return out


def parse_catalogue(text: str) -> Catalogue:
    """Validate catalogue TOML text (CatalogueError naming the service when an entry is wrong)."""
    import tomllib

    from pydantic import ValidationError

    raw = tomllib.loads(text)
    services = []
    for i, entry in enumerate(raw.get("services", [])):
        try:
            services.append(Service.model_validate(entry))
        except ValidationError as exc:
            sid = entry.get("id", f"#{i + 1}") if isinstance(entry, dict) else f"#{i + 1}"
            raise CatalogueError(f"catalogue entry {sid}: {exc}") from None
    if not services:
        raise CatalogueError("the catalogue has no services")
    return Catalogue(services)


@functools.cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, validated (cached after the first call)."""
    text = resources.files("wizard.catalogue").joinpath("services.toml").read_text(encoding="utf-8")
    return parse_catalogue(text)
