"""Registries by name whose entries carry their own behaviour.

Strategies, metrics, models, labeling-function kinds and diagnostics are each a
:class:`Registry` of objects with a ``name``: the CLI's choices, the pages'
options and the test battery all list a registry instead of hard-coding names,
and looking a name up is the only place an unknown name is checked, with the
registry's own error type and the list of what exists.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Toy:
...     name: str
>>> toys = Registry("toy", KeyError)
>>> _ = toys.register(Toy("a")); _ = toys.register(Toy("b"))
>>> toys.names()
('a', 'b')
>>> toys["c"]
Traceback (most recent call last):
...
KeyError: "Unknown toy 'c'; choose one of: a, b."
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Protocol, TypeVar

__all__ = ["Named", "Registry"]


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Mapping[str, T]):
    """An ordered, read-only name -> entry mapping; entries register themselves from their own module.

    It is a ``Mapping``: iterating gives the names (as the dicts it replaces did),
    ``values()`` the entries, ``name in registry`` tests membership.

    Parameters
    ----------
    kind : str
        What an entry is, in words ("strategy", "metric"), for error messages.
    error : callable
        The exception type raised for an unknown name; it receives the message
        (and, when it accepts them, ``available=`` the registered names).
    """

    def __init__(self, kind: str, error: Callable[..., Exception]) -> None:
        self.kind = kind
        self._error = error
        self._entries: dict[str, T] = {}

    def register(self, entry: T, *, replace: bool = False) -> T:
        """Add ``entry`` under its name; returns it, so it can decorate or be assigned."""
        if entry.name in self._entries and not replace:
            raise ValueError(f"A {self.kind} named {entry.name!r} is already registered.")
        self._entries[entry.name] = entry
        return entry

    def unregister(self, name: str) -> None:
        """Remove an entry (tests that register a toy entry clean up with this)."""
        self._entries.pop(name, None)

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            message = f"Unknown {self.kind} {name!r}; choose one of: {', '.join(self._entries)}."
            try:
                raise self._error(message, available=tuple(self._entries)) from None
            except TypeError:
                raise self._error(message) from None

    # Mapping's own ``in`` and ``get`` go through ``__getitem__`` and expect a KeyError;
    # the registry's error need not be one, so both ask the entries directly.
    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str, default: T | None = None) -> T | None:  # type: ignore[override]
        return self._entries.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)
