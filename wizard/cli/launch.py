"""Opening the Textual app from the command line (kept apart so headless commands never import Textual)."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace) -> int:
    """Run the app on --file or --demo; returns the exit code."""
    from wizard.ui.app import IdspineApp
    from wizard.ui.start_clock import STARTED  # noqa: F401  (records the start as early as possible)

    app = IdspineApp(path=args.file, demo=args.demo, theme=args.theme)
    app.run()
    return app.return_code or 0
