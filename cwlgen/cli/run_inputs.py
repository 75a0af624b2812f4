"""The inputs of `cwlgen run`'s target as options of the command: `cwlgen run wf.py:wf --help`
lists them with their types, defaults and docs, and `--name value` gives one (as
`--input name=value` does; a list input takes several values, or the option repeated)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from cwlgen.cli.targets import load_one
from cwlgen.dsl.definition import Definition
from cwlgen.errors import CwlgenError
from cwlgen.ir import NO_DEFAULT, InputPort
from cwlgen.ir import types as t

DEST = "target_input:"  # argparse dest prefix of an input option: DEST + input name


def target_in(parser: argparse.ArgumentParser, argv: Sequence[str]) -> str | None:
    """The TARGET of `cwlgen run ARGV`: its first argument that is neither an option nor the
    value of one (None before any, or when there is none)."""
    takes_value = {flag for action in parser._actions if action.option_strings
                   and action.nargs != 0 for flag in action.option_strings}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--":
            return None
        elif arg.startswith("-"):
            skip = arg in takes_value  # `--outdir DIR`, not `--outdir=DIR`
        else:
            return arg
    return None


def add_input_options(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Add one option per input of the target named in `argv` (loading it), in a group of its
    own; the loaded definition is kept as the default of `loaded_target`. A target that does
    not load adds nothing here (the run reports why); `--help` then says so."""
    target = target_in(parser, argv)
    if target is None:
        return
    try:
        definition = load_one(target)
    except CwlgenError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        parser.epilog = f"The inputs of {target} cannot be listed: {reason}".replace("%", "%%")
        return
    parser.set_defaults(loaded_target=definition)
    process = definition.process_ir()
    group = parser.add_argument_group(
        f"inputs of {definition.kind} '{definition.name}'",
        "each also as --input NAME=VALUE (and from INPUTS.yml); a list input takes several "
        "values, or the option repeated")
    taken = set(parser._option_string_actions)
    clashing = []
    for port in process.inputs:
        names = dict.fromkeys([port.name, port.name.replace("_", "-")])
        flags = [f"--{n}" for n in names if f"--{n}" not in taken]
        if not flags:  # named like an option of `cwlgen run` itself
            clashing.append(f"{port.name}: {_describe(port)}")
            continue
        many = isinstance(t.strip_optional(port.type), t.Array)
        group.add_argument(*flags, dest=DEST + port.name, metavar=_metavar(port.type),
                           nargs="+" if many else None, action="extend" if many else "store",
                           help=_describe(port))
    if clashing:
        group.description = (f"{group.description}. Named like options of cwlgen run, so "
                             f"given only as --input NAME=VALUE: {'; '.join(clashing)}")


def input_pairs(args: argparse.Namespace) -> list[str]:
    """The `--name value` options given, as `name=value` pairs (one per item of a list)."""
    pairs = []
    for dest, value in sorted(vars(args).items()):
        if not dest.startswith(DEST) or value is None:
            continue
        name = dest[len(DEST):]
        pairs += [f"{name}={v}" for v in value] if isinstance(value, list) else [
            f"{name}={value}"]
    return pairs


def loaded_target(args: argparse.Namespace, target: str) -> Definition[..., Any]:
    """The definition loaded while parsing the command line, else loaded now."""
    found: Definition[..., Any] | None = getattr(args, "loaded_target", None)
    return found if found is not None else load_one(target)


_METAVARS = {"File": "FILE", "Directory": "DIR", "int": "INT", "long": "INT",
             "float": "NUMBER", "double": "NUMBER", "string": "TEXT", "boolean": "BOOL"}


def _metavar(typ: t.CwlType) -> str:
    typ = t.strip_optional(typ)
    if isinstance(typ, t.Array):
        return _metavar(typ.items)
    if isinstance(typ, t.Prim):
        return _METAVARS.get(typ.name, "VALUE")
    return "VALUE"


def _describe(port: InputPort) -> str:
    if port.required:
        status = "required"
    elif port.default is NO_DEFAULT:
        status = "optional"
    else:
        status = f"default {_shown(port.default)}"
    doc = port.doc or port.label
    text = f"{port.type} ({status})" + (f": {doc}" if doc else "")
    return text.replace("%", "%%")  # argparse formats help with %


def _shown(value: Any) -> str:
    if isinstance(value, dict) and value.get("class") in ("File", "Directory"):
        return str(value.get("location") or value.get("path"))
    if isinstance(value, str):
        return value
    return json.dumps(value)
