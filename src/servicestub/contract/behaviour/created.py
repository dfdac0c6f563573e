"""The file of what a behaviour run created, written as it goes.

One JSON object a line: ``{"api", "method", "url", "createdAt"}`` — the API,
the method and absolute URL that remove the record, and when it was created
(UTC). An interrupted run leaves the file behind; ``servicestub contract
--cleanup FILE`` (or anyone) can replay its lines; a record already gone
answers 404, which counts as removed."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path


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


def default_path(run_id: str) -> Path:
    """Where a run's file goes when ``--created-file`` is not given."""
    return Path(tempfile.gettempdir()) / "servicestub-contract" / f"{run_id}.created.jsonl"


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
