"""Small third-party specs the infer tests serve: shapes real specs use, none of
them with an ``x-servicestub-*`` extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"required": True, "content": {media: {"schema": schema}}}


def answer(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema}}}}


NOT_FOUND = {"404": {"description": "not found"}}
PET_ID = {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
TOY_ID = {"name": "toyId", "in": "path", "required": True, "schema": {"type": "string"}}


def query(name: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, **more}


def shop() -> dict[str, Any]:
    """Pets (integer ids, a cursor-paged object list, free sorts, filters, merge and
    JSON patches, a writeOnly secret) with toys under them (a bare-array list, ids
    named ``toy_id``), and notes created by PUT (paged by page/pageSize in a meta)."""
    created = answer(ref("Pet"), "201")
    created["201"]["links"] = {
        "GetPet": {"operationId": "getPet", "parameters": {"petId": "$response.body#/id"}}
    }
    patch_content = {
        "application/merge-patch+json": {"schema": ref("PetPatch")},
        "application/json-patch+json": {"schema": {"type": "array", "items": {"type": "object"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1"},
        "servers": [{"url": "/shop"}],
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "parameters": [
                        query("limit", {"type": "integer", "minimum": 1, "maximum": 50}),
                        query("cursor", {"type": "string"}),
                        query("sort", {"type": "string"}),
                        query(
                            "status",
                            {"type": "array", "items": {"type": "string"}},
                            style="form",
                            explode=True,
                        ),
                        query("tag", {"type": "string"}),
                    ],
                    "responses": answer(
                        {
                            "type": "object",
                            "required": ["data", "total"],
                            "properties": {
                                "object": {"type": "string", "enum": ["list"]},
                                "data": {"type": "array", "items": ref("Pet")},
                                "total": {"type": "integer"},
                                "next_cursor": {"type": "string", "nullable": True},
                                "has_more": {"type": "boolean"},
                            },
                        }
                    ),
                },
                "post": {
                    "operationId": "createPet",
                    "requestBody": json_body(ref("NewPet")),
                    "responses": created,
                },
            },
            "/pets/{petId}": {
                "parameters": [PET_ID],
                "get": {"operationId": "getPet", "responses": answer(ref("Pet")) | NOT_FOUND},
                "put": {
                    "operationId": "putPet",
                    "requestBody": json_body(ref("NewPet")),
                    "responses": answer(ref("Pet")) | NOT_FOUND,
                },
                "patch": {
                    "operationId": "patchPet",
                    "requestBody": {"required": True, "content": patch_content},
                    "responses": answer(ref("Pet"))
                    | NOT_FOUND
                    | {"409": {"description": "c"}, "422": {"description": "u"}},
                },
                "delete": {
                    "operationId": "deletePet",
                    "responses": {"204": {"description": "gone"}} | NOT_FOUND,
                },
            },
            "/pets/{petId}/toys": {
                "parameters": [PET_ID],
                "get": {
                    "operationId": "listToys",
                    "responses": answer({"type": "array", "items": ref("Toy")}) | NOT_FOUND,
                },
                "post": {
                    "operationId": "addToy",
                    "requestBody": json_body(ref("Toy")),
                    "responses": answer(ref("Toy"), "201") | NOT_FOUND,
                },
            },
            "/pets/{petId}/toys/{toyId}": {
                "parameters": [PET_ID, TOY_ID],
                "get": {"operationId": "getToy", "responses": answer(ref("Toy")) | NOT_FOUND},
                "delete": {
                    "operationId": "deleteToy",
                    "responses": {"204": {"description": "gone"}} | NOT_FOUND,
                },
            },
            "/notes": {
                "get": {
                    "operationId": "listNotes",
                    "parameters": [
                        query("page", {"type": "integer", "minimum": 1}),
                        query("pageSize", {"type": "integer", "minimum": 1}),
                        query("order_by", {"type": "string"}),
                        query("direction", {"type": "string"}),
                    ],
                    "responses": answer(
                        {
                            "type": "object",
                            "properties": {
                                "results": {"type": "array", "items": ref("Note")},
                                "meta": {
                                    "type": "object",
                                    "properties": {
                                        "page": {"type": "integer"},
                                        "pageSize": {"type": "integer"},
                                        "totalPages": {"type": "integer"},
                                        "totalCount": {"type": "integer"},
                                    },
                                },
                            },
                        }
                    ),
                }
            },
            "/notes/{noteKey}": {
                "parameters": [
                    {
                        "name": "noteKey",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "get": {"operationId": "getNote", "responses": answer(ref("Note")) | NOT_FOUND},
                "put": {
                    "operationId": "putNote",
                    "requestBody": json_body(ref("Note")),
                    "responses": answer(ref("Note")) | answer(ref("Note"), "201"),
                },
                "delete": {
                    "operationId": "deleteNote",
                    "responses": {"204": {"description": "gone"}} | NOT_FOUND,
                },
            },
        },
        "components": {
            "schemas": {
                "NewPet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "example": "Rex"},
                        "tag": {"type": "string"},
                        "status": {"type": "string", "enum": ["available", "sold"]},
                        "secret": {"type": "string", "writeOnly": True},
                    },
                },
                "PetPatch": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "tag": {"type": "string", "nullable": True},
                        "status": {"type": "string", "enum": ["available", "sold"]},
                    },
                },
                "Pet": {
                    "allOf": [
                        ref("NewPet"),
                        {
                            "type": "object",
                            "required": ["id", "createdAt"],
                            "properties": {
                                "id": {"type": "integer", "readOnly": True},
                                "createdAt": {
                                    "type": "string",
                                    "format": "date-time",
                                    "readOnly": True,
                                },
                                "updatedAt": {"type": "string", "format": "date-time"},
                            },
                        },
                    ]
                },
                "Toy": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "toy_id": {"type": "string", "format": "uuid", "readOnly": True},
                        "petId": {"type": "integer", "readOnly": True},
                        "name": {"type": "string"},
                    },
                },
                "Note": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "key": {"type": "string", "readOnly": True},
                        "text": {"type": "string"},
                    },
                },
            }
        },
    }


def listed(extra: dict[str, Any]) -> dict[str, Any]:
    """A spec of one collection ``/things`` whose Thing has ``extra`` properties."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "list",
                    "parameters": [
                        query("sort_by", {"type": "string"}),
                        query("colour", {"type": "string"}),
                    ],
                    "responses": answer({"type": "array", "items": ref("Thing")}),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Thing")),
                    "responses": answer(ref("Thing"), "201"),
                },
            },
            "/things/{thingId}": {
                "get": {"operationId": "one", "responses": answer(ref("Thing"))},
            },
        },
        "components": {"schemas": {"Thing": {"type": "object", "properties": extra}}},
    }


#: The classic petstore: a bare-array list, the path parameter ``petId``, an
#: integer ``id`` property (``/tmp/specs/petstore.yaml`` on the issue's machine).
PETSTORE = (Path(__file__).parent / "petstore.yaml").read_text()


def write(folder: Path, document: dict[str, Any], name: str = "shop") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
