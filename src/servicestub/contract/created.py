"""The file of what a contract run created, written as it goes.

One JSON object a line: ``{"api", "method", "url", "createdAt"}`` — the API,
the method and absolute URL that remove the record, and when it was created
(UTC). An interrupted run leaves the file behind; ``servicestub contract
--cleanup FILE`` (or anyone) can replay its lines; a record already gone
answers 404, which counts as removed. (The format the behaviour phase writes too.)"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclasses.dataclass(frozen=True)
class Created:
    api: str
    method: str
    url: str
    created_at: str

    def to_line(self) -> str:
        record = {"api": self.api, "method": self.method, "url": self.url}
        return json.dumps({**record, "createdAt": self.created_at}, sort_keys=True)

    @classmethod
    def from_line(cls, line: str) -> Created:
        data = json.loads(line)
        return cls(data["api"], data["method"], data["url"], data["createdAt"])


def read(path: Path) -> list[Created]:
    """Every record of a file, oldest first (blank lines skipped)."""
    return [Created.from_line(line) for line in path.read_text().splitlines() if line.strip()]


class CreatedLog:
    """Appends one line per created record, flushed at once (a run may be killed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()

    def add(self, api: str, method: str, url: str) -> Created:
        record = Created(api, method, url, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        with self._lock, self.path.open("a") as out:
            out.write(record.to_line() + "\n")
        return record


@dataclasses.dataclass
class Removal:
    """What replaying a file of created records did."""

    removed: list[str] = dataclasses.field(default_factory=list)
    already_gone: list[str] = dataclasses.field(default_factory=list)
    #: "METHOD URL: why" for each record still there.
    left: list[str] = dataclasses.field(default_factory=list)


def remove_all(
    records: list[Created], send: Callable[[str, str], Any], origin: str | None = None
) -> Removal:
    """Send each record's removal, newest first; 404 (or 410) counts as done. ``send``
    is ``(method, url) -> response``; with ``origin``, a record elsewhere is left alone."""
    outcome = Removal()
    seen: set[tuple[str, str]] = set()
    for record in reversed(records):
        key = (record.method.upper(), record.url)
        if key in seen:
            continue
        seen.add(key)
        label = f"{key[0]} {record.url}"
        if origin is not None and not record.url.startswith(origin.rstrip("/") + "/"):
            outcome.left.append(f"{label}: not under {origin}; left alone")
            continue
        try:
            status = send(*key).status_code
        except Exception as exc:  # one unreachable record does not stop the others
            outcome.left.append(f"{label}: {' '.join(str(exc).split()) or type(exc).__name__}")
            continue
        if 200 <= status < 300:
            outcome.removed.append(label)
        elif status in (404, 410):
            outcome.already_gone.append(label)
        else:
            outcome.left.append(f"{label}: answered {status}")
    return outcome
