"""Headers read and written as ASGI carries them, without Starlette's ``Headers`` objects.

Every middleware reads a few request headers and some add one to the answer;
building a ``Headers`` / ``MutableHeaders`` per layer and request (each copying the
list) was a good part of what they cost. These helpers do exactly what those
objects do, on the raw ``(name, value)`` byte pairs:

* names in an ASGI scope are lower case (ASGI spec), so a name is compared as
  bytes, as ``Headers`` compares them; values are decoded as latin-1;
* :func:`set_header` is ``MutableHeaders.__setitem__``: the first header of that
  name takes the value in place, the others of that name go, and with none it is
  appended; the message gets a new list (as ``MutableHeaders(scope=message)``
  gives it), so a list a response object keeps is never changed.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

#: The ASGI form of a list of headers.
RawHeaders = Iterable[tuple[bytes, bytes]]


def header(raw: RawHeaders, name: bytes) -> str | None:
    """The first value of the header ``name`` (lower case), or ``None``:
    ``Headers(raw=raw).get(name)``."""
    for key, value in raw:
        if key == name:
            return value.decode("latin-1")
    return None


def headers(raw: RawHeaders, names: tuple[bytes, ...]) -> list[str | None]:
    """The first value of each header of ``names`` (lower case), in one pass over
    ``raw``: ``[Headers(raw=raw).get(name) for name in names]``."""
    found: list[str | None] = [None] * len(names)
    for key, value in raw:
        if key in names:
            place = names.index(key)
            if found[place] is None:
                found[place] = value.decode("latin-1")
    return found


def header_list(raw: RawHeaders, name: bytes) -> list[str]:
    """Every value of the header ``name`` (lower case), in order:
    ``Headers(raw=raw).getlist(name)``."""
    return [value.decode("latin-1") for key, value in raw if key == name]


def set_header(message: MutableMapping[str, Any], name: bytes, value: bytes) -> None:
    """Set the header ``name`` (lower case) of an ``http.response.start`` message
    to ``value``, as ``MutableHeaders(scope=message)[name] = value`` does."""
    headers: list[tuple[bytes, bytes]] = []
    found = False
    for pair in message.get("headers", ()):
        if pair[0] != name:
            headers.append(pair)
        elif not found:
            headers.append((name, value))
            found = True
    if not found:
        headers.append((name, value))
    message["headers"] = headers


def add_vary(message: MutableMapping[str, Any], vary: bytes) -> None:
    """Add ``vary`` to the answer's ``Vary`` (its values joined, in one header),
    as ``MutableHeaders.add_vary_header`` does."""
    present = [value for key, value in message.get("headers", ()) if key == b"vary"]
    set_header(message, b"vary", b", ".join([*present, vary]))
