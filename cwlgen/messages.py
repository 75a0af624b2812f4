"""The message registry: every diagnostic cwlgen can print, under a stable code.

Codes never change meaning once released; new problems get new codes. Ranges:
CG0xx loading a target, CG1xx definitions (signatures, annotations, metadata), CG2xx
connections between steps, CG3xx workflow graph, CG4xx determinism, CG5xx running, CG6xx
conditionals, step expressions and ExpressionTools, CG7xx reading hand-written CWL
(`cwlgen.load`, `cwlgen import`, `cwlgen check x.cwl`), CG8xx pictures (graphs).
`docs/diagnostics.md` explains each one.

A code whose problem comes in several shapes (CG112 "other definition problems") keeps one
template per shape under `variants`; a call site names the variant and fills its named
fields, so no text is ever written at a call site. `format_diagnostic` and
`diagnostic_json` are the only two places a diagnostic is turned into output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

Severity = Literal["error", "warning", "note"]


class Message:
    """One registry entry: the severity of a code and its template(s) with named fields.
    Immutable; written by hand because this module imports nothing of cwlgen (and not attrs:
    `import cwlgen` stays fast)."""

    __slots__ = ("severity", "template", "variants")
    severity: Severity
    template: str
    variants: Mapping[str, str]

    def __init__(self, severity: Severity, template: str = "",
                 variants: Mapping[str, str] | None = None) -> None:
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "variants", {} if variants is None else variants)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Message is immutable: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Message)
        return (self.severity, self.template, self.variants) == (
            other.severity, other.template, other.variants)

    __hash__ = None  # type: ignore[assignment]  # holds a mapping, as before

    def __repr__(self) -> str:
        return (f"Message(severity={self.severity!r}, template={self.template!r}, "
                f"variants={self.variants!r})")

    def text(self, variant: str | None = None, **fields: object) -> str:
        """The template (or the named variant) filled with `fields`."""
        if variant is None:
            if not self.template:
                raise KeyError(f"this code has only variants: {sorted(self.variants)}")
            return self.template.format(**fields)
        return self.variants[variant].format(**fields)

    def all_templates(self) -> list[str]:
        """Every text of this code (the template and each variant)."""
        return [t for t in (self.template, *self.variants.values()) if t]


MESSAGES: dict[str, Message] = {
    # --- loading targets (files, modules, FILE:OBJECT) ---------------------------------
    "CG001": Message("error", variants={
        "syntax": "cannot import {what}: syntax error: {detail}",
        "raised": "cannot import {what}: {exc_type}: {exc}{hint}",
        "exited": "cannot import {what}: it calls sys.exit({status}) when imported; put "
                  "the code that runs it as a script under `if __name__ == \"__main__\":`",
    }),
    "CG002": Message("error", variants={
        "no_file": "no such file: {path}",
        "is_folder": "{path} is a folder; name a .py file in it (or a module); `cwlgen "
                     "check` also takes folders",
        "not_python": "{path} is not a Python file; name a .py file or a module",
        "no_module": "no module or file named '{spec}'",
        "no_object": "{spec} has no object '{name}'{hint}",
        "import_not_py": "-o {path}: the output of `cwlgen import` must be a .py file",
        "import_to_folder": "-o {path} is a folder; name the .py file to write",
        "import_exists": "{path} exists; choose the file to write with -o OUT.py",
    }),
    "CG003": Message("error", variants={
        "not_definition": "{spec}:{name} is not a cwlgen {kinds}",
        "nothing_defined": "{spec} defines no cwlgen {kinds}",
        "several_workflows": "{spec} defines several workflows ({names}); name one as "
                             "{example}",
    }),
    # --- definitions -------------------------------------------------------------------
    "CG101": Message(
        "error",
        "parameter '{param}' of '{func}' has no type annotation; annotate it, e.g. "
        "'{param}: File'",
    ),
    "CG102": Message(
        "error",
        "{what} of '{func}' has type {pytype}, which has no CWL equivalent; use File, "
        "Directory, str, int, float, bool, list[T], T | None, an Enum or Literal, an attrs or "
        "dataclass record, or typing.Any (docs/cwl-coverage.md lists every CWL type)",
    ),
    "CG103": Message(
        "error",
        "'{func}' has no return annotation; annotate it (use '-> None' for no outputs)",
    ),
    "CG104": Message(
        "error",
        "output '{output}' of tool '{func}' ({type}) does not say where it comes from; "
        "annotate it with Out(glob=...), stdout() or stderr()",
    ),
    "CG105": Message(
        "error",
        "boolean parameter '{param}' of tool '{func}' needs a flag name: annotate it "
        "Annotated[bool, Arg(prefix=\"--{param}\")]",
    ),
    "CG106": Message(
        "error",
        "default {value} of parameter '{param}' of '{func}' is not a valid {type}{hint}",
    ),
    "CG107": Message(
        "error",
        "'{name}' ({what} of '{func}') is not a valid CWL identifier; use letters, digits and "
        "underscores, not starting with a digit or underscore",
    ),
    "CG108": Message(
        "error",
        "'{name}' names both {first} and {second} of '{func}'; CWL ids share one namespace, "
        "rename one of them",
    ),
    "CG109": Message("error", variants={
        "not_resources": "resources of '{func}': expected Resources(...), got {got}",
        "size_type": "resources of '{func}': {what} must be a size such as '8 GiB', not "
                     "{value}",
        "not_size": "resources of '{func}': {what}={value} is not a size; write e.g. "
                    "'512 MiB', '8 GiB' or '2 GB'",
        "duration_type": "resources of '{func}': {what} must be a duration such as '2h', not "
                         "{value}",
        "not_duration": "resources of '{func}': {what}={value} is not a duration; write e.g. "
                        "'90s', '30 min', '2h' or '1h30m'",
        "not_positive": "resources of '{func}': {what} must be positive, not {value}",
        "cores": "resources of '{func}': {what} must be a positive number or a CWL "
                 "expression such as '$(inputs.n)', not {value}",
        "max_below_min": "resources of '{func}': {what} is less than the minimum it bounds "
                         "({value}); make the maximum at least the minimum",
        "gpus": "resources of '{func}': gpus must be a whole number >= 0, not {value}",
    }),
    "CG110": Message(
        "error",
        "parameter '{param}' of '{func}' is {kind}; cwlgen needs ordinary named parameters",
    ),
    "CG111": Message(
        "error",
        "output '{output}' of tool '{func}' captures {stream}, so its type must be File, "
        "not {type}",
    ),
    "CG112": Message("error", variants={
        "unresolved_annotations": "cannot resolve the annotations of '{func}': {error}",
        "out_on_input": "parameter '{param}' of '{func}' is annotated with Out(...); Out "
                        "describes outputs, use Arg(...)",
        "bad_container": "container= of '{func}' is {got}: give an image name or "
                         "Container(pull=..., load=..., file=..., import_from=..., "
                         "image_id=..., output_directory=...) with at least one of pull, "
                         "load, file, import_from or image_id, each a string",
        "items_not_list": "parameter '{param}' of '{func}' has Arg(items=...), which binds "
                          "the items of a list parameter of a tool, not {type}",
        "stdin_not_file": "parameter '{param}' of tool '{func}' has Arg(stdin=True), which "
                          "needs a File, not {type}",
        "unresolved_fields": "cannot resolve the fields of {record}: {error}",
        "arg_on_output": "output '{output}' of '{func}' is annotated with Arg(...); Arg "
                         "describes inputs, use Out(...)",
        "collected_output": "output '{output}' of {kind} '{func}' has Out(glob=...)/stdout(); "
                            "only @tool outputs are collected that way (a task returns its "
                            "values)",
        "bad_package": "package {spec} of '{func}' is not 'name' or 'name==version'",
        "bad_package_spec": "package {spec} of '{func}' is not 'name', 'name==version' or "
                            "{{'name':..., 'versions':[...]}}",
        "bad_env_name": "environment variable name {name} of '{func}' is not valid",
        "bad_env_value": "environment variable {name} of '{func}' is {value}, which opens a "
                         "CWL parameter reference ($( or ${{) that never closes; env values "
                         "may use references such as $(runtime.cores): write a literal '$(' "
                         "as '\\$(' (and '\\' as '\\\\' in such a value)",
        "task_source_unreadable": "cannot read the source of the module defining task "
                                  "'{func}'; a task must live in a .py file (its module is "
                                  "shipped inside the CWL)",
        "task_nested": "task '{func}' is defined inside '{outer}'; define tasks at module "
                       "level (the job imports the function by name from a copy of its "
                       "module)",
        "task_not_toplevel": "task '{func}' is not a module-level 'def' of its module, so "
                             "its job could not import it",
        "notebook_unshippable": "'{name}' ({why}, used by {chain}) cannot be shipped with "
                                "the task from the notebook; define it inside the task, pass "
                                "it as a parameter, or move it to a .py module and import it",
        "task_relative_import": "the module of task '{func}' uses a relative import; a "
                                "task's job receives only this module's source, so import "
                                "installed packages by absolute name",
        "empty_command": "tool '{func}' has an empty base command",
        "not_function": "@{kind} decorates '{name}', which is a {what}, not a function; "
                        "decorate a `def` function",
        "tool_body": "the body of tool '{func}' holds `{statement}`, which never runs (the "
                     "command does the work); leave only the docstring (or `...`)",
        "task_async": "task '{func}' is an `async def`; a task's job calls it like a plain "
                      "function, so make it a plain `def` (run an event loop inside it if "
                      "needed)",
        "task_generator": "task '{func}' is a generator (it uses `yield`); a task must return "
                          "its value: collect the items and return a list",
        "stream_path": "output '{output}' of tool '{func}' captures {stream} into '{name}', "
                       "which is not a plain file name; a tool writes only inside its own "
                       "output folder, so drop the folder part",
        "bad_argument": "argument {item} of tool '{func}' must be a string or "
                        "Arg(value_from=...)",
        "stream_twice": "tool '{func}' captures the same stream in two outputs",
        "bad_files_entry": "files entry {name} of tool '{func}' must map a plain file name "
                           "to text",
        "bad_workdir": "workdir of tool '{func}' must be a list of Dirent(...) or one CWL "
                       "expression computing the whole listing, not {got}",
        "unnamed_dirent": "Dirent({entry}) of tool '{func}' has no name, so its entry must be "
                          "an expression yielding Files or Directories; give it "
                          "name='file.txt' to write text",
        "workdir_and_entries": "workdir of tool '{func}' is one expression computing the "
                               "whole listing, so it cannot be combined with files= or "
                               "Arg(stage=...) ({others}); write them as Dirent(...) entries",
        "bad_stdin": "stdin= of tool '{func}' must be a CWL expression computing a path, "
                     "such as '$(inputs.d.listing[0].path)', not {got}; for a File "
                     "parameter write Arg(stdin=True) on it",
        "stdin_twice": "tool '{func}' reads standard input from more than one parameter: "
                       "{params}",
        "stream_renamed": "tool '{func}' sends {stream} to {name}, but an output captures it "
                          "as {captured}",
        "renamed_not_tool": "parameter '{param}' of {kind} '{func}' has Arg(name={name}); "
                            "a Python task is called by its parameter names, so its "
                            "inputs cannot carry a CWL name that differs from the Python one "
                            "(@tool, @workflow and @expression_tool inputs can)",
        "bad_secondary_file": "secondary_files entry {item} of '{func}' must be a pattern "
                              "string or SecondaryFile(pattern, required=...)",
    }),
    "CG113": Message(
        "error",
        "tracing workflow '{func}' raised {exc}; a workflow body may only call tasks, tools "
        "and workflows and pass their results on",
    ),
    "CG114": Message(
        "error",
        "parameter '{param}' of tool '{func}' is staged {how}, which needs a File or "
        "Directory (a list of them only staged under their own names, not in place), "
        "not {type}",
    ),
    "CG115": Message(
        "warning",
        "parameter '{param}' of '{func}' is {type}{what}; cwltool 3.3 fails on such inputs "
        "at run time (cwltool issues #1285/#1908), Toil too; prefer a list of strings or "
        "of records without a default, or a non-optional list",
    ),
    "CG116": Message(
        "error",
        "the value written for '{param}' of '{func}' holds a field '{field}', which cwltool "
        "rewrites into a URI when it loads the document (\"3C48\" would arrive as "
        "\"file://...#3C48\"); pass this value as a workflow input (a job file) instead, or "
        "rename the field",
    ),
    "CG120": Message(
        "error",
        "this line needs Python {needed} ({feature}), but task {func} runs on Python "
        "{declared} ({origin}), where its job imports this module: rewrite the line, or "
        "declare a newer Python (@task(python=\"{needed}\") or {module_name} = \"{needed}\") "
        "in a container that has it",
    ),
    "CG121": Message(
        "error",
        "task '{func}' declares Python {value!r} ({origin}), which is not a Python 3 version; "
        "write it as \"3.N\" (tasks run on Python 3.6 or newer)",
    ),
    # issue 9, tools and types (CG130-CG139)
    "CG130": Message("error", variants={
        "managed": "{where} of '{func}' lists {cls}, which cwlgen writes itself; write "
                   "{instead} (see docs/cwl-coverage.md)",
        "no_class": "{where} entry {item} of '{func}' is not a CWL requirement (a mapping "
                    "with a 'class'); see docs/cwl-coverage.md",
        "unsupported": "{construct} cannot be expressed in cwlgen ({reason}); see "
                       "docs/cwl-coverage.md for what to write instead",
    }),
    "CG131": Message("error", variants={
        "not_code": "{which} of tool '{func}' holds {value}, which is not an exit code "
                    "(an integer 0-255)",
        "twice": "exit code {exit_code} of tool '{func}' is in both {first} and {second}; list "
                 "it once",
    }),
    "CG132": Message(
        "error",
        "tool '{func}' reads outputs {json} from cwl.output.json (Out(output_json=True)) but "
        "not {other}; when the tool writes cwl.output.json CWL takes every output from it, "
        "so mark every output Out(output_json=True)",
    ),
    "CG133": Message(
        "error",
        "tool '{func}' has no base command (@tool(None)) and neither arguments nor bound "
        "inputs, so its command line would be empty; give arguments=[...] or a base command",
    ),
    "CG134": Message("error", variants={
        "unreadable": "ontology {path} listed in schemas= of '{func}' cannot be read: "
                      "{error}; give the path of an RDF file (.owl/.rdf/.ttl) relative to "
                      "the Python file",
        "unknown_prefix": "format '{format}' of '{func}' uses prefix '{prefix}', which is not "
                          "a known namespace; add namespaces={{'{prefix}': 'http://...'}} or "
                          "write the full IRI",
        "bad_namespace": "namespaces entry {prefix}: {iri} of '{func}' must map an "
                         "identifier to an IRI such as 'http://edamontology.org/'",
        "bad_metadata_key": "metadata field {key} of '{func}' needs a declared prefix "
                            "('dct:creator' with namespaces={{'dct': "
                            "'http://purl.org/dc/terms/'}}) or a full IRI",
        "bad_metadata_value": "metadata field '{key}' of '{func}' is {value}: give "
                              "JSON-like data (str, number, bool, None, lists and dicts)",
    }),
    "CG135": Message(
        "error",
        "{what} of '{func}' has type {pytype}: a union of several types that includes "
        "{member}, which CWL unions cannot hold there; {hint}",
    ),
    "CG136": Message(
        "error",
        "parameter '{param}' of task '{func}' takes record {record}, whose field '{field}' "
        "has {what} (Arg): CWL would bind or stage it for the task's job, which reads its "
        "inputs by annotation; give the task a record class without Arg on its fields",
    ),
    # --- connections -------------------------------------------------------------------
    "CG201": Message(
        "error",
        "argument '{param}' of '{callee}' expects {expected}, but {source} is {actual}",
    ),
    "CG202": Message(
        "error",
        "argument '{param}' of '{callee}' is required ({expected}), but {source} may be "
        "null ({actual}); give a default, make the parameter '{expected} | None', pass "
        "a value that cannot be null, or wrap it in assume_not_null(...) if it never is",
    ),
    "CG203": Message("error", "'{callee}' has no parameter '{param}'{suggestion}"),
    "CG204": Message(
        "error", "call to '{callee}' is missing required argument '{param}' ({type})"
    ),
    "CG205": Message(
        "error",
        "'{callee}' was called with {count} positional argument(s); calls inside a workflow "
        "take keyword arguments only, e.g. {callee}({example}=...)",
    ),
    "CG206": Message(
        "error", "argument '{param}' of '{callee}' expects {expected}, got the value {value}"
    ),
    "CG207": Message(
        "error",
        "output '{output}' of workflow '{func}' is declared {expected}, but {source} is "
        "{actual}",
    ),
    "CG208": Message(
        "error", "workflow '{func}' must return {expected}, but its body returned {got}"
    ),
    "CG209": Message(
        "error",
        "'{callee}.map(...)' scatters nothing: no argument is a list of what its parameter "
        "takes; call '{callee}(...)' instead, or pass a list",
    ),
    "CG210": Message(
        "error",
        "unknown scatter method '{method}' for '{callee}.map'; use one of {choices}",
    ),
    "CG211": Message(
        "error",
        "argument '{param}' of '{callee}' is a list mixing {what}; pass step results or "
        "literal values, each of type {expected}",
    ),
    "CG212": Message(
        "error", "batch={batch} for '{callee}.map' must be a whole number >= 1"
    ),
    "CG213": Message(
        "warning",
        "'{callee}.map(batch={k})' runs one job per item: {reason}",
    ),
    "CG214": Message(
        "error",
        "'{callee}.with_inputs({param}=...)' passes '{param}', which '{callee}' declares; "
        "pass it as an argument: '{callee}({param}=...)'",
    ),
    # issue 9: formats and secondary files along edges (CG230-CG239)
    "CG230": Message("error", variants={
        "incompatible": "{source} has format {given}, which parameter '{param}' of "
                        "'{callee}' (format {wanted}) does not accept: {why}; declare a "
                        "compatible format, or list the ontology relating them in schemas=",
        "no_format": "{source} declares no format, but parameter '{param}' of '{callee}' "
                     "requires format {wanted}, so cwltool would reject the file when the "
                     "step runs; give the output Out(format=...)",
    }),
    "CG231": Message(
        "error",
        "{source} does not carry the secondary files {missing} that parameter '{param}' of "
        "'{callee}' requires (cwltool#602: the step would fail when it runs); declare them "
        "on the output with Out(secondary_files=[...]), or mark them "
        "SecondaryFile(pattern, required=False) on the parameter",
    ),
    # --- graph -------------------------------------------------------------------------
    "CG301": Message(
        "error",
        "workflow '{func}' calls itself through {path}; CWL workflows must be acyclic",
    ),
    "CG302": Message(
        "warning",
        "output '{output}' of step '{step}' is never used; return it from the workflow or "
        "drop it",
    ),
    "CG303": Message(
        "error",
        "step '{step}' updates {what} in place, but step '{other}' also reads it, so the "
        "result depends on which runs first; pass the output of '{step}' to '{other}' instead",
    ),
    "CG304": Message("error", "the workflow graph has a cycle through steps {path}"),
    # --- determinism -------------------------------------------------------------------
    "CG401": Message(
        "error",
        "task '{func}' {hazard}, so its outputs depend on more than its inputs; {fix}",
    ),
    "CG402": Message(
        "error",
        "task '{func}' {hazard}, so its outputs depend on when it runs; {fix}",
    ),
    "CG403": Message(
        "error",
        "task '{func}' {hazard}, so the ids in its outputs differ on every run; {fix}",
    ),
    "CG404": Message(
        "error",
        "task '{func}' {hazard}, which no seed controls, so its outputs differ on every run; "
        "{fix}",
    ),
    "CG405": Message(
        "error",
        "task '{func}' {hazard}, so it needs network access and its outputs depend on more "
        "than its inputs; {fix}",
    ),
    "CG406": Message(
        "error",
        "task '{func}' {hazard}, whose order changes from run to run (PYTHONHASHSEED); {fix}",
    ),
    "CG407": Message(
        "error",
        "task '{func}' {hazard}, so its outputs depend on the machine it runs on; {fix}",
    ),
    "CG410": Message(
        "error",
        "step '{step}' produced a different '{output}' in two runs with the same inputs "
        "({first} != {second}); make it deterministic, or declare @task(deterministic=False)",
    ),
    "CG411": Message(
        "warning",
        "step '{step}' produced a different '{output}' in two runs, because its input "
        "'{input}' differed ({cause} differed)",
    ),
    "CG412": Message(
        "warning",
        "step '{step}' produced a different '{output}' in two runs, as its declaration "
        "deterministic=False allows",
    ),
    # --- conditionals, step expressions, ExpressionTools (issue 9) ---------------------
    "CG601": Message(
        "error",
        "{what} is only known when the workflow runs, so it cannot be tested with "
        "if/and/or/not while the workflow is compiled; run a step only when it holds with "
        "'tool.when({expr})(...)', and combine conditions with all_of(...), any_of(...), "
        "not_(...)",
    ),
    "CG602": Message("error", variants={
        "tested": "'{expr}' is a condition on values known only when the workflow runs; it "
                  "cannot be tested with if/and/or/not; write 'tool.when({expr})(...)' to run "
                  "a step only when it holds",
        "argument": "argument '{param}' of '{callee}' is the condition '{expr}', which is not "
                    "a value; conditions only go into '.when(...)'; to pass a boolean, compute "
                    "it in a task (or an @expression_tool)",
        "returned": "workflow '{func}' returns the condition '{expr}' for '{output}'; "
                    "conditions only go into '.when(...)'; return a step result instead",
        "operand": "{what} cannot be combined by {function}(...); give it conditions "
                   "(comparisons of results) or bool results",
    }),
    "CG603": Message("error", variants={
        "not_record": "{what} is {type}, not a record, so it has no field '{field}'; pass the "
                      "whole value on, or return a record (attrs class or dataclass) from the "
                      "step",
        "no_field": "{what} is {type}, which has no field '{field}'{suggestion}",
        "optional": "{what} is {type}, which may be null (the step is conditional), so its "
                    "field '{field}' cannot be read; pick a value first: "
                    "pick_value(..., method=\"first_non_null\").{field}",
    }),
    "CG604": Message("error", variants={
        "argument": "argument '{param}' of '{callee}' is required ({expected}), but {source} "
                    "is null when step '{step}' is skipped ({actual}); choose a value with "
                    "pick_value(it, other, method=\"first_non_null\"), give a fallback with "
                    "or_default(it, value), or declare the parameter '{expected} | None'",
        "output": "output '{output}' of workflow '{func}' is declared {expected}, but {source} "
                  "is null when step '{step}' is skipped ({actual}); return pick_value(it, "
                  "other, method=\"first_non_null\") or declare the output '{expected} | None'",
    }),
    "CG605": Message("error", variants={
        "method": "unknown pick_value method {method!r}; use one of {choices}",
        "empty": "pick_value(...) needs at least one step result",
        "not_promise": "pick_value(...) picks among step results and workflow inputs, but got "
                       "{got}; pass literal fallbacks with or_default(result, value)",
        "mixed": "pick_value(...) mixes {first} and {other}; every value must have the same "
                 "type (apart from being optional)",
        "namedtuple_all": "pick_value(..., method=\"all_non_null\") on {cls} results would give "
                          "one {cls} of lists, not a list of {cls}; pick each output: "
                          "pick_value(a.{field}, b.{field}, method=\"all_non_null\")",
        "single_scalar": "pick_value({what}, method={method!r}) picks from a single value of "
                         "type {type}; give several results, or one list of results (e.g. the "
                         "output of a conditional '.map')",
    }),
    "CG606": Message(
        "error",
        "{where} refers to inputs.{name}, but {owner} has no input '{name}'{suggestion}",
    ),
    "CG607": Message("error", variants={
        "literal_js": "argument '{param}' of '{callee}' is the string {value}, which CWL passes "
                      "on literally, not as an expression; write value_from({value}, "
                      "self=..., type=...) for a step-level expression, or compute the value "
                      "in a task",
        "when_string": "'{callee}.when(...)' got the string {value}; it takes a bool result "
                       "or a condition written in Python, e.g. '{callee}.when(n < 1)'",
        "expression_tool": "@expression_tool on '{func}' needs a JavaScript expression "
                           "('$(...)' or '${{...}}'), got {value}; for Python code use @task",
        "value_from": "value_from(...) needs CWL expression text and type=..., got {got}",
        "cwl_condition": "cwl_condition(...) needs CWL expression text ('$(...)' or "
                         "'${{...}}'), got {got}",
        "each_not_list": "value_from({expr}, each=True) runs once per item of self=, which "
                         "must be a list, got {got}",
        "each_not_mapped": "argument '{param}' of '{callee}' is value_from(..., each=True), "
                           "which runs once per item of a scatter; call '{callee}.map(...)'",
        "each_arg": "each(...) scatters over a list (a list result, a workflow input or a "
                    "literal list), got {got}",
        "each_arg_not_mapped": "argument '{param}' of '{callee}' is each(...), one item per "
                               "job of a scatter; call '{callee}.map(...)'",
        "task_js": "@task got the string {value}; @task decorates a Python function whose "
                   "body runs in the job; for a JavaScript expression write "
                   "@expression_tool({value}) on a typed function",
    }),
    "CG608": Message(
        "error",
        "the condition of '{callee}.when(...)' is {what} ({type}); it takes a bool result "
        "(not null), a comparison such as 'n < 1', or all_of/any_of/not_/is_null of them",
    ),
    "CG609": Message(
        "error",
        "{what} is computed at a step (CWL valueFrom), so it can only be a step argument; "
        "return the whole value for '{output}' of '{func}'",
    ),
    "CG610": Message(
        "warning",
        "the condition of step '{step}' is inputs.{name}, which is {type}, not a boolean; "
        "CWL runs a step only when its `when` gives true or false, so this step fails when "
        "the workflow runs; pass a bool, or compare the value (e.g. 'inputs.{name} > 0')",
    ),
    # --- running (cwlgen run, cwlgen.run) ----------------------------------------------
    "CG501": Message("error", "'{func}' has no input '{name}'{suggestion}"),
    "CG502": Message(
        "error",
        "input '{name}' of '{func}' is required ({type}) but no value was given; {how}",
    ),
    "CG503": Message("error", "input '{name}' of '{func}' expects {expected}, but {got}"),
    "CG504": Message("error", "input '{name}' of '{func}': {what} not found: {path}"),
    "CG505": Message("error", variants={
        "unreadable": "cannot read the input file {path}: {reason}",
        "bad_yaml": "cannot read the input file {path}: invalid YAML: {error}",
        "not_mapping": "cannot read the input file {path}: it must map input names to "
                       "values, not hold a {got}",
    }),
    "CG506": Message("error", "--input '{pair}' must be NAME=VALUE"),
    "CG507": Message("error", "step '{step}' failed under {runner}", variants={
        "engine": "the {runner} run failed (exit code {exit_code})",
    }),
    "CG508": Message("note", variants={
        "called_here": "step '{step}' is called here",
        "time_limit": "step '{step}' was stopped by its time limit of {limit} s "
                      "(Resources(time_limit=...)); raise the limit or give the step less "
                      "work",
    }),
    # --- files cwlgen writes (build output, run build/out/cache folders) ----------------
    "CG520": Message("error", variants={
        "is_file": "{what} {path} is a file; give a folder (it is created if missing)",
        "under_file": "{what} {path} cannot be created: {parent} is a file, not a folder",
        "cannot_write": "cannot write {what} {path}: {reason}; choose a folder you can "
                        "write to",
        "not_ours": "{path} was not written by cwlgen (it has no cwlgen header), so cwlgen "
                    "will not replace it; move it away or choose another {what}",
    }),
    # --- hand-written CWL (CG7xx) --------------------------------------------------------
    "CG701": Message("error", "cannot read this CWL document: {reason}"),
    "CG702": Message(
        "error",
        "{construct}: the cwlgen DSL cannot express this yet, so importing it would lose it; "
        "keep this process as CWL and call it with cwlgen.load(..., ref=...)",
    ),
    "CG703": Message(
        "error",
        "the Python written for {what} does not compile back ({error}); this is a bug in "
        "cwlgen import, please report it",
    ),
    # --- pictures (cwlgen graph, notebook display) -------------------------------------
    "CG801": Message(
        "error",
        "cannot draw {what}: Graphviz's 'dot' program is not installed; install it "
        "(Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz) or write "
        ".dot or .mmd text, which needs no Graphviz",
    ),
    "CG802": Message("error", "Graphviz 'dot' failed drawing {what}: {detail}"),
    "CG803": Message(
        "error",
        "cannot tell the picture format of '{path}'; end the file name with {formats}",
    ),
}

# Short titles of the codes, as headed on docs/diagnostics.md (a test keeps both equal):
# the rule names of SARIF output and of GitHub annotations.
TITLES: dict[str, str] = {
    "CG001": "cannot import",
    "CG002": "no such target",
    "CG003": "nothing to compile",
    "CG101": "missing annotation",
    "CG102": "type without a CWL equivalent",
    "CG103": "missing return annotation",
    "CG104": "output without a source",
    "CG105": "boolean without a flag",
    "CG106": "bad default",
    "CG107": "invalid identifier",
    "CG108": "id collision",
    "CG109": "bad resources",
    "CG110": "unsupported parameter kind",
    "CG111": "captured stream is not a File",
    "CG112": "other definition problems",
    "CG113": "the workflow body raised",
    "CG114": "staging a value that is not a file",
    "CG115": "a list of enums or records that cwltool cannot take",
    "CG116": "a literal value with an `id` or `name` field",
    "CG120": "a line needs a newer Python than the task's job has",
    "CG121": "not a Python version",
    "CG130": "a requirement cwlgen writes itself, or a construct it cannot express",
    "CG131": "exit codes",
    "CG132": "some outputs from cwl.output.json, some not",
    "CG133": "no base command and nothing to run",
    "CG134": "ontology and namespace problems",
    "CG135": "a union CWL cannot hold there",
    "CG136": "a task taking a record whose fields are bound",
    "CG201": "type mismatch",
    "CG202": "maybe-null into required",
    "CG203": "unknown argument",
    "CG204": "missing required argument",
    "CG205": "positional arguments",
    "CG206": "literal of the wrong type",
    "CG207": "workflow output mismatch",
    "CG208": "wrong return shape",
    "CG209": "`.map` scatters nothing",
    "CG210": "unknown scatter method",
    "CG211": "list mixing results and literals",
    "CG212": "bad `.map` option",
    "CG213": "batch cannot be applied",
    "CG214": "an extra step input the callee declares",
    "CG230": "format not accepted",
    "CG231": "secondary files not carried",
    "CG301": "recursion",
    "CG302": "unused output",
    "CG303": "in-place conflict",
    "CG304": "cycle between steps",
    "CG401": "unseeded random numbers",
    "CG402": "reads the clock",
    "CG403": "random ids",
    "CG404": "OS randomness",
    "CG405": "network access",
    "CG406": "set iteration order",
    "CG407": "machine-dependent input",
    "CG410": "different outputs from identical runs",
    "CG411": "different output explained by an input",
    "CG412": "allowed difference",
    "CG501": "unknown input",
    "CG502": "missing input",
    "CG503": "input of the wrong type",
    "CG504": "input file not found",
    "CG505": "unreadable input file",
    "CG506": "bad command-line input",
    "CG507": "a step failed",
    "CG508": "where a failed step comes from",
    "CG520": "a folder cwlgen cannot write into",
    "CG601": "`if`/`and`/`or`/`not` on a result",
    "CG602": "a condition used as a value",
    "CG603": "`.field` on something that is not a record",
    "CG604": "a conditional result into a required parameter",
    "CG605": "`pick_value` misuse",
    "CG606": "an expression names an input that does not exist",
    "CG607": "JavaScript where Python (or a value) is expected, or the reverse",
    "CG608": "a condition that is not a bool",
    "CG609": "a value computed at a step returned from the workflow",
    "CG610": "a CWL condition that is not a boolean",
    "CG701": "invalid CWL",
    "CG702": "not expressible in the DSL yet",
    "CG703": "imported Python does not compile back",
    "CG801": "Graphviz is not installed",
    "CG802": "Graphviz failed",
    "CG803": "unknown picture format",
}


def rule_title(code: str) -> str:
    """The short title of `code` ("type mismatch"), as the diagnostics page heads it."""
    return TITLES[code]


def message_text(code: str, variant: str | None = None, **fields: object) -> str:
    """The text of diagnostic `code` (its `variant`, if it has several) with `fields` filled."""
    return MESSAGES[code].text(variant, **fields)


class Location(Protocol):
    """A `path:line` (`cwlgen.ir.SourceLocation` is one)."""

    @property
    def path(self) -> str:
        """The file, relative to the working directory when under it."""
    @property
    def line(self) -> int:
        """The line, 1-based."""
    @property
    def col(self) -> int:
        """The column, 1-based; 0 when unknown (machine formats only)."""


class NoteLike(Protocol):
    """What `format_diagnostic` needs of a note."""

    @property
    def message(self) -> str:
        """The note's text."""
    @property
    def loc(self) -> Location | None:
        """Where the note points, if anywhere."""


class DiagnosticLike(Protocol):
    """What `format_diagnostic` needs of a diagnostic (`cwlgen.ir.diagnostics.Diagnostic`)."""

    @property
    def code(self) -> str:
        """The registry code, e.g. CG201."""
    @property
    def severity(self) -> str:
        """error or warning."""
    @property
    def message(self) -> str:
        """The filled template."""
    @property
    def loc(self) -> Location | None:
        """Where the problem is, if anywhere."""
    @property
    def notes(self) -> Sequence[NoteLike]:
        """Secondary locations that explain it."""


def _where(loc: Location | str | None) -> str:
    if loc is None or loc == "":
        return ""
    if isinstance(loc, str):
        return f"{loc}: "
    return f"{loc.path}:{loc.line}: "


def format_line(code: str, message: str, where: Location | str | None = None,
                severity: str | None = None) -> str:
    """`path:line: severity[CODE]: message` (without the location when there is none)."""
    shown = severity or MESSAGES[code].severity
    return f"{_where(where)}{shown}[{code}]: {message}"


def format_message(code: str, where: Location | str | None = None, variant: str | None = None,
                   **fields: object) -> str:
    """The one-line form of a diagnostic built straight from the registry, for places that
    raise an error before any IR exists (loading a target, reading a job file)."""
    return format_line(code, message_text(code, variant, **fields), where)


def format_diagnostic(d: DiagnosticLike) -> str:
    """A diagnostic as printed: its `path:line: severity[CODE]: message` line, then one
    `path:line: note: ...` line per note."""
    lines = [format_line(d.code, d.message, d.loc, d.severity)]
    lines.extend(f"{_where(n.loc)}note: {n.message}" for n in d.notes)
    return "\n".join(lines)


def diagnostic_json(d: DiagnosticLike) -> dict[str, Any]:
    """A diagnostic as JSON (`cwlgen check --format json`, the runners' reports)."""
    return {
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "path": d.loc.path if d.loc else None,
        "line": d.loc.line if d.loc else None,
        "col": d.loc.col or None if d.loc else None,
        "notes": [
            {
                "message": n.message,
                "path": n.loc.path if n.loc else None,
                "line": n.loc.line if n.loc else None,
                "col": n.loc.col or None if n.loc else None,
            }
            for n in d.notes
        ],
    }
