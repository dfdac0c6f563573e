"""The ``Prefer`` header of a request: ``code=<status>`` and ``delay=<ms>``."""

from __future__ import annotations

import dataclasses

from servicestub.core.errors import BadRequest

MAX_DELAY_MS = 10_000


@dataclasses.dataclass(frozen=True)
class Preferences:
    code: int | None = None
    delay_ms: int = 0
    #: The delay asked for was longer than the cap and was shortened.
    delay_capped: bool = False


def parse_prefer(header: str | None) -> Preferences:
    """Read ``Prefer``; anything not understood is a 400 that says why."""
    if header is None or not header.strip():
        return Preferences()
    code: int | None = None
    delay, capped = 0, False
    for part in header.split(","):
        token = part.split(";")[0].strip()
        name, sep, value = token.partition("=")
        name, value = name.strip().lower(), value.strip().strip('"')
        if name not in ("code", "delay") or not sep:
            raise BadRequest(
                f"Prefer: '{token}' is not understood; the mock takes code=<HTTP status> "
                "and delay=<milliseconds>, e.g. 'Prefer: code=503, delay=250'."
            )
        if not value.isdigit() or len(value) > 9:
            raise BadRequest(f"Prefer: {name} must be a whole number, not '{value}'.")
        number = int(value)
        if name == "code":
            if not 200 <= number <= 599:
                raise BadRequest(
                    f"Prefer: code={number} is not an HTTP status between 200 and 599."
                )
            code = number
        else:
            delay, capped = min(number, MAX_DELAY_MS), number > MAX_DELAY_MS
    return Preferences(code=code, delay_ms=delay, delay_capped=capped)
