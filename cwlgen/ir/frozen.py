"""Value classes for the IR and the DSL's option objects without importing attrs.

`import cwlgen` and `cwlgen check` used to spend ~18 ms on attrs (about half importing it,
half building ~45 classes through it: issue 14 asks for a 50 ms import). This module builds
the same kind of class (slotted, immutable, equality by fields, hashable, a `Name(a=1)`
repr, optionally ordered) from the class body's annotations, with one `exec` of a few lines
per class (for `__init__`, the method that runs most).

Type checkers see attrs' own `frozen`, `define`, `field` and `evolve` (imported under
`TYPE_CHECKING` only), so mypy's attrs plugin keeps checking constructors, converters and
`evolve` calls exactly as before. At run time only the subset cwlgen uses exists; anything
else is refused with a TypeError when the class is defined, never silently ignored.
attrs itself is still imported when a user's own attrs classes are CWL records.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, TypeVar

__all__ = ["FrozenInstanceError", "define", "evolve", "field", "field_names", "frozen"]

_T = TypeVar("_T")


class FrozenInstanceError(AttributeError):
    """An attribute of an immutable value was assigned or deleted."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOTHING"


_MISSING: Any = _Missing()


class _FieldSpec:
    """What `field(...)` says about one attribute (the runtime twin of attrs.field)."""

    __slots__ = ("converter", "default", "eq", "factory", "order")

    def __init__(self, default: Any, factory: Any, converter: Any, eq: bool, order: bool):
        self.default, self.factory, self.converter = default, factory, converter
        self.eq, self.order = eq, order


def _field(*, default: Any = _MISSING, factory: Any = None, converter: Any = None,
           eq: bool = True, order: bool | None = None) -> Any:
    if default is not _MISSING and factory is not None:
        raise TypeError("field(): give either default or factory, not both")
    return _FieldSpec(default, factory, converter, eq, eq if order is None else order)


def _evolve(inst: _T, **changes: Any) -> _T:
    """A copy of `inst` with `changes` (converters run again, as in attrs.evolve)."""
    cls = type(inst)
    names: tuple[str, ...] | None = getattr(cls, "__cwlgen_fields__", None)
    if names is None:
        raise TypeError(f"evolve() needs a cwlgen value class, not {cls.__name__}")
    unknown = changes.keys() - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field(s) {', '.join(sorted(unknown))}")
    for name in names:
        if name not in changes:
            changes[name] = getattr(inst, name)
    return cls(**changes)


def field_names(cls: type) -> tuple[str, ...]:
    """The fields of a value class made here, in declaration order (as attrs.fields' names)."""
    names: tuple[str, ...] | None = getattr(cls, "__cwlgen_fields__", None)
    if names is None:
        raise TypeError(f"{cls.__name__} is not a cwlgen value class")
    return names


def _annotations(cls: type) -> dict[str, Any]:
    own = cls.__dict__.get("__annotations__")
    if own is None:  # Python 3.14: annotations are computed on demand
        import inspect

        own = inspect.get_annotations(cls)
    return dict(own)


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))


def _build(cls: type, *, kw_only: bool, order: bool, is_frozen: bool) -> type:
    for base in cls.__mro__[1:-1]:
        if "__cwlgen_fields__" in base.__dict__ or "__slots__" not in base.__dict__:
            raise TypeError(f"{cls.__name__}: value classes here do not inherit")
    body = dict(cls.__dict__)
    names: list[str] = []
    specs: dict[str, _FieldSpec] = {}
    for name, annotation in _annotations(cls).items():
        if _is_classvar(annotation):
            continue
        if name.startswith("_"):  # attrs would name its parameter without the underscore
            raise TypeError(f"{cls.__name__}.{name}: a field name may not start with '_'")
        value = body.pop(name, _MISSING)
        spec = value if isinstance(value, _FieldSpec) else _FieldSpec(
            value, None, None, True, True)
        names.append(name)
        specs[name] = spec

    scope: dict[str, Any] = {"_MISSING": _MISSING, "_setattr": object.__setattr__}
    params, lines = [], []
    seen_default = False
    for name in names:
        spec = specs[name]
        if spec.factory is not None:
            scope[f"_f_{name}"] = spec.factory
            params.append(f"{name}=_MISSING")
            lines.append(f"    if {name} is _MISSING:\n        {name} = _f_{name}()")
        elif spec.default is not _MISSING:
            scope[f"_d_{name}"] = spec.default
            params.append(f"{name}=_d_{name}")
        elif seen_default and not kw_only:
            raise TypeError(f"{cls.__name__}.{name}: a field without a default follows one "
                            "with a default")
        else:
            params.append(name)
        seen_default = seen_default or spec.factory is not None or spec.default is not _MISSING
        value = name
        if spec.converter is not None:
            scope[f"_c_{name}"] = spec.converter
            value = f"_c_{name}({name})"
        lines.append(f"    _setattr(self, {name!r}, {value})")
    star = "*, " if kw_only and params else ""
    source = "\n".join([f"def __init__(self, {star}{', '.join(params)}) -> None:",
                        *(lines or ["    pass"])])
    exec(compile(source, f"<cwlgen value class {cls.__qualname__}>", "exec"), scope)
    methods = _methods(cls, names, [n for n in names if specs[n].eq],
                       [n for n in names if specs[n].order] if order else None, is_frozen)
    methods["__init__"] = scope["__init__"]
    for method, function in methods.items():
        if method not in cls.__dict__:
            function.__qualname__ = f"{cls.__qualname__}.{method}"
            body[method] = function
    if not is_frozen:
        body["__hash__"] = None  # mutable and compared by value: unhashable, as in attrs
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    body["__slots__"] = (*names, "__weakref__")
    body["__cwlgen_fields__"] = tuple(names)
    body["__match_args__"] = () if kw_only else tuple(names)
    new = type(cls)(cls.__name__, cls.__bases__, body)
    # methods that use `super()` or `__class__` point at the class being replaced
    for value in body.values():
        function = getattr(value, "fget", value)
        closure = getattr(function, "__closure__", None)
        code = getattr(function, "__code__", None)
        if closure and code is not None and "__class__" in code.co_freevars:
            closure[code.co_freevars.index("__class__")].cell_contents = new
    return new


def _methods(cls: type, names: list[str], eq_names: list[str], order_names: list[str] | None,
             is_frozen: bool) -> dict[str, Any]:
    """Every method but `__init__`, as closures: compiling source for them cost ~0.4 ms a
    class, more than attrs. Same results as attrs' methods (the repr is attrs' format, which
    batching's content keys depend on)."""
    shown = cls.__qualname__.rsplit(">.", 1)[-1]
    fields = tuple(names)

    def values(getter_names: list[str]) -> Any:
        if not getter_names:
            return lambda self: ()
        getter = operator.attrgetter(*getter_names)
        return getter if len(getter_names) > 1 else lambda self: (getter(self),)

    eq_values = values(eq_names)

    def __repr__(self: Any) -> str:
        return f"{shown}({', '.join(f'{n}={getattr(self, n)!r}' for n in fields)})"

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return eq_values(self) == eq_values(other)

    def __getstate__(self: Any) -> dict[str, Any]:
        return {n: getattr(self, n) for n in fields}

    def __setstate__(self: Any, state: dict[str, Any]) -> None:
        for n, v in state.items():
            object.__setattr__(self, n, v)

    methods: dict[str, Any] = {"__repr__": __repr__, "__eq__": __eq__,
                               "__getstate__": __getstate__, "__setstate__": __setstate__}
    if is_frozen:
        salt = hash(f"cwlgen value class {cls.__module__}.{cls.__qualname__}")

        def __hash__(self: Any) -> int:
            return hash((salt, eq_values(self)))

        def __setattr__(self: Any, name: str, value: Any) -> None:
            raise FrozenInstanceError(name)

        def __delattr__(self: Any, name: str) -> None:
            raise FrozenInstanceError(name)

        methods.update(__hash__=__hash__, __setattr__=__setattr__, __delattr__=__delattr__)
    if order_names is not None:
        key = values(order_names)
        for method, compare in (("__lt__", operator.lt), ("__le__", operator.le),
                                ("__gt__", operator.gt), ("__ge__", operator.ge)):
            methods[method] = _comparison(key, compare)
    return methods


def _comparison(key: Any, compare: Any) -> Any:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return compare(key(self), key(other))

    return method


def _frozen(maybe_cls: Any = None, *, kw_only: bool = False, order: bool = False) -> Any:
    def wrap(cls: type) -> type:
        return _build(cls, kw_only=kw_only, order=order, is_frozen=True)

    return wrap if maybe_cls is None else wrap(maybe_cls)


def _define(maybe_cls: Any = None, *, kw_only: bool = False) -> Any:
    def wrap(cls: type) -> type:
        return _build(cls, kw_only=kw_only, order=False, is_frozen=False)

    return wrap if maybe_cls is None else wrap(maybe_cls)


if TYPE_CHECKING:
    from attrs import define, evolve, field, frozen
else:
    define, evolve, field, frozen = _define, _evolve, _field, _frozen
