"""The id of a collection's records where the spec names it its own way: ``{id}``
of ``/roles`` held as ``roleId`` (or ``certId`` of ``/certificates``), an id the
records read alone leave out but listed hold, and ids the server issues that its
item path parameter's schema accepts."""

from __future__ import annotations

from typing import Any

import pytest

from servicestub.engine.model import read_model, singular
from tests.thirdparty.infer_specs import answer, json_body, ref


def collection(
    segment: str, param: str, read: dict[str, Any], listed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``/{segment}`` and ``/{segment}/{{param}}``: records read as ``read``, listed as
    ``listed`` (default: as read)."""
    schemas = {"Read": read, "Listed": listed or read}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            f"/{segment}": {
                "get": {
                    "operationId": "list",
                    "responses": answer({"type": "array", "items": ref("Listed")}),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Listed")),
                    "responses": answer(ref("Read"), "201"),
                },
            },
            f"/{segment}/{{{param}}}": {
                "parameters": [
                    {"name": param, "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {"operationId": "one", "responses": answer(ref("Read"))},
                "delete": {"operationId": "drop", "responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {"schemas": schemas},
    }


def record(*names: str) -> dict[str, Any]:
    return {"type": "object", "properties": {n: {"type": "string"} for n in names}}


@pytest.mark.parametrize(
    ("segment", "param", "names", "expected"),
    [
        ("role", "id", ("name", "organizationId", "roleId"), "roleId"),
        ("roles", "id", ("organizationId", "role_id", "name"), "role_id"),
        ("policies", "id", ("policyId", "ownerId"), "policyId"),
        ("certificate", "id", ("certId", "description"), "certId"),
        ("boxes", "key", ("boxKey", "label"), "boxKey"),
        ("users", "id", ("id", "userId"), "id"),  # an ``id`` property comes first
    ],
)
def test_an_id_parameter_points_to_the_records_own_name_for_it(
    segment: str, param: str, names: tuple[str, ...], expected: str
) -> None:
    model = read_model(collection(segment, param, record(*names)))
    assert model.skipped == {}
    assert model.collections[f"/{segment}"].id_field == expected


def test_an_id_no_record_names_is_still_skipped_with_the_reason() -> None:
    model = read_model(collection("roles", "id", record("name", "ownerId", "orgId")))
    assert "/roles" in model.skipped and "x-servicestub-id" in model.skipped["/roles"]


def test_an_id_the_records_read_alone_leave_out_is_the_listed_ones() -> None:
    read = record("enableVdi", "parallelism")
    listed = {"allOf": [ref("Read"), record("hostId")]}
    model = read_model(collection("configuration", "host_id", read, listed))
    found = model.collections["/configuration"]
    assert found.id_field == "hostId"
    assert set(found.fields) == {"enableVdi", "parallelism", "hostId"}


@pytest.mark.parametrize(
    ("plural", "noun"),
    [("roles", "role"), ("policies", "policy"), ("boxes", "box"), ("address", "address")],
)
def test_singular_nouns(plural: str, noun: str) -> None:
    assert singular(plural) == noun
