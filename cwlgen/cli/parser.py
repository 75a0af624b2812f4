"""The `cwlgen` command: a thin argparse layer; each subcommand is a module of cwlgen.cli
with `add_arguments(parser)` and `run(args) -> int`.

Exit codes: 0 success, 1 problems found (errors, stale output, failed run), 2 usage errors.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import ModuleType

from cwlgen._version import __version__
from cwlgen.errors import CwlgenError, UsageError

# subcommand name (and module in cwlgen.cli) -> its one-line help
COMMANDS = {
    "build": "Compile a workflow or tool to CWL v1.2 files.",
    "check": "Type-check every workflow and tool in files, folders or modules.",
    "run": "Compile and run a workflow with cwltool or Toil (resumable with --cache).",
    "resources": "Show each step's cores/RAM/GPUs/time and what the workflow needs in total.",
    "graph": "Draw a workflow: SVG, PNG, HTML (with Graphviz), DOT or Mermaid text.",
    "import": "Turn a hand-written CWL document into typed cwlgen Python.",
}
# subcommands whose module name differs from the command (`import` is a keyword)
MODULES = {"import": "import_cwl"}


def build_parser(wanted: Sequence[str], argv: Sequence[str] = ()
                 ) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The argument parser, with the options of the `wanted` subcommands only: each module
    pulls in different, sometimes heavy, code, so only the one asked for is imported. A
    module with `add_target_arguments(parser, argv)` also gets the command's arguments, to add
    options that depend on them (`cwlgen run TARGET`'s inputs)."""
    parser = argparse.ArgumentParser(
        prog="cwlgen", description="Typed Python in, standards-compliant CWL v1.2 out."
    )
    parser.add_argument("--version", action="version", version=f"cwlgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name in wanted:
            module = importlib.import_module(f"cwlgen.cli.{MODULES.get(name, name)}")
            modules[name] = module
            module.add_arguments(p)
            if len(wanted) == 1 and hasattr(module, "add_target_arguments"):
                module.add_target_arguments(p, argv)
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run `cwlgen ARGV...` and return its exit status."""
    # User modules are imported to be traced: write no __pycache__ next to them. Python's
    # bytecode cache also trusts a file rewritten within the same second with the same size,
    # which would make `cwlgen build --check` compare against stale code.
    sys.dont_write_bytecode = True
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = [argv[0]] if argv and argv[0] in COMMANDS else list(COMMANDS)
    if argv[:1] == ["--version"]:
        wanted = []  # answer at once, without importing any command
    parser, modules = build_parser(wanted, argv[1:])
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
        # 2: the command line names something wrong; 1: a problem in the program or data
        return 2 if getattr(exc, "usage", False) or isinstance(exc, UsageError) else 1
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"interrupted ({signal.Signals(signum).name}); every job was stopped",
              file=sys.stderr)
        return 128 + int(signum)


def entry() -> None:
    """The console script `cwlgen`."""
    try:
        code = main()
        sys.stdout.flush()
        # Interpreter shutdown ends with a full garbage collection over every object the
        # command made (~8 ms of a 60 ms `cwlgen check`); frozen objects are skipped by it.
        # Nothing is lost: atexit handlers, finalizers and file flushes still run.
        gc.freeze()
    except BrokenPipeError:
        # the reader went away (`cwlgen ... | head`): stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 128 + signal.SIGPIPE
    sys.exit(code)
