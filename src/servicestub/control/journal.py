"""The request journal: what the mock received, newest first, bounded."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any

Entry = dict[str, Any]


class Journal:
    """Keeps the last ``capacity`` requests; older ones fall off."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._ids = itertools.count(1)

    def record(self, entry: Entry) -> None:
        self._entries.append({"id": next(self._ids), **entry})

    def entries(
        self, *, limit: int = 100, method: str | None = None, path: str | None = None
    ) -> list[Entry]:
        """Newest first, filtered by method (exact) and path (substring)."""
        found = []
        for entry in reversed(self._entries):
            if method and entry["method"] != method.upper():
                continue
            if path and path not in entry["path"]:
                continue
            found.append(entry)
            if len(found) == limit:
                break
        return found

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
