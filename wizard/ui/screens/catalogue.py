"""The service catalogue browser: search, filter by credential method, details with explainer links."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, OptionList, Select
from textual.widgets.option_list import Option

from wizard.catalogue import Service, load_catalogue
from wizard.model import Hat, Host, Method
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.footer import Footer
from wizard.ui.widgets.markdown_text import MarkdownText


def advice_markdown(service_id: str, hat: Hat, host: Host) -> str:
    """The advisor's ranking for this service, hat and host, as Markdown (best first)."""
    from wizard.advice.methods import advise

    try:
        advice = advise(service_id, hat, host)
    except LookupError as exc:  # nothing this host can use
        return f"## Advice: {hat.value} from {host.value}\n\n{exc.args[0] if exc.args else exc}\n"
    lines = [f"## Advice: {hat.value} from {host.value}", ""]
    for rank, m in enumerate(advice.ranked[:3], 1):
        lines += [
            f"{rank}. **{m.label}** (`{m.method.value}`) — {m.why} [{m.explainer}](explainer:{m.explainer})"
        ]
    if advice.unavailable:
        lines += ["", "Ruled out here: " + "; ".join(f"`{m.value}` ({why})" for m, why in advice.unavailable)]
    if advice.migration:
        lines += ["", f"**Later:** {advice.migration}"]
    return "\n".join(lines) + "\n"


def service_markdown(s: Service, advice: str = "") -> str:
    """A service's catalogue entry as Markdown (with the advisor's ranking after the summary, when given)."""
    lines = [f"# {s.name}", "", s.summary, ""]
    if advice:
        lines += [advice, "## What it supports", ""]
    if s.human_sso:
        lines += [f"**People sign in:** {s.human_sso}", ""]
    if s.scim:
        lines += [f"**Provisioning:** {s.scim}", ""]
    for m in s.methods:
        lines += [
            f"## {m.label}",
            f"`{m.method.value}`" + (f" · n8n type `{m.n8n_type}`" if m.n8n_type else ""),
            "",
            f"- **Lifetime:** {m.lifetime}",
            f"- **Rotation:** {m.rotation}",
            f"- **Create:** {m.where}",
            f"- **Revoke:** {m.revoke}",
        ]
        if m.scopes:
            lines.append(f"- **Narrow scopes:** {', '.join(m.scopes)}")
        if m.hosts:
            lines.append(f"- **Only from:** {', '.join(h.value for h in m.hosts)}")
        if m.notes:
            lines.append(f"- {m.notes}")
        lines.append("")
    if s.traps:
        lines += ["## Traps", ""] + [f"- {t}" for t in s.traps] + [""]
    lines += ["## Learn more", ""] + [f"- [{e}](explainer:{e})" for e in s.explainers] + [""]
    lines += ["## Sources", ""] + [f"- <{u}>" for u in s.sources]
    return "\n".join(lines)


class CatalogueScreen(IdspineScreen[None]):
    """Browse what each service supports."""

    CSS_PATH = "catalogue.tcss"
    AUTO_FOCUS = "#services"  # not the search box, so l works at once; / goes to search
    HELP_TITLE = "Service catalogue"
    HELP_TEXT = (
        "Search by name or category (/ then type, enter to go to the results), filter by credential "
        "method, and read how to create and revoke each. l lists the service's explainers."
    )
    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("l", "links", "Explainers"),
        Binding("escape", "leave", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="catalogue-body"):
            with Vertical(id="catalogue-side"):
                yield Input(placeholder="search services", id="search")
                yield Select([(m.value, m.value) for m in Method], prompt="any method", id="method")
                yield OptionList(id="services")
            with Vertical(id="catalogue-main"):
                with Horizontal(id="advice-for"):
                    yield Select(
                        [(h.value, h.value) for h in Hat],
                        value=self._default_hat().value,
                        allow_blank=False,
                        id="hat",
                    )
                    yield Select(
                        [(h.value, h.value) for h in Host],
                        value=Host.N8N_CLOUD.value,
                        allow_blank=False,
                        id="host",
                    )
                with VerticalScroll(id="catalogue-detail"):
                    yield MarkdownText(id="service")
        yield Footer()

    def _default_hat(self) -> Hat:
        """The consultancy's first hat (the strictest advice comes from client delivery, if worn)."""
        hats = self.workspace_state.workspace.consultancy.hats
        return Hat.CLIENT_DELIVERY if Hat.CLIENT_DELIVERY in hats else (hats[0] if hats else Hat.PROTOTYPE)

    def on_mount(self) -> None:
        self.query_one("#hat", Select).tooltip = "Your hat for this work: the advice is stricter for clients"
        self.query_one("#host", Select).tooltip = "Where the automation calling this service runs"
        self.refilter()

    def refilter(self) -> None:
        """Apply the search text and the method filter."""
        text = self.query_one("#search", Input).value
        selected = self.query_one("#method", Select).value
        method = Method(selected) if isinstance(selected, str) else None
        services = load_catalogue().search(text, method)
        box = self.query_one("#services", OptionList)
        box.clear_options()
        box.add_options([Option(s.name, id=s.id) for s in services])
        if services:
            box.highlighted = 0
        if services:
            self.show(services[0].id)

    def show(self, service_id: str) -> None:
        """Show one service: the advice for the chosen hat and host, then its catalogue entry."""
        hat = Hat(str(self.query_one("#hat", Select).value))
        host = Host(str(self.query_one("#host", Select).value))
        if (service_id, hat, host) == getattr(self, "shown", None):
            return  # opening the screen asks for the first service several times (the list, each Select)
        self.service_id = service_id
        self.shown = (service_id, hat, host)
        self.text = service_markdown(load_catalogue().get(service_id), advice_markdown(service_id, hat, host))
        self.query_one("#service", MarkdownText).update(self.text)

    def on_input_changed(self) -> None:
        self.refilter()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "method":
            self.refilter()
        elif getattr(self, "service_id", None):
            self.show(self.service_id)

    def on_input_submitted(self) -> None:
        """Enter in the search box: move to the results."""
        self.query_one("#services", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    def on_markdown_text_link_clicked(self, event: MarkdownText.LinkClicked) -> None:
        if event.href.startswith("explainer:"):
            self.idspine.open_screen("explainers", topic=event.href.removeprefix("explainer:"))
        else:
            self.app.open_url(event.href)

    def action_links(self) -> None:
        """Pick one of this service's explainers from a list (keyboard access to the links)."""
        from wizard.ui.commands import pick_explainer_link

        pick_explainer_link(self.idspine, getattr(self, "text", ""))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave(self) -> None:
        self.dismiss()
