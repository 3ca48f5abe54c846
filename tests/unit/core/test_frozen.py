"""`cheap_init`: the per-order value types behave exactly as the frozen dataclasses they are."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field

import pytest

from app.core.frozen import cheap_init
from app.core.model import ApiItem, Hint, OrderRef, Waybill, WaybillStatus
from app.core.orders import LineKind, ParsedLine


@dataclass(frozen=True)
class _Plain:
    a: str
    b: int = 2
    c: dict[str, str] = field(default_factory=dict, compare=False)


@cheap_init
@dataclass(frozen=True)
class _Cheap:
    a: str
    b: int = 2
    c: dict[str, str] = field(default_factory=dict, compare=False)


def test_the_init_has_the_dataclass_signature_and_defaults() -> None:
    plain = inspect.signature(_Plain.__init__)
    cheap = inspect.signature(_Cheap.__init__)
    assert list(cheap.parameters) == list(plain.parameters) == ["self", "a", "b", "c"]
    assert cheap.parameters["b"].default == plain.parameters["b"].default == 2
    made = _Cheap("x")
    assert (made.a, made.b, made.c) == ("x", 2, {})
    assert _Cheap("x").c is not _Cheap("x").c  # a fresh dict from the factory each time
    assert _Cheap("x", 3, {"k": "v"}) == _Cheap(a="x", b=3) != _Cheap("x", 4)
    with pytest.raises(TypeError):
        _Cheap()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Cheap("x", 1, {}, 9)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "value",
    [
        OrderRef("A1", "SF", "W1"),
        ParsedLine(3, "A1,SF", LineKind.REF, ref=OrderRef("A1", "SF")),
        ApiItem(OrderRef("A1", "SF"), 0, "ok", waybill_id="W1", print_html="PGh0bWw+"),
        Waybill(
            OrderRef("A1", "SF"),
            WaybillStatus.OK,
            0,
            "",
            html="<p>",
            hint=Hint("en", "zh"),
            extra={"k": "v"},
        ),
    ],
)
def test_the_value_types_stay_frozen_hashable_replaceable_and_picklable(value: object) -> None:
    assert dataclasses.is_dataclass(value)
    name = dataclasses.fields(value)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, name, None)
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value) == value
    assert hash(dataclasses.replace(value)) == hash(value)  # type: ignore[type-var]
    assert repr(value).startswith(type(value).__name__ + "(")


def test_only_plain_frozen_dataclasses_are_accepted() -> None:
    class NotADataclass:
        pass

    @dataclass
    class NotFrozen:
        a: int

    @dataclass(frozen=True)
    class PostInit:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True)
    class KeywordOnly:
        a: int = field(kw_only=True)

    @dataclass(frozen=True)
    class NotInInit:
        a: int = field(init=False, default=1)

    for cls in (NotADataclass, NotFrozen, PostInit, KeywordOnly, NotInInit):
        with pytest.raises(TypeError):
            cheap_init(cls)
