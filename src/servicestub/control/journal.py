"""The request journal: what the mock received, newest first, bounded.

A request is recorded as the few values the journal needs (a tuple, made on every API
request); its entry, as ``GET /_mock/requests`` shows it, is made only when read."""

from __future__ import annotations

import itertools
import time
from collections import deque
from typing import Any, NamedTuple

Entry = dict[str, Any]


class _Recorded(NamedTuple):
    id: int
    time_ns: int
    method: str
    path: str
    query: bytes
    status: int
    seconds: float
    fault: str | None

    def entry(self) -> Entry:
        return {
            "id": self.id,
            "time": utc_text(self.time_ns),
            "method": self.method,
            "path": self.path,
            "query": self.query.decode("latin-1"),
            "status": self.status,
            "durationMs": round(self.seconds * 1000, 2),
            "fault": self.fault,
        }


def utc_text(time_ns: int) -> str:
    """``time_ns`` (since the epoch) in UTC as the journal writes it
    (``2026-01-31T12:00:00.123Z``: what ``datetime.isoformat(timespec="milliseconds")``
    gives, ``Z`` for ``+00:00``)."""
    second, nanoseconds = divmod(time_ns, 1_000_000_000)
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{whole}.{nanoseconds // 1_000_000:03d}Z"


class Journal:
    """Keeps the last ``capacity`` requests; older ones fall off."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._recorded: deque[_Recorded] = deque(maxlen=capacity)
        self._ids = itertools.count(1)

    def record(
        self,
        method: str,
        path: str,
        query: bytes,
        status: int,
        started: float,
        fault: str | None,
    ) -> None:
        """A request answered ``status`` now, begun at ``started`` (``time.perf_counter()``),
        ``fault``: the id of the fault rule that fired for it."""
        self._recorded.append(
            _Recorded(
                next(self._ids),
                time.time_ns(),
                method,
                path,
                query,
                status,
                time.perf_counter() - started,
                fault,
            )
        )

    def entries(
        self, *, limit: int = 100, method: str | None = None, path: str | None = None
    ) -> list[Entry]:
        """Newest first, filtered by method (exact) and path (substring)."""
        found = []
        for recorded in reversed(self._recorded):
            if method and recorded.method != method.upper():
                continue
            if path and path not in recorded.path:
                continue
            found.append(recorded.entry())
            if len(found) == limit:
                break
        return found

    def clear(self) -> None:
        self._recorded.clear()

    def __len__(self) -> int:
        return len(self._recorded)
