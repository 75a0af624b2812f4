"""`cwlgen import DOC.cwl[#id] [-o OUT.py]`: hand-written CWL -> readable typed DSL source.

Prints `OUT.py:NAME` (the root function) on stdout, so that
`cwlgen build "$(cwlgen import DOC.cwl -o x.py)" -o DIR` works in a script. Exit 0 on
success, 1 when the document cannot be imported (every reason at its `file.cwl:line:col`,
nothing written), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cwlgen.cwl_import import ImportFailed, import_cwl
from cwlgen.dsl.cwl_load import python_name
from cwlgen.messages import format_message


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `cwlgen import`."""
    p.add_argument("document", metavar="DOC.cwl[#ID]",
                   help="a CWL v1.0/v1.1/v1.2 document (path or URL); #ID picks one process "
                   "of a $graph")
    p.add_argument("-o", "--output", metavar="OUT.py",
                   help="Python file to write (default: DOC's name as .py in the current "
                   "folder, which must not exist yet)")
    p.add_argument("--drop-metadata", action="store_true",
                   help="leave out document metadata ($schemas, s:author, s:license, ...), "
                   "with a warning for each, instead of keeping it as schemas=/metadata=")


def run(args: argparse.Namespace) -> int:
    """Import one document; print `OUT.py:NAME`."""
    doc = args.document
    base = doc.partition("#")[0]
    if "://" not in base and not Path(base).is_file():
        print(format_message("CG002", None, "no_file", path=base), file=sys.stderr)
        return 2
    if args.output:
        out = Path(args.output)
        if out.suffix != ".py":
            print(format_message("CG002", None, "import_not_py", path=out), file=sys.stderr)
            return 2
        if out.is_dir():
            print(format_message("CG002", None, "import_to_folder", path=out), file=sys.stderr)
            return 2
    else:
        stem = Path(base.rstrip("/").rsplit("/", 1)[-1]).stem
        out = Path(python_name(stem, "imported") + ".py")
        if out.exists():
            print(format_message("CG002", None, "import_exists", path=out), file=sys.stderr)
            return 2
    dropped: list[str] = []
    try:
        name = import_cwl(doc, out, drop_metadata=args.drop_metadata, dropped=dropped)
    except ImportFailed as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        n = len(exc.problems)
        print(f"{doc}: not imported ({n} problem{'s' if n != 1 else ''}); nothing written",
              file=sys.stderr)
        return 1
    for line in dropped:
        print(line, file=sys.stderr)
    print(f"{out}:{name}")
    return 0
