"""`cheap_init`: a frozen dataclass whose instances cost a third as much to make.

`@dataclass(frozen=True)` generates an `__init__` that stores each field through
`object.__setattr__` (the class's own `__setattr__` refuses every assignment): 0.3–1 µs a
field on a station's machine. A million-line `fetch` makes an `OrderRef`, a `ParsedLine`,
an `ApiItem` and a `Waybill` for every order — ~28 fields, ~15 µs of an order's CPU —
so these value types put `@cheap_init` over `@dataclass(frozen=True)`: the same class
(fields, defaults, equality, hash, repr, `dataclasses.replace`, `FrozenInstanceError` on
assignment), with an `__init__` of the same signature that fills the instance's
`__dict__` in one `update`.

Only plain fields are supported (no `__post_init__`, `InitVar`, `init=False`, keyword-only
fields or slots); anything else is refused when the class is made, not at run time.
"""

from __future__ import annotations

import dataclasses
from typing import Any

# Stands for "not given" where a field has a default factory, as in dataclasses' own code.
_FACTORY = object()


def cheap_init[T](cls: type[T]) -> type[T]:
    """`cls` (a frozen dataclass) with an `__init__` that sets its fields in one step."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__}: cheap_init goes over @dataclass(frozen=True)")
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__}: cheap_init supports neither __post_init__ nor slots")
    all_fields: dict[str, dataclasses.Field[Any]] = cls.__dataclass_fields__  # type: ignore[attr-defined]
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(fields) != len(all_fields) or any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: cheap_init supports plain fields only")
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    signature, factories = [], []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{f.name}"] = f.default
            signature.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            signature.append(f"{f.name}=_FACTORY")
            factories.append(
                f"    if {f.name} is _FACTORY:\n        {f.name} = _factory_{f.name}()\n"
            )
        else:
            signature.append(f.name)
    stores = ", ".join(f"{f.name}={f.name}" for f in fields)
    source = (
        f"def __init__(self, {', '.join(signature)}):\n"
        + "".join(factories)
        + f"    self.__dict__.update({stores})\n"
    )
    exec(source, namespace)  # as dataclasses itself makes __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    setattr(cls, "__init__", init)  # noqa: B010 (mypy refuses assigning a method)
    return cls
