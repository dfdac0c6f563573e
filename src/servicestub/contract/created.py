"""The file of what a contract run created, written as it goes.

One JSON object a line: ``{"api", "method", "url", "createdAt"}`` — the API,
the method and absolute URL that remove the record, and when it was created
(UTC). An interrupted run leaves the file behind; ``servicestub contract
--cleanup FILE`` (or anyone) can replay its lines; a record already gone
answers 404, which counts as removed. Every phase of a run (schema and behaviour)
lists its creates in the same file."""

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
    """The ledger of what one run created, shared by all its phases: one line per
    record appended to the file at once (a run may be killed), and the removals
    still due, which :meth:`remove_pending` sends once at the end of the run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        #: (METHOD, url) of each removal still due, in the order to undo them reversed.
        self.pending: list[tuple[str, str]] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()

    def add(self, api: str, method: str, url: str, *, last: bool = False) -> Created | None:
        """List a created record by the request that removes it; None when it is listed
        already. ``last``: remove it after everything else (a tenant drop)."""
        key = (method.upper(), url)
        record = Created(api, key[0], url, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        with self._lock:
            if key in self.pending:
                return None
            with self.path.open("a") as out:
                out.write(record.to_line() + "\n")
            if last:
                self.pending.insert(0, key)
            else:
                self.pending.append(key)
        return record

    def done(self, method: str, url: str) -> None:
        """The run removed this record itself (a delete it tested): nothing left to do."""
        with self._lock:
            if (method.upper(), url) in self.pending:
                self.pending.remove((method.upper(), url))

    def remove_pending(self, send: Callable[[str, str], Any]) -> Removal:
        """Send every removal still due, newest first (see :func:`remove_all`)."""
        with self._lock:
            records = [Created("", method, url, "") for method, url in self.pending]
            self.pending.clear()
        return remove_all(records, send)


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
