"""The one way headless commands print: every text written to stdout or stderr is made terminal-safe.

`guarded_streams()` wraps sys.stdout and sys.stderr for the length of a command so that `print`, argparse's
messages and `sys.stdout.write` all pass through `wizard.safe_text.terminal_text`. Rich consoles colour
their output with escape sequences of their own, so they write to the real stream (`console()`) and take
outside text only as `cell()` (a Text, never parsed as markup) or `markup()` (escaped) values.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from wizard.safe_text import rich_markup, terminal_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


class SafeStream:
    """A text stream that escapes control characters in everything written to it."""

    def __init__(self, raw: IO[str]) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal_text(text))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, ...
        return getattr(self.raw, name)


def raw(stream: IO[str]) -> IO[str]:
    """The stream under a SafeStream (for Rich, which escapes its cells itself)."""
    return stream.raw if isinstance(stream, SafeStream) else stream


@contextmanager
def guarded_streams() -> Iterator[None]:
    """Route sys.stdout and sys.stderr through SafeStream until the block ends."""
    saved = sys.stdout, sys.stderr
    sys.stdout = SafeStream(raw(sys.stdout))  # type: ignore[assignment]
    sys.stderr = SafeStream(raw(sys.stderr))  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def console(stderr: bool = False, **options: Any) -> Console:
    """A Rich console on the real stream; give it outside text only through cell() or markup()."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # let `wizard.cli.main` end it like any other closed pipe
            self.quiet = True
            raise BrokenPipeError

    options.setdefault("highlight", False)
    return _Console(file=raw(sys.stderr if stderr else sys.stdout), **options)


def cell(value: object, style: str = "") -> Text:
    """Outside text as a Rich Text: terminal-clean and never read as markup."""
    from rich.text import Text

    return Text(terminal_text("" if value is None else value), style=style)


def markup(value: object) -> str:
    """Outside text for a Rich markup string."""
    return rich_markup("" if value is None else value)


def err(message: str, prefix: str = "idspine") -> None:
    """One line on stderr: `prefix: message`, line breaks inside the message escaped."""
    sys.stderr.write(f"{prefix}: {terminal_text(message, keep='')}\n")


def ask(prompt: str) -> str:
    """input() with a terminal-safe prompt; end of input counts as no answer."""
    try:
        return input(terminal_text(prompt, keep=""))
    except EOFError:
        return ""
