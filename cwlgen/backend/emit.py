"""IR -> plain dicts in canonical CWL key order. Only requirements actually used are emitted.

`emit_tool` and `emit_workflow` return one document each; `run_ref` tells how a step refers
to the process it runs (a relative file name, or `#id` inside a packed `$graph`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cwlgen.backend.cwltypes import cwl_type, schema_def, secondary_files
from cwlgen.ir import (
    NO_DEFAULT,
    Container,
    InputPort,
    OutputPort,
    Process,
    ResourceSpec,
    Source,
    Step,
    StepInput,
    Tool,
    Workflow,
    WorkflowInputRef,
)
from cwlgen.ir.cwl import KNOWN_NAMESPACES, binding_dict, needs_javascript
from cwlgen.ir.types import NULL, Optional, Record, walk

CWL_VERSION = "v1.2"


def _metadata(out: dict[str, Any], port: InputPort | OutputPort) -> None:
    """The keys inputs and outputs share, in canonical order: doc, format, secondaryFiles."""
    if port.doc:
        out["doc"] = port.doc
    if port.format:
        out["format"] = port.format
    if port.secondary_files:
        out["secondaryFiles"] = secondary_files(port.secondary_files, port.secondary_required)
    if port.streamable:
        out["streamable"] = True


def input_dict(port: InputPort, *, tool: bool) -> dict[str, Any]:
    """One input parameter of a document (`tool`: with its command-line binding)."""
    out: dict[str, Any] = {"type": cwl_type(port.type, bindings="input" if tool else "none")}
    if port.label:
        out["label"] = port.label
    _metadata(out, port)
    if port.load_listing:
        out["loadListing"] = port.load_listing
    if port.load_contents:
        out["loadContents"] = True
    if port.default is not NO_DEFAULT and not (
        port.default is None and (isinstance(port.type, Optional) or port.type == NULL)
    ):
        out["default"] = port.default
    if tool and port.binding is not None:
        out["inputBinding"] = binding_dict(port.binding)
    if tool and port.item_binding is not None:  # Arg(items=...): on the array type itself
        tp = cwl_type(port.type, shorthand=False)
        array = next(m for m in (tp if isinstance(tp, list) else [tp]) if isinstance(m, dict))
        array["inputBinding"] = binding_dict(port.item_binding)
        out["type"] = tp
    return out


def output_dict(port: OutputPort) -> dict[str, Any]:
    """One output parameter of a document, with its outputBinding."""
    out: dict[str, Any] = {"type": cwl_type(port.type, bindings="output")}
    _metadata(out, port)
    binding: dict[str, Any] = {}
    if port.glob is not None:
        binding["glob"] = port.glob
    elif port.globs:
        binding["glob"] = list(port.globs)
    if port.load_contents:
        binding["loadContents"] = True
    if port.load_listing is not None:
        binding["loadListing"] = port.load_listing
    if port.output_eval is not None:
        binding["outputEval"] = port.output_eval
    if binding:
        out["outputBinding"] = binding
    return out


def _uses_js(tool: Tool) -> bool:
    texts: list[str | None] = [a.value for a in tool.arguments]
    texts += [p.binding.value_from for p in tool.inputs if p.binding]
    texts += [b.position for b in [*(a.binding for a in tool.arguments),
                                   *(p.binding for p in tool.inputs)]
              if b is not None and isinstance(b.position, str)]  # Arg(position="$(...)")
    texts += [o.glob for o in tool.outputs] + [o.output_eval for o in tool.outputs]
    texts += [g for o in tool.outputs for g in o.globs]
    texts += [content for _, content in tool.files] + [v for _, v in tool.env]
    # expressions may also sit in secondary-file patterns, formats, stream file names and
    # requirements passed through as written (`requirements=[...]`)
    ports: list[InputPort | OutputPort] = [*tool.inputs, *tool.outputs]
    for port in ports:
        texts += [*port.secondary_files, port.format]
        texts += [r for _, r in port.secondary_required if isinstance(r, str)]
    texts += [tool.stdout_name, tool.stderr_name, tool.workdir_listing, tool.stdin_expr]
    for port in ports:  # record fields: their bindings may hold expressions too
        for sub in walk(port.type):
            if isinstance(sub, Record):
                texts += [v for f in sub.fields for _, v in (*f.binding, *f.output_binding)
                          if isinstance(v, str)]
    texts += [text for entry, name, _ in tool.workdir if isinstance(entry, str)
              for text in (entry, name)]
    res = tool.resources
    if res is not None:  # Resources(cores="$(...)", time_limit="$(...)")
        texts += [v for _, v in res.exact if isinstance(v, str)]
        texts += [res.time_limit_cwl] if isinstance(res.time_limit_cwl, str) else []
    texts += [text for entry in (*tool.extra_requirements, *tool.extra_hints)
              for key, value in entry if key != "class" for text in _strings(value)]
    return any(needs_javascript(x) for x in texts)


def _strings(value: Any) -> list[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def input_reference(name: str) -> str:
    """`$(inputs.x)`, or `$(inputs['args.py'])` for a name that is no JS identifier."""
    if name.isidentifier():
        return f"$(inputs.{name})"
    return f"$(inputs['{name}'])"


def tool_requirements(tool: Tool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(requirements, hints) of a tool, in a fixed canonical order."""
    reqs: list[dict[str, Any]] = []
    hints: list[dict[str, Any]] = []
    user_js = any(dict(r).get("class") == "InlineJavascriptRequirement"
                  for r in tool.extra_requirements)
    if _uses_js(tool) and not user_js:
        reqs.append({"class": "InlineJavascriptRequirement"})
    schemas = schema_def([p.type for p in tool.inputs] + [o.type for o in tool.outputs])
    if schemas is not None:
        reqs.append(schemas)
    if tool.container is not None:
        (reqs if tool.container.required else hints).append(_docker(tool.container))
    if tool.packages:
        hints.append(_software(tool))
    listing = _work_dir_listing(tool)
    if listing:
        reqs.append({"class": "InitialWorkDirRequirement", "listing": listing})
    if tool.env:
        reqs.append({
            "class": "EnvVarRequirement",
            "envDef": [{"envName": k, "envValue": v} for k, v in tool.env],
        })
    if tool.shell or any(p.binding is not None and not p.binding.shell_quote
                         for p in tool.inputs) or any(
        a.binding is not None and not a.binding.shell_quote for a in tool.arguments
    ):
        reqs.append({"class": "ShellCommandRequirement"})
    resources = _resource_requirement(tool.resources)
    if resources is not None:
        reqs.append(resources)
    reqs += _run_requirements(tool)
    hints += _gpu_hints(tool.resources)
    reqs += [dict(r) for r in tool.extra_requirements]
    hints += [dict(h) for h in tool.extra_hints]
    return reqs, hints


def _software(tool: Tool) -> dict[str, Any]:
    """SoftwareRequirement (a hint): the packages a tool needs."""
    return {
        "class": "SoftwareRequirement",
        "packages": [
            {"package": p.name, **({"version": list(p.versions)} if p.versions else {})}
            for p in tool.packages
        ],
    }


def _docker(c: Container) -> dict[str, Any]:
    """DockerRequirement: an image name, or what `Container(...)` says."""
    out: dict[str, Any] = {"class": "DockerRequirement"}
    for key, value in (("dockerPull", c.image), ("dockerLoad", c.load), ("dockerFile", c.file),
                       ("dockerImport", c.import_from), ("dockerImageId", c.image_id),
                       ("dockerOutputDirectory", c.output_directory)):
        if value is not None:
            out[key] = value
    return out


def _work_dir_listing(tool: Tool) -> list[Any] | str:
    """InitialWorkDir entries: the tool's files, then its staged inputs, then its Dirent
    entries; or the whole listing as one expression (`workdir="$(...)"`)."""
    if tool.workdir_listing is not None:
        return tool.workdir_listing
    listing: list[Any] = [{"entryname": name, "entry": content} for name, content in tool.files]
    for port in tool.inputs:
        if port.staging is not None:
            entry: dict[str, Any] = {"entry": input_reference(port.name)}
            if port.staging.name is not None:
                entry = {"entryname": port.staging.name, **entry}
            if port.staging.writable:
                entry["writable"] = True
            listing.append(entry)
    for entry_text, name, writable in tool.workdir:
        if not isinstance(entry_text, str):  # a File/Directory literal, or a list of them
            listing.append(entry_text)
            continue
        dirent: dict[str, Any] = {"entry": entry_text}
        if name is not None:
            dirent = {"entryname": name, **dirent}
        if writable:
            dirent["writable"] = True
        listing.append(dirent)
    return listing


def _resource_requirement(res: ResourceSpec | None) -> dict[str, Any] | None:
    """ResourceRequirement, when any of its fields is set."""
    if res is None:
        return None
    rr: dict[str, Any] = {"class": "ResourceRequirement"}
    if res.cores is not None:
        rr["coresMin"] = res.cores
    if res.ram_mib is not None:
        rr["ramMin"] = res.ram_mib
    if res.tmpdir_mib is not None:
        rr["tmpdirMin"] = res.tmpdir_mib
    if res.outdir_mib is not None:
        rr["outdirMin"] = res.outdir_mib
    if res.exact:
        # maxima and expressions, in the order the CWL spec lists the fields
        rr.update(res.exact)
        rr = {"class": "ResourceRequirement", **{
            k: rr[k] for k in _RESOURCE_FIELDS if k in rr}}
    return rr if len(rr) > 1 else None


_RESOURCE_FIELDS = ("coresMin", "coresMax", "ramMin", "ramMax", "tmpdirMin", "tmpdirMax",
                    "outdirMin", "outdirMax")


def _run_requirements(tool: Tool) -> list[dict[str, Any]]:
    """Reuse, network, in-place update and time limit, in canonical order."""
    reqs: list[dict[str, Any]] = []
    if not tool.deterministic:
        reqs.append({"class": "WorkReuse", "enableReuse": False})
    if tool.network:
        reqs.append({"class": "NetworkAccess", "networkAccess": True})
    if any(p.staging is not None and p.staging.inplace for p in tool.inputs):
        reqs.append({"class": "InplaceUpdateRequirement", "inplaceUpdate": True})
    res = tool.resources
    if res is not None and res.time_limit_s is not None:
        reqs.append({"class": "ToolTimeLimit", "timelimit": res.time_limit_s})
    elif res is not None and res.time_limit_cwl is not None:  # 0 (no limit), an expression
        reqs.append({"class": "ToolTimeLimit", "timelimit": res.time_limit_cwl})
    return reqs


def _gpu_hints(res: ResourceSpec | None) -> list[dict[str, Any]]:
    """cwltool's CUDARequirement, as a hint: cwltool honours it there, but rejects it under
    `requirements` unless run with --enable-ext."""
    if res is None or res.gpus <= 0:
        return []
    return [{
        "class": "cwltool:CUDARequirement",
        "cudaVersionMin": res.cuda_version,
        "cudaComputeCapability": res.cuda_compute_capability,
        "cudaDeviceCountMin": res.gpus,
    }]


def emit_expression_tool(tool: Tool) -> dict[str, Any]:
    """The ExpressionTool document of a tool made by @expression_tool."""
    doc: dict[str, Any] = {"class": "ExpressionTool"}
    if tool.label:
        doc["label"] = tool.label
    if tool.doc:
        doc["doc"] = tool.doc
    reqs = [{"class": "InlineJavascriptRequirement"}] if needs_javascript(tool.expression) \
        else []
    reqs += _run_requirements(tool)  # ToolTimeLimit: @expression_tool(..., time_limit=...)
    reqs += [dict(r) for r in tool.extra_requirements]
    if reqs:
        doc["requirements"] = reqs
    if tool.extra_hints:
        doc["hints"] = [dict(h) for h in tool.extra_hints]
    doc["inputs"] = {p.name: input_dict(p, tool=False) for p in tool.inputs}
    doc["outputs"] = {o.name: {"type": cwl_type(o.type, bindings="none"),
                               **({"doc": o.doc} if o.doc else {})}
                      for o in tool.outputs}
    doc["expression"] = tool.expression
    return doc


def emit_tool(tool: Tool) -> dict[str, Any]:
    """The CommandLineTool document of a (lowered) tool (or an ExpressionTool)."""
    assert tool.python is None, "Python tasks are lowered to tools before emission"
    if tool.expression is not None:
        return emit_expression_tool(tool)
    doc: dict[str, Any] = {"class": "CommandLineTool"}
    if tool.label:
        doc["label"] = tool.label
    if tool.doc:
        doc["doc"] = tool.doc
    reqs, hints = tool_requirements(tool)
    if reqs:
        doc["requirements"] = reqs
    if hints:
        doc["hints"] = hints
    if tool.base_command:
        doc["baseCommand"] = list(tool.base_command)
    if tool.arguments:
        args: list[Any] = []
        for a in tool.arguments:
            if a.binding is None:
                args.append(a.value)
            else:
                args.append({**binding_dict(a.binding), "valueFrom": a.value})
        doc["arguments"] = args
    inputs = {p.name: input_dict(p, tool=True) for p in tool.inputs}
    doc["inputs"] = [{"id": name, **port} for name, port in inputs.items()] \
        if _staging_order_matters(tool) else inputs
    doc["outputs"] = {o.name: output_dict(o) for o in tool.outputs}
    if tool.stdin_input:
        doc["stdin"] = input_reference(tool.stdin_input)[:-1] + ".path)"
    elif tool.stdin_expr is not None:
        doc["stdin"] = tool.stdin_expr
    if tool.stdout_name:
        doc["stdout"] = tool.stdout_name
    if tool.stderr_name:
        doc["stderr"] = tool.stderr_name
    if tool.success_codes:
        doc["successCodes"] = list(tool.success_codes)
    if tool.temporary_fail_codes:
        doc["temporaryFailCodes"] = list(tool.temporary_fail_codes)
    if tool.permanent_fail_codes:
        doc["permanentFailCodes"] = list(tool.permanent_fail_codes)
    return doc


def source_id(source: Source) -> str:
    """A data reference as a workflow `source` (`x` or `step/out`)."""
    if isinstance(source, WorkflowInputRef):
        return source.name
    return f"{source.step}/{source.output}"


def workflow_requirements(wf: Workflow) -> list[dict[str, Any]]:
    """The requirements a workflow's steps need (scatter, merge, subworkflow...), found in
    one pass over the steps and their inputs."""
    javascript = subworkflow = scatter = merge = value_from = False
    for s in wf.steps:
        javascript = javascript or needs_javascript(s.when)
        subworkflow = subworkflow or isinstance(s.process, Workflow)
        for i in s.inputs:
            scatter = scatter or i.scattered
            merge = merge or i.merge
            if i.value_from is not None:
                value_from = True
                javascript = javascript or needs_javascript(i.value_from)
    for port in wf.inputs:  # secondaryFiles patterns and formats may be expressions too
        texts = [*port.secondary_files, port.format]
        texts += [r for _, r in port.secondary_required if isinstance(r, str)]
        javascript = javascript or any(needs_javascript(x) for x in texts)
    reqs = []
    if javascript:
        reqs.append({"class": "InlineJavascriptRequirement"})
    schemas = schema_def([p.type for p in wf.inputs] + [o.type for o in wf.outputs])
    if schemas is not None:
        reqs.append(schemas)
    if subworkflow:
        reqs.append({"class": "SubworkflowFeatureRequirement"})
    if scatter:
        reqs.append({"class": "ScatterFeatureRequirement"})
    if merge or any(o.merged for o in wf.outputs):
        reqs.append({"class": "MultipleInputFeatureRequirement"})
    if value_from:
        reqs.append({"class": "StepInputExpressionRequirement"})
    return reqs

def step_input_dict(step_input: StepInput) -> Any:
    """One entry of a step's `in`: a bare source id when that says it all."""
    ids = [source_id(s) for s in step_input.sources]
    entry: dict[str, Any] = {}
    if ids:
        entry["source"] = ids if step_input.merge else ids[0]
        if step_input.merge:
            entry["linkMerge"] = step_input.link_merge
        if step_input.pick_value is not None:
            entry["pickValue"] = step_input.pick_value
    if step_input.default is not NO_DEFAULT:
        entry["default"] = step_input.default
    if step_input.load_contents:
        entry["loadContents"] = True
    if step_input.value_from is not None:
        entry["valueFrom"] = step_input.value_from
    if list(entry) == ["source"] and isinstance(entry["source"], str):
        return entry["source"]
    return entry


def step_dict(step: Step, run_ref: Callable[[Process], str]) -> dict[str, Any]:
    """One step of a workflow document; `run_ref` names the process it runs."""
    given = {i.name: i for i in step.inputs}
    ins: dict[str, Any] = {}
    order = [p.name for p in step.process.inputs]
    order += sorted(set(given) - set(order))  # inputs the process does not declare
    for name in order:
        step_input = given.get(name)
        if step_input is None:
            continue
        ins[name] = step_input_dict(step_input)
    out: dict[str, Any] = {"run": run_ref(step.process), "in": ins}
    scatter = [n for n in order if n in given and given[n].scattered]
    if scatter:
        out["scatter"] = scatter[0] if len(scatter) == 1 else scatter
        if len(scatter) > 1 or (step.scatter_method or "dotproduct") != "dotproduct":
            out["scatterMethod"] = step.scatter_method
    if step.when is not None:
        out["when"] = step.when
    out["out"] = [o.name for o in step.process.outputs]
    if step.extra_requirements:
        out["requirements"] = [dict(r) for r in step.extra_requirements]
    if step.extra_hints:
        out["hints"] = [dict(h) for h in step.extra_hints]
    return out


def emit_workflow(wf: Workflow, run_ref: Callable[[Process], str]) -> dict[str, Any]:
    """The Workflow document of `wf`; `run_ref` names the process each step runs."""
    doc: dict[str, Any] = {"class": "Workflow"}
    if wf.label:
        doc["label"] = wf.label
    if wf.doc:
        doc["doc"] = wf.doc
    user = [dict(r) for r in wf.extra_requirements]
    given = {r.get("class") for r in user}
    reqs = [r for r in workflow_requirements(wf) if r["class"] not in given] + user
    if reqs:
        doc["requirements"] = reqs
    if wf.extra_hints:
        doc["hints"] = [dict(h) for h in wf.extra_hints]
    doc["inputs"] = {p.name: input_dict(p, tool=False) for p in wf.inputs}
    outputs: dict[str, Any] = {}
    for o in wf.outputs:
        entry: dict[str, Any] = {"type": cwl_type(o.type, bindings="none")}
        if o.merged:
            entry["outputSource"] = [source_id(s) for s in o.merged]
            entry["linkMerge"] = o.link_merge
        elif o.source is not None:
            entry["outputSource"] = source_id(o.source)
        if o.pick_value is not None:
            entry["pickValue"] = o.pick_value
        outputs[o.name] = entry
    doc["outputs"] = outputs
    doc["steps"] = {s.id: step_dict(s, run_ref) for s in wf.steps}
    return doc


def _staging_order_matters(tool: Tool) -> bool:
    """Whether the inputs must stay a list in declaration order: a secondaryFiles expression
    reads another input (`location: inputs.accessory.location`), and cwltool stages the files
    of a job in input order, a file listed twice where it first appears. A map (cwlgen's
    usual form) is read sorted by name, which would stage such a file elsewhere."""
    names = [p.name for p in tool.inputs]
    if names == sorted(names):
        return False
    for port in tool.inputs:
        for pattern in port.secondary_files:
            if ("$(" in pattern or "${" in pattern) and any(
                    f"inputs.{other}" in pattern for other in names if other != port.name):
                return True
    return False


def namespaces_used(
    docs: list[dict[str, Any]], declared: dict[str, str] | None = None
) -> dict[str, str]:
    """The `$namespaces` a set of documents needs: the known prefixes its classes and
    formats use, and every prefix the user declared (`namespaces=`)."""
    used: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("class", "format") and isinstance(value, str) and ":" in value:
                    prefix = value.split(":", 1)[0]
                    if prefix in KNOWN_NAMESPACES:
                        used.add(prefix)
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for d in docs:
        visit({k: v for k, v in d.items() if k in ("requirements", "hints", "inputs", "outputs")})
    found = {p: KNOWN_NAMESPACES[p] for p in used} | (declared or {})
    return {p: found[p] for p in sorted(found)}
