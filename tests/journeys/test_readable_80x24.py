"""At 80x24, text panels never cut a word in two, tables show whole columns, long addresses stay whole or
copyable, and notes are shortened at a word boundary."""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region
from textual.widgets import DataTable, Static

from tests.support.journeys import demo_app, open_with, settle
from wizard.ui.fit import clip, wrap

WORD_END = re.compile(r"[A-Za-z0-9]+$")
WORD_START = re.compile(r"^[A-Za-z0-9]+")


def rendered_lines(widget: Static) -> list[str]:
    """The text lines the widget shows (wrapped at its real width)."""
    width, height = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def plain(widget: Static) -> str:
    visual = widget.visual
    return getattr(visual, "plain", "") or str(widget.render())


def cuts(widget: Static) -> list[str]:
    """Places where a word was split across two lines (the two halves exist joined in the source text)."""
    lines, source = rendered_lines(widget), plain(widget)
    found = []
    for a, b in zip(lines, lines[1:], strict=False):
        tail, head = WORD_END.search(a), WORD_START.search(b.lstrip())
        if tail and head and f"{tail.group()}{head.group()}" in source:
            found.append(f"{a.strip()[-20:]!r} | {b.strip()[:20]!r}")
    return found


def test_wrap_never_cuts_words_and_keeps_every_character() -> None:
    text = (
        "Fix: Issue a new one, update every place that uses it, then revoke the old one. Owner "
        "alex@northwinddata.onmicrosoft.com; see https://learn.microsoft.com/en-us/entra/identity-platform/"
        "v2-admin-consent for details"
    )
    for width in (20, 28, 33, 47, 72):
        out = wrap(text, width)
        assert all(len(line) <= width for line in out.splitlines()), width
        assert out.replace("\n", "").replace(" ", "") == text.replace(" ", "")
        words = {w for w in re.split(r"[\s/.@:;,-]+", text) if w}
        pieces = {w for w in re.split(r"[\s/.@:;,-]+", out) if w}
        assert pieces <= words, (width, pieces - words)  # no word split in two
    assert wrap("Sign on: https://n8n.example.org/signin", 30) == "Sign on:\nhttps://n8n.example.org/signin"


def test_clip_ends_at_a_word_boundary() -> None:
    text = (
        "an administrator grants consent for svc-n8n-graph-acme: Microsoft Graph/Sites.Selected (Application)"
    )
    short = clip(text, 40)
    assert len(short) <= 40 and short.endswith("…") and text.startswith(short[:-1])
    assert text[len(short) - 1] == " "  # the next character was a space: nothing cut
    assert clip("short", 40) == "short"


async def test_inspector_detail_never_cuts_a_word() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        screen = app.screen
        problems = []
        for row in screen.matches:
            screen.show_detail(row)
            await pilot.pause()
            problems += [f"{row.name}: {c}" for c in cuts(screen.query_one("#detail", Static))]
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("key", "name", "panels"),
    [
        ("", "HomeScreen", ("#consultancy", "#health")),
        ("n", "N8nScreen", ("#wiring-summary", "#wiring-values")),
        ("u", "SupabaseScreen", ("#wiring-summary",)),
        ("a", "EntraScreen", ("#wiring-summary",)),
    ],
)
async def test_panels_never_cut_a_word(key: str, name: str, panels: tuple[str, ...]) -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        if key:
            await open_with(pilot, key, name)
        else:
            await settle(pilot)
        problems = [f"{p}: {c}" for p in panels for c in cuts(app.screen.query_one(p, Static))]
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("key", "name"), [("", "HomeScreen"), ("a", "EntraScreen"), ("n", "N8nScreen")])
async def test_tables_show_whole_columns(key: str, name: str) -> None:
    """Every column of the table fits in the table's width: nothing is hidden past the right edge."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        if key:
            await open_with(pilot, key, name)
        else:
            await settle(pilot)
        for table in app.screen.query(DataTable):
            needed = sum(c.get_render_width(table) for c in table.ordered_columns)
            assert needed <= table.scrollable_content_region.width, (
                table.id,
                needed,
                table.scrollable_content_region.width,
            )


async def test_n8n_sso_values_can_be_copied_whole() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "n", "N8nScreen")
        await pilot.press("c")
        await settle(pilot)
        copied = app.clipboard
        assert "https://n8n.northwind.example/rest/sso/saml/acs" in copied.splitlines()[2]
        assert "https://n8n.northwind.example/rest/oauth2-credential/callback" in copied


async def test_n8n_long_addresses_break_only_after_a_slash() -> None:
    """A long n8n address (a client's subdomain) is wider than the panel: it breaks after / or ., never mid-word."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.state.workspace.consultancy.integrations.n8n_url = (  # type: ignore[union-attr]
            "https://automation-workflows.northwind-data-consulting.example.com"
        )
        await open_with(pilot, "n", "N8nScreen")
        values = app.screen.query_one("#wiring-values", Static)
        assert not cuts(values)
        assert all(len(line) <= values.size.width for line in rendered_lines(values))


async def test_entra_consent_link_shown_whole_and_copyable() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        table = screen.query_one(DataTable)
        steps = [
            s for plan in screen.plans for s in plan.steps
        ]  # the table lists every tenant's steps in order
        consent = next(i for i, s in enumerate(steps) if s.kind == "admin-consent")
        table.move_cursor(row=consent)
        await settle(pilot)
        detail = screen.query_one("#step-detail", Static)
        assert "adminconsent" in plain(detail) and not cuts(detail)
        await pilot.press("y")
        await settle(pilot)
        assert (
            app.clipboard.startswith("https://login.microsoftonline.com/") and "adminconsent" in app.clipboard
        )
        row = table.get_row_at(consent)
        assert str(row[2]).endswith("…") and steps[consent].summary.startswith(str(row[2])[:-1])


def headers_cut(screen) -> list[str]:  # type: ignore[no-untyped-def]
    """Lines of Markdown (headings included) wider than the space they are shown in."""
    from wizard.ui.widgets.markdown_text import MarkdownText

    problems = []
    for text in screen.query(MarkdownText):
        width = text.content_size.width
        if not width or not text.source:
            continue
        for line in text.lines(width).split(allow_blank=True):
            if line.cell_length > width:
                problems.append(f"{line.plain[:40]!r} is {line.cell_length} wide > {width}")
    return problems


async def test_markdown_headings_wrap_in_reader_catalogue_and_pane() -> None:
    from wizard import explainer_library
    from wizard.catalogue import load_catalogue

    app = demo_app()
    problems: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "e", "ExplainersScreen")
        for exp in explainer_library.all_explainers():
            app.screen.open(exp.id)
            await pilot.pause(0.05)
            problems += [f"explainer {exp.id}: {p}" for p in headers_cut(app.screen)]
        app.pop_screen()
        await open_with(pilot, "c", "CatalogueScreen")
        for service in load_catalogue().services:
            app.screen.show(service)
            await pilot.pause(0.05)
            problems += [f"catalogue {service}: {p}" for p in headers_cut(app.screen)]
        app.pop_screen()
        await settle(pilot)
        app.open_screen("wizard", flow_id="groups", restart=True)  # type: ignore[attr-defined]
        await settle(pilot)
        problems += [f"wizard pane: {p}" for p in headers_cut(app.screen)]
    assert not problems, "\n".join(problems[:15])


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("", "HomeScreen"),
        ("s", "WizardScreen"),
        ("i", "InspectorScreen"),
        ("c", "CatalogueScreen"),
        ("e", "ExplainersScreen"),
        ("n", "N8nScreen"),
        ("u", "SupabaseScreen"),
        ("a", "EntraScreen"),
    ],
)
async def test_footer_keys_are_shown_whole(key: str, name: str) -> None:
    """Every key the footer shows fits beside the palette hint: none ends in a cut word ('canc', '^s')."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        if key:
            await open_with(pilot, key, name)
        else:
            await settle(pilot)
        app.screen.set_focus(None)
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        keys = [k for k in footer.query(FooterKey) if k.display and k.region.width]
        palette = [k for k in keys if k.key == "ctrl+p"]  # docked at the right edge, over the others
        limit = min([k.region.x for k in palette] + [footer.region.right])
        hidden = [
            f"{k.key_display} {k.description}" for k in keys if k not in palette and k.region.right > limit
        ]
        assert not hidden, hidden
