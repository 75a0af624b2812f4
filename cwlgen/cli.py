"""The `cwlgen` command: a thin argparse layer; each subcommand lives in cwlgen.commands.

Exit codes: 0 success, 1 problems found (errors, stale output, failed run), 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cwlgen._version import __version__
from cwlgen.errors import CwlgenError

# subcommand name -> module in cwlgen.commands providing add_arguments(parser) and run(args)
COMMANDS = {
    "build": "Compile a workflow or tool to CWL v1.2 files.",
    "check": "Type-check every workflow and tool in files, folders or modules.",
    "run": "Compile and run a workflow with cwltool or Toil (resumable with --cache).",
    "resources": "Show each step's cores/RAM/GPUs/time and what the workflow needs in total.",
}


def main(argv: Sequence[str] | None = None) -> int:
    # User modules are imported to be traced: write no __pycache__ next to them. Python's
    # bytecode cache also trusts a file rewritten within the same second with the same size,
    # which would make `cwlgen build --check` compare against stale code.
    sys.dont_write_bytecode = True
    parser = argparse.ArgumentParser(
        prog="cwlgen", description="Typed Python in, standards-compliant CWL v1.2 out."
    )
    parser.add_argument("--version", action="version", version=f"cwlgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    argv = list(sys.argv[1:] if argv is None else argv)
    # import only the command asked for (each pulls in different, sometimes heavy, modules)
    wanted = [argv[0]] if argv and argv[0] in COMMANDS else list(COMMANDS)
    if argv[:1] == ["--version"]:
        wanted = []  # answer at once, without importing any command
    modules = {}
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name in wanted:
            module = importlib.import_module(f"cwlgen.commands.{name}")
            modules[name] = module
            module.add_arguments(p)
    passthrough: list[str] = []
    if "--" in argv:  # `cwlgen run ... -- ARGS`: ARGS go to the runner untouched
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    args.passthrough = passthrough
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code: int = modules[args.command].run(args)
        return code
    except CwlgenError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
