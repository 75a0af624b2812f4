"""YAML text from plain dicts, written by PyYAML's C emitter (libyaml) when it is there.

Why PyYAML and not ruamel.yaml: for the same dicts its `CSafeDumper` needs about 2.5x less
CPU (issue 14), and writing text was most of compiling a large workflow. The text must not
depend on which accelerators are installed, so the one writer below fixes every choice the
emitters could make differently: key order kept, multi-line strings as literal blocks (double
quotes when a literal block cannot hold them exactly, e.g. carriage returns or trailing
blanks), YAML 1.1 look-alikes ('yes', 'on', 'null') quoted, and floats in Python's shortest
form (`1e-30`, as YAML 1.2 and cwltool read it). `dump(..., accelerated=False)` forces the
pure-Python emitter; a test compares both on every golden and generated document. Documents of
plain block collections are written without PyYAML's representer (`yamltext`), to the same
bytes; `direct=False` turns that off.

Reading stays with ruamel.yaml (YAML 1.2, as cwltool reads CWL), imported only when needed.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import yaml

from cwlgen.backend.yamltext import ScalarTexts
from cwlgen.backend.yamltext import write as write_direct

_FAST_DUMPER: Any = getattr(yaml, "CSafeDumper", None)
# Quoted whatever the resolver thinks: YAML 1.1 readers take these for booleans/nulls/merges.
_QUOTE = frozenset(
    ["", "~", "y", "n", "yes", "no", "on", "off", "true", "false", "null", "=", "<<"]
)
_QUOTE_LONGEST = max(map(len, _QUOTE))


class _Representer(yaml.representer.SafeRepresenter):
    """What to write for each Python value: the same whichever emitter writes it."""

    def ignore_aliases(self, data: Any) -> bool:
        """Never write anchors and aliases (`&id001`, `*id001`): a value used twice is
        written twice, so a document reads the same to every tool and person. Also skips
        the per-value bookkeeping aliases need (~15% of writing a document)."""
        return True

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if "\n" in data:
            if _fits_literal_block(data):
                return self.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        elif len(data) <= _QUOTE_LONGEST and data.lower() in _QUOTE:
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return self.represent_scalar("tag:yaml.org,2002:str", data)

    def represent_float(self, data: float) -> yaml.ScalarNode:
        if math.isnan(data):
            text = ".nan"
        elif math.isinf(data):
            text = ".inf" if data > 0 else "-.inf"
        else:
            text = repr(data).lower()
        return self.represent_scalar("tag:yaml.org,2002:float", text)


_Representer.add_representer(str, _Representer.represent_str)
_Representer.add_representer(float, _Representer.represent_float)


def _fits_literal_block(data: str) -> bool:
    """A literal block keeps the text exactly: no carriage returns, no blanks at line ends."""
    return "\r" not in data and not any(
        line.endswith((" ", "\t")) for line in data.split("\n")
    )


class _Resolver(yaml.resolver.Resolver):
    """PyYAML's YAML 1.1 resolver, plus what YAML 1.2 (cwltool's reader) adds: exponent
    floats without a dot (`1e-30`) and octal ints written `0o17`.

    Without the float rule the emitter would tag `1e-30` as `!!float`; with it the text is
    plain. Without the octal rule the *string* "0o17" would be written plain and read back by
    cwltool as the int 15; with it such strings are quoted. YAML 1.1 look-alikes of booleans
    and nulls are still quoted.
    """


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?0o[0-7_]+$"), list("-+0"),
)


class _PureDumper(
    yaml.emitter.Emitter, yaml.serializer.Serializer, _Representer, _Resolver
):
    """The pure-Python writer: the fallback, and the reference the C writer must match."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        yaml.emitter.Emitter.__init__(
            self, stream, canonical=None, indent=None, width=kwargs["width"],
            allow_unicode=True, line_break=None,
        )
        yaml.serializer.Serializer.__init__(
            self, encoding=None, explicit_start=None, explicit_end=None, version=None, tags=None
        )
        _Representer.__init__(self, default_style=None, default_flow_style=False, sort_keys=False)
        _Resolver.__init__(self)


def _fast_dumper_class() -> Any:
    if _FAST_DUMPER is None:
        return None
    from yaml._yaml import CEmitter  # type: ignore[import-not-found, unused-ignore]

    class _FastDumper(CEmitter, _Representer, _Resolver):
        """libyaml's emitter with the representer and resolver above."""

        def __init__(self, stream: Any, **kwargs: Any) -> None:
            CEmitter.__init__(
                self, stream, canonical=None, indent=None, width=kwargs["width"],
                allow_unicode=True, line_break=None, encoding=None,
                explicit_start=None, explicit_end=None, version=None, tags=None,
            )
            _Representer.__init__(
                self, default_style=None, default_flow_style=False, sort_keys=False
            )
            _Resolver.__init__(self)

    return _FastDumper


_FAST = _fast_dumper_class()
_WIDTH = 1_000_000


def new_scalar_texts() -> ScalarTexts:
    """A memo of scalar texts to share between the documents of one compile."""
    return ScalarTexts(_full_dump)


def dump(doc: Any, header: str | None = None, *, accelerated: bool = True,
         direct: bool = True, scalars: ScalarTexts | None = None) -> str:
    """`doc` as YAML text, preceded by `header` as comment lines.

    Written straight from the dicts (`cwlgen.backend.yamltext`) when they hold only what that
    writer decides itself, else by PyYAML. `direct=False` always uses PyYAML, and
    `accelerated=False` its pure-Python emitter; the text is the same byte for byte.
    `scalars` (from `new_scalar_texts`) lets documents written together share the decisions.
    """
    text = None
    if direct and accelerated:
        text = write_direct(doc, scalars or new_scalar_texts())
    if text is None:
        text = _full_dump(doc, accelerated=accelerated)
    if header:
        comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
        text = comment + text
    return text


def _full_dump(doc: Any, *, accelerated: bool = True) -> str:
    """PyYAML's representer and emitter (libyaml's when it is there)."""
    stream = io.StringIO()
    dumper_class = _FAST if accelerated and _FAST is not None else _PureDumper
    dumper = dumper_class(stream, width=_WIDTH)
    try:
        dumper.open()
        dumper.represent(doc)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()

def load(text: str) -> Any:
    """Parse YAML text (YAML 1.2 safe loader, as cwltool reads CWL) into plain objects."""
    import ruamel.yaml

    return ruamel.yaml.YAML(typ="safe", pure=False).load(text)
