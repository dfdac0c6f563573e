"""The shapes of data passed between layers, named once.

Records are JSON objects as the specs describe them (parsed by orjson, so keys
are strings and values JSON values); the aliases say which kind a function
takes without restating ``dict[str, Any]`` in every module.
"""

from __future__ import annotations

from typing import Any, TypeAlias

#: A JSON object: one record of a collection, a request body, a snapshot part.
Record: TypeAlias = dict[str, Any]
#: Records of one collection by id, in insertion order.
Records: TypeAlias = dict[str, Record]
#: Any JSON value.
Json: TypeAlias = Any
