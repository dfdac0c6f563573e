"""Small specs the serve tests write into ``tmp_path``: every operation is one of
an engine collection (``/x`` + ``/x/{xId}``, the list answering ``{items: [...]}``),
which the engine serves today."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def collection_spec(
    name: str = "things", title: str = "Things", server: str | None = None
) -> dict[str, Any]:
    """An OpenAPI 3.0 document with one collection ``/<name>`` (list, create, get, delete)."""
    item = name.rstrip("s") + "Id"
    schema = f"#/components/schemas/{name.title()}"
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0"},
        "paths": {
            f"/{name}": {
                "get": {
                    "operationId": "list",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "items": {"type": "array", "items": {"$ref": schema}}
                                        },
                                    }
                                }
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "create",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": schema}}}},
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {"application/json": {"schema": {"$ref": schema}}},
                        }
                    },
                },
            },
            f"/{name}/{{{item}}}": {
                "parameters": [
                    {"name": item, "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "operationId": "read",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": schema}}},
                        },
                        "404": {"description": "not found"},
                    },
                },
                "delete": {
                    "operationId": "remove",
                    "responses": {"204": {"description": "gone"}, "404": {"description": "nf"}},
                },
            },
        },
        "components": {
            "schemas": {
                name.title(): {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        item: {"type": "string", "readOnly": True},
                        "name": {"type": "string"},
                    },
                }
            }
        },
    }
    if server is not None:
        document["servers"] = [{"url": server}]
    return document


def write(path: Path, document: Any, *, as_json: bool = False) -> Path:
    """``document`` written to ``path`` as YAML (or JSON); ``path``."""
    path.write_text(json.dumps(document) if as_json else yaml.safe_dump(document))
    return path
