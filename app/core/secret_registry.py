"""The secret values the log filter must mask: AppSecrets and every access token seen.

One `SecretRegistry` is made at program start and handed to whatever learns a secret
(the wiring that builds WeChat clients registers the AppSecret, a ready token and every
token a token source hands out) and to the log filter, which calls it for each record.
It is not global: whoever makes it passes it on. Values are only ever held in memory.
"""

from __future__ import annotations

import inspect
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable

#: How many values are remembered (oldest forgotten first); tokens change every ~2 h.
MAX_VALUES = 256

ValueSource = Callable[[], str | None]
"""Something that knows a current secret (a callable returning it, or None)."""


class SecretRegistry:
    """Remembers secret values and asks live sources; calling it lists them all."""

    def __init__(self, *, max_values: int = MAX_VALUES) -> None:
        self._max = max_values
        self._lock = threading.Lock()
        self._values: OrderedDict[str, None] = OrderedDict()
        self._sources: list[Callable[[], ValueSource | None]] = []

    def __repr__(self) -> str:
        with self._lock:
            return f"SecretRegistry({len(self._values)} values, {len(self._sources)} sources)"

    def add(self, value: str | None) -> None:
        """Remember one value (empty and None are ignored)."""
        if not value or not value.strip():
            return
        with self._lock:
            self._values[value] = None
            self._values.move_to_end(value)
            while len(self._values) > self._max:
                self._values.popitem(last=False)

    def add_all(self, values: Iterable[str | None]) -> None:
        for value in values:
            self.add(value)

    def add_source(self, source: ValueSource) -> None:
        """Ask `source()` for a current value on every call (a failing source is skipped).

        A bound method is held weakly, so registering `holder.current` keeps no holder alive;
        the tokens it handed out stay masked if they were also `add`ed.
        """
        getter: Callable[[], ValueSource | None]
        if inspect.ismethod(source):
            getter = weakref.WeakMethod(source)
        else:

            def getter() -> ValueSource | None:
                return source

        with self._lock:
            self._sources = [g for g in self._sources if g() is not None]
            self._sources.append(getter)

    def values(self) -> list[str]:
        """Every remembered value plus what the live sources hold now."""
        with self._lock:
            sources = list(self._sources)
            found = list(self._values)
        for getter in sources:
            source = getter()
            if source is None:
                continue
            try:
                value = source()
            except Exception:  # a broken source must never stop logging
                continue
            if value and value not in found:
                found.append(value)
        return found

    def __call__(self) -> list[str]:
        """The same as `values()`: the registry is a `logsetup.SecretsProvider`."""
        return self.values()
