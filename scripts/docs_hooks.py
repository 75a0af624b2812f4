"""mkdocs hooks for the documentation site (see mkdocs.yml).

The command-line reference is rendered from the real argparse parser at build time, so it
can never disagree with `cwlgen --help`: a page holding the marker `<!-- cli-reference -->`
gets one section per subcommand with its `--help` text.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
from typing import Any

MARKER = "<!-- cli-reference -->"
WIDTH = "100"  # argparse wraps to $COLUMNS; fixed so the page is the same on every machine


def _help_text(argv: list[str]) -> str:
    """What `cwlgen ARGV --help` prints, captured from the parser itself."""
    from cwlgen.cli import main

    out = io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main([*argv, "--help"])
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return out.getvalue().rstrip()


def _commands() -> dict[str, str]:
    """Subcommand name -> one-line description, from the module that builds the parser."""
    for name in ("cwlgen.cli.parser", "cwlgen.cli"):
        with contextlib.suppress(ImportError):
            commands = getattr(importlib.import_module(name), "COMMANDS", None)
            if isinstance(commands, dict):
                return {str(k): str(v) for k, v in commands.items()}
    raise RuntimeError("cannot find the cwlgen subcommands (COMMANDS in cwlgen.cli)")


def cli_reference() -> str:
    """Markdown: `cwlgen --help`, then one section per subcommand."""
    parts = ["## `cwlgen`", "", "```text", _help_text([]), "```", ""]
    for name, summary in _commands().items():
        parts += [f"## `cwlgen {name}`", "", summary, "", "```text",
                  _help_text([name]), "```", ""]
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """mkdocs hook: expand the CLI reference marker."""
    if MARKER in markdown:
        return markdown.replace(MARKER, cli_reference())
    return markdown
