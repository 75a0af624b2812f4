"""Format and secondary-file compatibility along workflow edges (what cwltool only finds
when a job runs, if at all).

- `format`: a File whose producer declares format A may flow into a parameter declaring
  format B when A is B or a subclass of B in the ontologies the documents list in
  `$schemas` (rdfs:subClassOf, owl:equivalentClass), as cwltool checks at run time. A step
  output without a format into a parameter that requires one fails at run time too.
- secondary files (cwltool#602): a step output must carry every secondary file a
  parameter it feeds requires (patterns that are expressions, or whose `required` is an
  expression, cannot be compared and are skipped).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from cwlgen.ir import InputPort, OutputPort, Process, Source, Step, Workflow, WorkflowInputRef
from cwlgen.ir.cwl import KNOWN_NAMESPACES, needs_javascript
from cwlgen.ir.diagnostics import Diagnostic, Note, diag

RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
OWL_EQUIVALENT = "http://www.w3.org/2002/07/owl#equivalentClass"


@functools.lru_cache(maxsize=16)
def _parents(paths: tuple[str, ...]) -> Mapping[str, frozenset[str]]:
    """IRI -> its direct superclasses (and equivalents) in the ontology files `paths`.
    Raises ValueError naming the file that cannot be parsed."""
    import rdflib  # only when a format check needs an ontology
    from rdflib.util import guess_format

    graph = rdflib.Graph()
    for path in paths:
        try:
            graph.parse(path, format=guess_format(path) or "xml")
        except Exception as exc:  # rdflib raises many types for a bad file
            raise ValueError(f"{path}: {type(exc).__name__}: {exc}") from exc
    parents: dict[str, set[str]] = {}
    for predicate in (RDFS_SUBCLASS, OWL_EQUIVALENT):
        for sub, obj in graph.subject_objects(rdflib.URIRef(predicate)):
            parents.setdefault(str(sub), set()).add(str(obj))
            if predicate == OWL_EQUIVALENT:
                parents.setdefault(str(obj), set()).add(str(sub))
    return {k: frozenset(v) for k, v in parents.items()}


def subsumes(wanted: str, given: str, parents: Mapping[str, frozenset[str]]) -> bool:
    """Whether format IRI `given` is `wanted` or (transitively) a subclass of it."""
    seen: set[str] = set()
    stack = [given]
    while stack:
        iri = stack.pop()
        if iri == wanted:
            return True
        if iri in seen:
            continue
        seen.add(iri)
        stack.extend(parents.get(iri, ()))
    return False


def expand(fmt: str, namespaces: Mapping[str, str]) -> str:
    """`edam:format_1930` -> `http://edamontology.org/format_1930`."""
    prefix, sep, rest = fmt.partition(":")
    if sep and prefix in namespaces and not rest.startswith("//"):
        return namespaces[prefix] + rest
    return fmt


def format_context(processes: Iterable[Process]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The namespaces and ontology files of every process in `processes`: gathered once per
    check run, not once per workflow (which made deep nesting quadratic)."""
    everything = list(processes)
    namespaces = dict(KNOWN_NAMESPACES)
    for p in everything:
        namespaces.update(p.namespaces)
    return namespaces, tuple(sorted({o.path for p in everything for o in p.schemas if o.path}))


def check_formats(wf: Workflow, processes: Iterable[Process],
                  context: tuple[dict[str, str], tuple[str, ...]] | None = None,
                  ) -> list[Diagnostic]:
    """Format (CG230) and secondary-file (CG231) problems on the edges of `wf`; the
    ontologies and namespaces are those of every process in `processes` (or `context`,
    their `format_context`, when the caller already has it)."""
    namespaces, files = context if context is not None else format_context(processes)
    problems: list[Diagnostic] = []
    steps = {s.id: s for s in wf.steps}
    for step in wf.steps:
        for step_input in step.inputs:
            param = step.process.input(step_input.name)
            if param is None:
                continue
            for source in step_input.sources:
                producer = _producer(wf, steps, source)
                problems += _format_edge(wf, step, param, source, producer, namespaces, files)
                problems += _secondary_edge(step, param, source, producer)
    return problems


def _producer(wf: Workflow, steps: Mapping[str, Step],
              source: Source) -> InputPort | OutputPort | None:
    """The port a data reference comes from (a workflow input, or a step's output)."""
    if isinstance(source, WorkflowInputRef):
        return wf.input(source.name)
    step = steps.get(source.step)
    if step is None:
        return None
    return next((o for o in step.process.outputs
                 if isinstance(o, OutputPort) and o.name == source.output), None)


def _is_static(text: str | None) -> bool:
    return bool(text) and not needs_javascript(text) and "$(" not in (text or "")


def _format_edge(wf: Workflow, step: Step, param: InputPort, source: Source,
                 producer: InputPort | OutputPort | None, namespaces: Mapping[str, str],
                 files: tuple[str, ...]) -> list[Diagnostic]:
    wanted = param.format
    if not _is_static(wanted) or producer is None:
        return []
    assert wanted is not None
    where = step.loc
    notes = (Note(message=f"parameter '{param.name}' of '{step.process.name}' declares "
                  f"format {wanted} here", loc=param.loc),)
    given = producer.format
    if given is None:
        if isinstance(source, WorkflowInputRef):
            return []  # the job's File object may carry a format
        return [diag("CG230", where, variant="no_format", source=_describe(source),
                     param=param.name, callee=step.process.name, wanted=wanted, notes=notes)]
    if not _is_static(given):
        return []
    want_iri, given_iri = expand(wanted, namespaces), expand(given, namespaces)
    if want_iri == given_iri:
        return []
    try:
        parents = _parents(files) if files else {}
    except ValueError as exc:
        return [diag("CG134", wf.loc, variant="unreadable", path=repr(files), func=wf.name,
                     error=str(exc))]
    if subsumes(want_iri, given_iri, parents):
        return []
    why = ("no subclass path between them in the ontologies listed in schemas="
           if files else "no ontology is listed in schemas= to relate them")
    return [diag("CG230", where, variant="incompatible", source=_describe(source), given=given,
                 param=param.name, callee=step.process.name, wanted=wanted, why=why,
                 notes=notes)]


def _secondary_edge(step: Step, param: InputPort, source: Source,
                    producer: InputPort | OutputPort | None) -> list[Diagnostic]:
    if isinstance(source, WorkflowInputRef) or not isinstance(producer, OutputPort):
        return []  # a job's File object may carry any secondary files
    flags = dict(param.secondary_required)
    carried = set(producer.secondary_files)
    missing = [p for p in param.secondary_files
               if flags.get(p, True) is True and not needs_javascript(p) and p not in carried]
    if not missing:
        return []
    notes = (Note(message=f"output '{producer.name}' of '{source.step}' is declared here "
                  "with secondary files " + (", ".join(sorted(carried)) or "(none)"),
                  loc=producer.loc),
             Note(message=f"parameter '{param.name}' of '{step.process.name}' requires them "
                  "here", loc=param.loc))
    return [diag("CG231", step.loc, source=_describe(source), param=param.name,
                 callee=step.process.name, missing=", ".join(missing), notes=notes)]


def _describe(source: Source) -> str:
    if isinstance(source, WorkflowInputRef):
        return f"workflow input '{source.name}'"
    return f"output '{source.output}' of step '{source.step}'"
