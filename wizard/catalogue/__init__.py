"""The service catalogue: what each service supports for credentials, shipped as data and validated on load."""

from __future__ import annotations

import functools
from importlib import resources

from wizard.catalogue.model import MethodInfo, Service
from wizard.model import Method

__all__ = ["Catalogue", "MethodInfo", "Service", "load_catalogue"]


class Catalogue:
    """All services, by id, with search and filters for the browser and the advisor."""

    def __init__(self, services: list[Service]):
        self.services: dict[str, Service] = {s.id: s for s in services}
        if len(self.services) != len(services):
            raise ValueError("duplicate service id in the catalogue")
        self._haystack = {
            s.id: " ".join([s.id, s.name, s.category, s.summary, *(m.label for m in s.methods),
                            *(m.n8n_type or "" for m in s.methods)]).lower()
            for s in services
        }

    def get(self, service_id: str) -> Service:
        """The service with this id (KeyError with close matches when unknown)."""
        try:
            return self.services[service_id]
        except KeyError:
            raise KeyError(f"unknown service {service_id!r}; close: {', '.join(self.close(service_id))}") from None

    def close(self, text: str) -> list[str]:
        """Service ids that look like `text`."""
        import difflib

        hits = difflib.get_close_matches(text, list(self.services), n=3, cutoff=0.4)
        return hits or [s.id for s in self.search(text)[:3]]

    def search(self, text: str = "", method: Method | None = None) -> list[Service]:
        """Services whose text contains every word of `text`, optionally only those supporting `method`."""
        words = text.lower().split()
        return [s for s in self.services.values()
                if all(w in self._haystack[s.id] for w in words) and (method is None or s.method(method))]


@functools.cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, validated (cached after the first call)."""
    try:
        import tomli as toml_reader
    except ImportError:  # pragma: no cover
        import tomllib as toml_reader

    text = resources.files("wizard.catalogue").joinpath("services.toml").read_text(encoding="utf-8")
    raw = toml_reader.loads(text)
    return Catalogue([Service.model_validate(s) for s in raw["services"]])
