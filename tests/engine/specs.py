"""Small synthetic OpenAPI documents for the engine's tests (specs it has never seen)."""

from __future__ import annotations

import copy
from typing import Any

from servicestub.specs import ORDERS


def param(name: str, where: str = "path", **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema or {"type": "string"},
    }


def listed(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "paging": {
                "type": "object",
                "properties": {"pageSize": {"type": "integer"}, "total": {"type": "integer"}},
            },
        },
    }


def ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def library() -> dict[str, Any]:
    """Shelves and their books (nested: a book's scope is its shelf); the book id
    path parameter ``bookId`` names the ``isbn`` property only by extension; books
    list without a sort parameter, paged by ``size``."""
    return {
        "openapi": "3.0.3",
        "paths": {
            "/shelves": {
                "get": {
                    "operationId": "shelves.list",
                    "parameters": [
                        param("pageNumber", "query", type="integer", default=1),
                        param("pageSize", "query", type="integer", default=5, maximum=50),
                        param(
                            "sortBy",
                            "query",
                            type="string",
                            enum=["label", "floor"],
                            default="floor",
                        ),
                        param("direction", "query", type="string", enum=["desc", "asc"]),
                        param("floor", "query", type="integer"),
                        param("rooms", "query", type="array", items={"type": "string"}, **{}),
                    ],
                    "responses": ok(listed("Shelf")),
                },
                "post": {
                    "operationId": "shelves.create",
                    "requestBody": body(ref("ShelfInput")),
                    "responses": ok(ref("Shelf"), "201"),
                },
            },
            "/shelves/{shelfId}": {
                "get": {"operationId": "shelves.get", "responses": ok(ref("Shelf"))},
                "put": {
                    "operationId": "shelves.replace",
                    "requestBody": body(ref("ShelfInput")),
                    "responses": ok(ref("Shelf")),
                },
                "delete": {
                    "operationId": "shelves.delete",
                    "responses": {"204": {"description": "gone"}},
                },
            },
            "/shelves/{shelfId}/books": {
                "get": {
                    "operationId": "books.list",
                    "x-servicestub-default-sort": "title",
                    "parameters": [param("size", "query", type="integer", default=3)],
                    "responses": ok(listed("Book")),
                },
            },
            "/shelves/{shelfId}/books/{bookId}": {
                "patch": {
                    "operationId": "books.update",
                    "requestBody": body(
                        {"type": "object", "properties": {"title": {"type": "string"}}}
                    ),
                    "responses": ok(ref("Book")),
                },
            },
            "/status": {"get": {"operationId": "status", "responses": ok({"type": "object"})}},
        },
        "components": {
            "schemas": {
                "Shelf": {
                    "type": "object",
                    "properties": {
                        "shelfId": {"type": "string", "readOnly": True},
                        "label": {"type": "string"},
                        "floor": {"type": "integer"},
                        "room": {"type": "string"},
                        "addedAt": {"type": "string", "format": "date-time", "readOnly": True},
                    },
                },
                "ShelfInput": {
                    "type": "object",
                    "required": ["label"],
                    "properties": {
                        "label": {"type": "string"},
                        "floor": {"allOf": [{"type": "integer"}], "default": 0},
                        "room": {"type": "string", "nullable": True},
                    },
                },
                "Book": {
                    "type": "object",
                    "x-servicestub-id": "isbn",
                    "properties": {"isbn": {"type": "string"}, "title": {"type": "string"}},
                },
            }
        },
    }


def errors(*statuses: str) -> dict[str, Any]:
    """The Service Orders spec's documented problem responses."""
    names = {"400": "BadRequest", "404": "NotFound", "406": "NotAcceptable"}
    names |= {"415": "UnsupportedMediaType"}
    return {status: {"$ref": f"#/components/responses/{names[status]}"} for status in statuses}


PARTS = "/tenants/{tenantId}/stores/{storeId}/service-orders/{serviceOrderUid}/parts"


def orders_with_parts() -> dict[str, Any]:
    """A copy of the Service Orders spec with one collection more under a service
    order: ``parts`` with ``partUid`` (list with sort and paging, create, get,
    update, delete) - a spec change and nothing else."""
    document = copy.deepcopy(ORDERS.parsed())
    scope = [
        {"$ref": f"#/components/parameters/{p}"} for p in ("TenantId", "StoreId", "ServiceOrderUid")
    ]
    part_uid = param("partUid")
    fields = {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "quantity": {"type": "integer", "minimum": 0, "default": 1},
        "note": {"type": "string", "nullable": True},
    }
    document["components"]["schemas"] |= {
        "Part": {
            "type": "object",
            "required": ["partUid", "name", "quantity", "note", "createdAt"],
            "properties": {
                "partUid": {"type": "string", "readOnly": True},
                "name": {"type": "string"},
                "quantity": {"type": "integer"},
                "note": {"type": "string", "nullable": True},
                "createdAt": {"type": "string", "format": "date-time", "readOnly": True},
            },
        },
        "PartInput": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": fields,
        },
        "PartUpdate": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: {k: v for k, v in schema.items() if k != "default"}
                for name, schema in fields.items()
            },
        },
        "PartList": {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": ref("Part")},
                "meta": ref("PageMeta"),
            },
        },
    }
    sort = param(
        "sort", "query", type="string", enum=["name", "quantity", "createdAt"], default="name"
    )
    created = ok(ref("Part"), "201")
    created["201"]["headers"] = {"Location": {"$ref": "#/components/headers/Location"}}
    document["paths"][PARTS] = {
        "get": {
            "operationId": "parts.list_parts",
            "parameters": [
                *scope,
                {"$ref": "#/components/parameters/Page"},
                {"$ref": "#/components/parameters/PerPage"},
                sort,
                {"$ref": "#/components/parameters/Order"},
            ],
            "responses": ok(ref("PartList")) | errors("400", "404", "406"),
        },
        "post": {
            "operationId": "parts.create_part",
            "parameters": scope,
            "requestBody": {"required": True, **body(ref("PartInput"))},
            "responses": created | errors("400", "404", "406", "415"),
        },
    }
    document["paths"][PARTS + "/{partUid}"] = {
        "parameters": [*scope, part_uid],
        "get": {
            "operationId": "parts.get_part",
            "responses": ok(ref("Part")) | errors("400", "404", "406"),
        },
        "put": {
            "operationId": "parts.update_part",
            "requestBody": {"required": True, **body(ref("PartUpdate"))},
            "responses": ok(ref("Part")) | errors("400", "404", "406", "415"),
        },
        "delete": {
            "operationId": "parts.delete_part",
            "responses": {"204": {"description": "gone"}} | errors("400", "404"),
        },
    }
    return document
