"""What each operation of the specs documents it can answer, for ``Prefer: code=``."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from typing import Any

from servicestub.specs import METHODS, ApiSpec, resolve


@dataclasses.dataclass(frozen=True)
class Documented:
    """One documented response: its media type and an example body, if any."""

    media_type: str | None
    example: Any


def _documented(document: dict[str, Any], response: dict[str, Any]) -> Documented:
    content = resolve(document, response).get("content") or {}
    for media_type, media in content.items():
        example = media.get("example")
        if example is None and media.get("examples"):
            example = resolve(document, next(iter(media["examples"].values()))).get("value")
        if example is None:
            example = resolve(document, media.get("schema", {})).get("example")
        return Documented(media_type, example)
    return Documented(None, None)


class ResponseCatalog:
    """``(operationId, status) -> Documented`` for every spec served, read from
    the specs the first time a client asks (``Prefer: code=`` is rare; start-up
    should not wait for it)."""

    def __init__(self, specs: Iterable[ApiSpec]) -> None:
        self._specs = tuple(specs)

    @functools.cached_property
    def _responses(self) -> dict[str, dict[int, Documented]]:
        responses: dict[str, dict[int, Documented]] = {}
        for spec in self._specs:
            document = spec.document()
            for item in document["paths"].values():
                for method in METHODS:
                    operation = item.get(method)
                    if operation is None:
                        continue
                    responses[operation["operationId"]] = {
                        int(status): _documented(document, response)
                        for status, response in operation["responses"].items()
                        if status.isdigit()
                    }
        return responses

    def lookup(self, operation_id: str, status: int) -> Documented | None:
        return self._responses.get(operation_id, {}).get(status)

    def statuses(self, operation_id: str) -> list[int]:
        return sorted(self._responses.get(operation_id, {}))
