"""Collections whose create answered no id (round 5, second part): a collection path
that ends in a parameter (CircleCI's builds of ``/project/{username}/{project}``), a
record whose id only its create's answer declares (``BuildSummary.build_num``), and an
item parameter the record names by its last words (``class_id`` for ``{taxClassId}``)
or, for a bare ``{id}``, ``entity_id`` (Magento)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.model import read_model
from tests.thirdparty.infer_specs import answer, json_body, write


def record(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def param(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


TEXT = {"type": "string"}
NUMBER = {"type": "integer"}


def builds() -> dict[str, Any]:
    """CircleCI's shape: list and start builds at a path ending in a parameter; the
    build read or listed holds no ``build_num``, the create's answer does."""
    listed = record(subject=TEXT, branch=TEXT)
    started = record(build_num=NUMBER, status=TEXT)
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/project/{username}/{project}": {
                "parameters": [param("username"), param("project")],
                "get": {
                    "operationId": "builds",
                    "responses": answer({"type": "array", "items": listed}),
                },
                "post": {
                    "operationId": "start",
                    "requestBody": json_body(record(branch=TEXT)),
                    "responses": answer(started, "201"),
                },
            },
            "/project/{username}/{project}/{build_num}": {
                "parameters": [param("username"), param("project"), param("build_num", "integer")],
                "get": {"operationId": "build", "responses": answer(record(job_name=TEXT))},
            },
        },
    }


def test_a_collection_path_ending_in_a_parameter_lists_what_its_post_creates(
    tmp_path: Path,
) -> None:
    model = read_model(builds()).collections["/project/{username}/{project}"]
    assert model.id_field == "build_num"
    client = TestClient(
        create_app(Settings(specs=((write(tmp_path, builds()), None),), validate_responses=True)),
        raise_server_exceptions=False,
    )
    made = client.post("/project/ann/tool", json={"branch": "main"})
    assert made.status_code == 201, made.text
    number = made.json()["build_num"]
    read = client.get(f"/project/ann/tool/{number}")
    assert read.status_code == 200, read.text
    assert read.json()["branch"] == "main"
    listed = client.get("/project/ann/tool")
    assert listed.status_code == 200, listed.text
    assert number in [build["build_num"] for build in listed.json()]


def test_a_parameter_path_answering_a_list_below_it_is_no_collection() -> None:
    """``/sync/ratings/{type}/{rating}`` answers the ratings of a value, not a record."""
    document = builds()
    item = document["paths"]["/project/{username}/{project}/{build_num}"]
    item["get"]["responses"] = answer({"type": "array", "items": record(job_name=TEXT)})
    assert "/project/{username}/{project}" not in read_model(document).collections


def keyed(item_param: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/classes": {
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(record(**properties)),
                    "responses": answer(record(**properties)),
                }
            },
            f"/classes/{{{item_param}}}": {
                "parameters": [param(item_param, "integer")],
                "get": {"operationId": "one", "responses": answer(record(**properties))},
            },
        },
    }


@pytest.mark.parametrize(
    ("item_param", "properties", "expected"),
    [
        ("taxClassId", {"class_id": NUMBER, "class_name": TEXT, "tax_id": NUMBER}, "class_id"),
        ("userAccountId", {"accountId": NUMBER, "userId": NUMBER}, "accountId"),
        ("id", {"entity_id": NUMBER, "order_id": NUMBER, "store_id": NUMBER}, "entity_id"),
    ],
)
def test_the_id_is_the_property_the_parameters_last_words_name(
    item_param: str, properties: dict[str, Any], expected: str
) -> None:
    assert read_model(keyed(item_param, properties)).by_name("classes").id_field == expected


def test_a_parameter_naming_no_property_still_names_no_id() -> None:
    """``{classId}`` of records holding only ``tax_id``: no id, the path is skipped."""
    found = read_model(keyed("classId", {"tax_id": NUMBER, "label": TEXT}))
    assert "/classes" not in found.collections
