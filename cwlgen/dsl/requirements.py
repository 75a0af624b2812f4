"""Checks on the requirement-like options of `@tool`/`@workflow`/`.with_hints`: extra CWL
requirement objects (refused when cwlgen writes that class itself, so a document never holds
two that disagree) and exit-code lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation

#: CWL classes cwlgen emits from its own spelling -> the spelling to use instead.
MANAGED_CLASSES: Mapping[str, str] = {
    "DockerRequirement": "container='image' or container=Container(...) "
                         "(container_required=True for a requirement)",
    "SoftwareRequirement": "packages=['name==version']",
    "ResourceRequirement": "resources=Resources(cores=..., ram=...)",
    "ToolTimeLimit": "resources=Resources(time_limit='2h')",
    "WorkReuse": "deterministic=False",
    "NetworkAccess": "network=True",
    "InitialWorkDirRequirement": "files={'name': 'text'}, Arg(stage=True / stage_as='name') "
                                 "or workdir=[Dirent(...)]",
    "EnvVarRequirement": "env={'NAME': 'value'}",
    "ShellCommandRequirement": "Arg(shell_quote=False)",
    "InplaceUpdateRequirement": "Arg(inplace=True)",
    "SchemaDefRequirement": "@cwlgen.schema on the record or Enum class",
    "SubworkflowFeatureRequirement": "nothing: cwlgen adds it when a step runs a workflow",
    "ScatterFeatureRequirement": "nothing: cwlgen adds it for .map(...)",
    "MultipleInputFeatureRequirement": "nothing: cwlgen adds it for a list of results",
    "StepInputExpressionRequirement": "nothing: cwlgen adds it for a computed step input",
    "cwltool:CUDARequirement": "resources=Resources(gpus=1)",
}


#: managed classes a tool may still give as a hint (`hints=[...]`): `env=` and
#: `resources=` write requirements, which the tool always gets; a hint is a default that a
#: calling workflow's requirement overrides (or a runner may ignore), which no keyword says
HINTABLE: frozenset[str] = frozenset({"EnvVarRequirement", "ResourceRequirement",
                                      "ToolTimeLimit"})

#: MANAGED_CLASSES as checked in a tool's `hints=`
MANAGED_HINTS: Mapping[str, str] = {
    name: how for name, how in MANAGED_CLASSES.items() if name not in HINTABLE}


#: what cwlgen adds to workflows by itself: refused in @workflow(...) and on single steps,
#: where every other class (a DockerRequirement hint for all steps, a ResourceRequirement
#: for one step) is CWL's ordinary inheritance and passes through
WORKFLOW_MANAGED: Mapping[str, str] = {
    name: MANAGED_CLASSES[name] for name in (
        "SubworkflowFeatureRequirement", "ScatterFeatureRequirement",
        "MultipleInputFeatureRequirement", "StepInputExpressionRequirement",
        "SchemaDefRequirement")
}


#: every requirement class CWL v1.2 defines; an unprefixed `requirements=` class outside it
#: is a typo or a construct of another CWL version (vendor extensions carry a prefix)
CWL_V12_CLASSES = frozenset({
    "InlineJavascriptRequirement", "SchemaDefRequirement", "LoadListingRequirement",
    "DockerRequirement", "SoftwareRequirement", "InitialWorkDirRequirement",
    "EnvVarRequirement", "ShellCommandRequirement", "ResourceRequirement", "WorkReuse",
    "NetworkAccess", "InplaceUpdateRequirement", "ToolTimeLimit",
    "SubworkflowFeatureRequirement", "ScatterFeatureRequirement",
    "MultipleInputFeatureRequirement", "StepInputExpressionRequirement",
})


def freeze(entries: Iterable[Any]) -> tuple[tuple[tuple[str, Any], ...], ...]:
    """The mapping entries as tuples of items, so the frozen IR can hold them (entries that
    are no mapping are reported by `check_extra_requirements`)."""
    return tuple(tuple(e.items()) for e in entries if isinstance(e, Mapping))


def check_extra_requirements(
    entries: Iterable[Any], where_name: str, func: str, loc: SourceLocation | None,
    managed: Mapping[str, str] = MANAGED_CLASSES,
) -> list[Diagnostic]:
    """CG130 for each `requirements=`/`hints=` entry that is not a CWL requirement object, or
    whose class cwlgen already writes from its own spelling.

    InlineJavascriptRequirement is accepted (for its `expressionLib`); cwlgen then emits the
    user's one instead of its own.
    """
    problems: list[Diagnostic] = []
    for entry in entries:
        cls = entry.get("class") if isinstance(entry, Mapping) else None
        if not isinstance(cls, str) or not cls:
            problems.append(diag("CG130", loc, variant="no_class", item=repr(entry),
                                 where=where_name, func=func))
        elif cls in managed:
            problems.append(diag("CG130", loc, variant="managed", cls=cls, where=where_name,
                                 func=func, instead=managed[cls]))
        elif where_name.endswith("requirements") and ":" not in cls \
                and cls not in CWL_V12_CLASSES:
            problems.append(diag("CG130", loc, variant="unsupported",
                                 construct=f"requirement class {cls!r} (in {where_name} of "
                                           f"'{func}')",
                                 reason="it is not a CWL v1.2 requirement; a vendor "
                                        "extension needs its prefix, e.g. 'cwltool:...', "
                                        "and an unknown hint goes in hints="))
    return problems


_CODE_LISTS = ("success_codes", "temporary_fail_codes", "permanent_fail_codes")


def check_exit_codes(options: Any, func: str, loc: SourceLocation | None) -> list[Diagnostic]:
    """CG131: each exit-code list holds integers 0-255, and no code is in two lists."""
    problems: list[Diagnostic] = []
    seen: dict[int, str] = {}
    for which in _CODE_LISTS:
        for code in getattr(options, which):
            if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 255:
                problems.append(diag("CG131", loc, variant="not_code", which=which, func=func,
                                     value=repr(code)))
                continue
            if code in seen and seen[code] != which:
                problems.append(diag("CG131", loc, variant="twice", exit_code=code, func=func,
                                     first=seen[code], second=which))
            seen.setdefault(code, which)
    return problems
