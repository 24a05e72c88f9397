"""The command palette: idspine's own commands, search across the explainers, following links."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:  # the App module imports this one
    from wizard.ui.app import IdspineApp


def idspine_commands(app: IdspineApp) -> Iterator[SystemCommand]:
    """The palette's own entries once a workspace is open: screens, flows, save, theme and exports."""
    from flows import FLOWS, get_flow
    from wizard.idps import profile_for
    from wizard.ui.screens import palette_routes

    assert app.state is not None
    idp = app.state.workspace.consultancy.idp
    for name, route in palette_routes(profile_for(idp.value if idp else None).live_apply).items():
        yield SystemCommand(route.title, route.help, partial(app.open_screen, name))
    for flow_id in FLOWS:
        flow = get_flow(flow_id)
        yield SystemCommand(
            f"Wizard: {flow.title}", flow.summary, partial(app.open_screen, "wizard", flow_id=flow_id)
        )
    yield SystemCommand("Save", "Write the inventory file now", app.action_save)
    yield SystemCommand("Toggle dark / light", "Switch the colour theme", app.action_toggle_theme)
    yield SystemCommand(
        "Export checklist", "Write the Markdown checklist next to the inventory", app.export_checklist
    )
    yield SystemCommand(
        "Export Azure CLI script",
        "Idempotent az script for the groups, apps and identities",
        partial(app.export_file, "az"),
    )
    yield SystemCommand(
        "Export Terraform",
        "azuread resources for the groups, apps and identities",
        partial(app.export_file, "terraform"),
    )
    yield SystemCommand(
        "Export CSV", "One row per credential, for Airtable or Excel", partial(app.export_file, "csv")
    )
    for cl in app.state.workspace.clients:
        yield SystemCommand(
            f"Off-board {cl.name}",
            f"Ordered revocation checklist for {cl.slug}",
            partial(app.export_file, "offboarding", cl.slug),
        )
        yield SystemCommand(
            f"Export Terraform for {cl.name}",
            f"azuread resources for {cl.slug} only",
            partial(app.export_file, "terraform", cl.slug),
        )


class ExplainerSearch(Provider):
    """Find an explainer by words in its title, summary or text, and open it in the reader."""

    async def search(self, query: str) -> Hits:
        from wizard import explainer_library

        app = cast("IdspineApp", self.app)
        for result in explainer_library.search(query)[:12]:
            yield Hit(
                result.score,
                f"Explain: {result.explainer.title}",
                partial(app.open_screen, "explainers", topic=result.explainer.id),
                help=result.explainer.summary,
            )

    async def discover(self) -> Hits:
        from wizard import explainer_library

        app = cast("IdspineApp", self.app)
        for exp in explainer_library.all_explainers()[:8]:
            yield DiscoveryHit(
                f"Explain: {exp.title}",
                partial(app.open_screen, "explainers", topic=exp.id),
                help=exp.summary,
            )


_EXPLAINER_LINK = re.compile(r"\]\(explainer:([a-z0-9-]+)\)")


def explainer_links(markdown: str) -> list[str]:
    """Explainer ids linked from Markdown text (`[title](explainer:id)`), in order, without repeats."""
    return list(dict.fromkeys(_EXPLAINER_LINK.findall(markdown)))


def pick_explainer_link(
    app: IdspineApp, markdown: str, open_topic: Callable[[str], object] | None = None
) -> None:
    """Keyboard access to a text's explainer links: a palette of them; choosing one opens it (by default in a
    new reader screen; the reader passes its own `open` so history works)."""
    from wizard import explainer_library

    opener = open_topic or partial(app.open_screen, "explainers")
    items = []
    for topic in explainer_links(markdown):
        try:
            exp = explainer_library.get(topic)
        except KeyError:
            continue
        items.append((exp.title, partial(_call, opener, topic), exp.summary))
    if not items:
        app.notify("No links to other explainers here.", timeout=3)
        return
    app.search_commands(items, placeholder="Follow a link…")


def _call(opener: Callable[..., object], topic: str) -> None:
    opener(topic=topic)
