"""mkdocs hooks for the documentation site (see mkdocs.yml).

The command-line reference is rendered from the real argparse parser at build time, so it
can never disagree with `cwlgen --help`: a page holding the marker `<!-- cli-reference -->`
gets one section per subcommand with its `--help` text.

Pages written together with features that land separately (`PENDING`) are in the navigation
from the start; while such a page is missing from docs/, the build shows a short stand-in
saying what it will document, so the site builds (strictly) on every branch and no
placeholder file has to be merged away. Once the page exists, the stand-in is never used.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
from typing import Any

MARKER = "<!-- cli-reference -->"

# page -> (title, what it documents), for pages that come with their feature
PENDING = {
    "cwl-coverage.md": ("CWL v1.2 coverage", "the table of what CWL v1.2 offers and how "
                        "cwlgen spells it, built from the conformance suite"),
    "migrating.md": ("Migrating from hand-written CWL", "the CWL importer (`cwlgen import`, "
                     "`cwlgen.load`)"),
    "graphs-and-notebooks.md": ("Graphs and notebooks", "`cwlgen graph` and the notebooks "
                                "in `notebooks/`"),
    "ci.md": ("cwlgen in CI", "checking workflows on every push (annotations, SARIF, "
              "pre-commit hooks, pytest helpers)"),
}
WIDTH = "80"  # argparse wraps to $COLUMNS: fixed (the same page on every machine) and narrow
# enough for the site's text column


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


def on_files(files: Any, config: Any) -> Any:
    """mkdocs hook: a stand-in for each PENDING page that docs/ does not have (yet)."""
    from mkdocs.structure.files import File

    for src, (title, what) in PENDING.items():
        if files.get_file_from_path(src) is None:
            text = (f"# {title}\n\nThis page documents {what}. It is written together with "
                    "that feature, which this build of the documentation does not include "
                    "yet.\n")
            files.append(File.generated(config, src, content=text))
    return files


# `### CG201: type mismatch (error)` on the diagnostics page
CODE_HEADING = re.compile(r"^(### (CG\d{3}): .*)$", re.M)


def code_anchors(markdown: str) -> str:
    """Put the short anchor `#cg201` on each code's heading, the one SARIF help links use
    (cwlgen/cli/machine_formats.py): it stays put when a title is reworded. The heading keeps
    its own id, the one GitHub gives it too, so links within the page work in both places."""
    return CODE_HEADING.sub(lambda m: f'<a id="{m[2].lower()}"></a>\n\n{m[1]}', markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """mkdocs hook: expand the CLI reference marker; short anchors on the diagnostics page."""
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cli_reference())
    if page.file.src_uri == "diagnostics.md":
        markdown = code_anchors(markdown)
    return markdown
