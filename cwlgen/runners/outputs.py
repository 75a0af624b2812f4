"""The engine's output object (CWL JSON) as the Python value the function's return annotation
promises: `File`/`Directory` objects with local paths, records as instances of their class,
enums as members, a `NamedTuple` for several outputs.

The conversion itself is the one the job shim uses for a task's inputs
(`cwlgen.runtime.shim.from_json`): lenient where an engine's output object may differ from
what cwlgen wrote (an enum matched by value or name, a union of several types read
generically). Every runner path (`run`, `cwlgen run`) goes through `typed_outputs`."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from cwlgen.dsl.definition import Definition
from cwlgen.runtime.shim import from_json


def typed_outputs(defn: Definition[Any, Any], outputs: Mapping[str, Any]) -> Any:
    """The runner's output object as the value the function's return annotation promises."""
    iface = defn.interface
    if not iface.output_names:
        return None
    try:
        hints = typing.get_type_hints(defn.func, include_extras=True)
    except Exception:  # annotations that do not resolve were reported at compile time
        hints = {}
    if iface.return_class is not None:
        try:
            field_hints = typing.get_type_hints(iface.return_class, include_extras=True)
        except Exception:
            field_hints = {}
        values = [from_json(outputs.get(n), field_hints.get(n, Any)) for n in iface.output_names]
        return iface.return_class(*values)
    return from_json(outputs.get(iface.output_names[0]), hints.get("return", Any))
