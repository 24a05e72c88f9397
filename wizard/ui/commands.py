"""Command palette providers beyond the system commands: search across the explainers."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ExplainerSearch(Provider):
    """Find an explainer by words in its title, summary or text, and open it in the reader."""

    async def search(self, query: str) -> Hits:
        from wizard import explainer_library

        app = self.app
        for result in explainer_library.search(query)[:12]:
            yield Hit(result.score, f"Explain: {result.explainer.title}",
                      partial(app.open_screen, "explainers", topic=result.explainer.id),  # type: ignore[attr-defined]
                      help=result.explainer.summary)

    async def discover(self) -> Hits:
        from wizard import explainer_library

        app = self.app
        for exp in explainer_library.all_explainers()[:8]:
            yield DiscoveryHit(f"Explain: {exp.title}",
                               partial(app.open_screen, "explainers", topic=exp.id),  # type: ignore[attr-defined]
                               help=exp.summary)
