"""JSON encoding with orjson, plugged into connexion's jsonifier."""

from __future__ import annotations

from typing import Any

import orjson
from connexion.jsonifier import Jsonifier


class OrjsonJsonifier(Jsonifier):  # type: ignore[misc]  # connexion is untyped
    """Serializes handler results with orjson (several times faster than ``json``)."""

    def __init__(self) -> None:
        super().__init__()

    def dumps(self, data: Any, **kwargs: Any) -> bytes:
        return orjson.dumps(data)

    def loads(self, data: Any) -> Any:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return data
