"""Writes whose bodies are not JSON, or absent, served statefully: a form
(urlencoded or multipart, typed by its schema; a file part kept as its file name),
a create documenting no body at all, and a body no record can be read from (XML:
415, nothing written). Every create answers the ``Location`` of its record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from tests.thirdparty.infer_specs import answer, ref, write

RULES = settings(max_examples=25, derandomize=True, deadline=None)
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
WRITE = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "size": {"type": "integer"},
        "public": {"type": "boolean"},
    },
}
UPLOAD = {
    "type": "object",
    "required": ["name"],
    "properties": {**WRITE["properties"], "file": {"type": "string", "format": "binary"}},
}


def collection(body: dict[str, Any] | None, listed: bool = True) -> dict[str, Any]:
    item = {"get": {"operationId": "one", "responses": answer(ref("Thing"))}}
    post: dict[str, Any] = {"operationId": "make", "responses": answer(ref("Thing"), "201")}
    if body is not None:
        post["requestBody"] = {"required": True, "content": body}
    path: dict[str, Any] = {"post": post}
    if listed:
        path["get"] = {
            "operationId": "list",
            "responses": answer({"type": "array", "items": ref("Thing")}),
        }
    return {"/things": path, "/things/{thingId}": item}


def spec(paths: dict[str, Any]) -> dict[str, Any]:
    thing = {
        "type": "object",
        "properties": {
            "thingId": {"type": "string", "readOnly": True},
            **UPLOAD["properties"],
            "file": {"type": "string"},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Thing": thing}},
    }


def serve(file: Path) -> TestClient:
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=5))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bodies")


@pytest.fixture(scope="module")
def forms(folder: Path) -> Iterator[TestClient]:
    media = {FORM: {"schema": WRITE}, MULTIPART: {"schema": UPLOAD}}
    with serve(write(folder, spec(collection(media)), "forms")) as client:
        yield client


def read_back(client: TestClient, made: Any, listed_too: bool = True) -> dict[str, Any]:
    """The record a create answered, read at its ``Location``, checked the same (and
    found in the list's first page: a client that made fewer than a page)."""
    assert made.status_code == 201, made.text
    location = made.headers["location"]
    assert location == f"/things/{made.json()['thingId']}"
    found = client.get(location)
    assert found.status_code == 200, found.text
    assert found.json() == made.json()
    assert not listed_too or made.json() in client.get("/things").json()
    record: dict[str, Any] = found.json()
    return record


@RULES
@given(
    name=st.text("abcxyz", min_size=1, max_size=8),
    size=st.integers(-1000, 1000),
    public=st.booleans(),
)
def test_a_form_creates_a_record_typed_by_its_schema(
    forms: TestClient, name: str, size: int, public: bool
) -> None:
    fields = {"name": name, "size": str(size), "public": str(public).lower()}
    record = read_back(forms, forms.post("/things", data=fields), listed_too=False)
    assert (record["name"], record["size"], record["public"]) == (name, size, public)


def test_a_multipart_form_creates_a_record_with_its_file_named(forms: TestClient) -> None:
    made = forms.post(
        "/things", data={"name": "clip", "size": "3"}, files={"file": ("clip.mp4", b"\0\1")}
    )
    record = read_back(forms, made, listed_too=False)
    assert (record["name"], record["size"], record["file"]) == ("clip", 3, "clip.mp4")


def test_a_create_documenting_no_body_creates_a_record(folder: Path) -> None:
    with serve(write(folder, spec(collection(None)), "bodiless")) as client:
        before = client.get("/things").json()
        record = read_back(client, client.post("/things"))
        assert record not in before


def test_a_body_no_record_can_be_read_from_is_a_415_writing_nothing(folder: Path) -> None:
    media = {"application/xml": {"schema": WRITE}}
    with serve(write(folder, spec(collection(media)), "xml")) as client:
        before = client.get("/things").json()
        made = client.post(
            "/things", content=b"<thing><name>a</name></thing>",
            headers={"Content-Type": "application/xml"},
        )  # fmt: skip
        assert made.status_code == 415, made.text
        assert made.headers["content-type"].startswith("application/problem+json")
        assert "JSON" in made.json()["detail"]
        assert client.get("/things").json() == before


def test_a_collection_whose_answers_document_no_body_keeps_its_records(folder: Path) -> None:
    """Answers without content (``201`` and a ``Location``, a list documented by its
    headers only): records are what the create's object body holds, found by the
    ``Location`` and removed by DELETE."""
    created = {"201": {"description": "created"}}
    document = spec(
        {
            "/words": {
                "get": {"operationId": "list", "responses": {"200": {"description": "ok"}}},
                "post": {
                    "operationId": "make",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": created,
                },
            },
            "/words/{wordID}": {
                "get": {"operationId": "one", "responses": {"200": {"description": "ok"}}},
                "delete": {"operationId": "drop", "responses": {"204": {"description": "gone"}}},
            },
        }
    )
    with serve(write(folder, document, "unwritten")) as client:
        made = client.post("/words", json={"text": "hello"})
        assert made.status_code == 201, made.text
        location = made.headers["location"]
        assert client.get(location).status_code == 200
        assert client.get("/words").status_code == 200
        assert client.delete(location).status_code == 204
        assert client.get(location).status_code == 404


def test_the_location_of_a_created_record_includes_the_mount(folder: Path) -> None:
    file = write(folder, spec(collection({"application/json": {"schema": WRITE}})), "mounted")
    app = create_app(Settings(specs=((file, "/shop/v1"),), validate_responses=True))
    with TestClient(app, raise_server_exceptions=False) as client:
        made = client.post("/shop/v1/things", json={"name": "a"})
        assert made.status_code == 201, made.text
        assert made.headers["location"] == f"/shop/v1/things/{made.json()['thingId']}"
        assert client.get(made.headers["location"]).json() == made.json()
