"""Answers kept on the request path, bounded: the two ways the mock remembers what a
pure function answered, so that each request does not work it out again.

* :class:`KeptWhenShort`: by value, for what clients send (a query string, a media
  type, ``Accept``, the headers the control plane reads), in an LRU of a given
  size, and only for short texts (a long one is worked out each time, never kept).
* :class:`ByIdentity`: by identity, for objects that are not hashable but are not
  changed once made (a spec's schema dicts, the tuple of served specs): the object
  is kept beside its answer, so that the ``id`` of one gone is never taken for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class KeptWhenShort(Generic[V]):
    """``function`` (pure: its answer depends on its arguments alone), its answers kept
    in an LRU of ``maxsize`` (:attr:`kept`) for calls whose text arguments (``str``,
    ``bytes``) add up to at most ``max_length`` and whose arguments are all hashable;
    any other call is worked out each time."""

    def __init__(self, function: Callable[..., V], maxsize: int, max_length: int) -> None:
        self.function = function
        self.kept = functools.lru_cache(maxsize=maxsize)(function)
        self.max_length = max_length
        functools.update_wrapper(self, function)

    def __call__(self, *args: Any) -> V:
        length = 0
        for argument in args:
            if isinstance(argument, str | bytes):
                length += len(argument)
            elif not isinstance(argument, Hashable):
                return self.function(*args)
        if length > self.max_length:
            return self.function(*args)
        return self.kept(*args)


class ByIdentity(Generic[K, V]):
    """``compute``'s answer per object, looked up by identity: at most ``maxsize``
    objects (``None``: as many as there are; for the objects of the specs), all
    forgotten when full."""

    def __init__(self, compute: Callable[[K], V], maxsize: int | None) -> None:
        self.compute = compute
        self.maxsize = maxsize
        self._kept: dict[int, tuple[K, V]] = {}

    def __call__(self, key: K) -> V:
        kept = self._kept.get(id(key))
        if kept is not None and kept[0] is key:
            return kept[1]
        answer = self.compute(key)
        if self.maxsize is not None and len(self._kept) >= self.maxsize:
            self._kept.clear()
        self._kept[id(key)] = (key, answer)
        return answer

    def __len__(self) -> int:
        return len(self._kept)
