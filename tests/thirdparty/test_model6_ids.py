"""The id of a collection whose item paths name their parameter differently
(Magento's ``GET /V1/gift-wrappings/{id}`` and ``PUT /V1/gift-wrappings/{wrappingId}``
of records holding ``wrapping_id``): where the first item parameter points to no
property, one the other item paths' parameters name is the id, so the collection
is served (round-trips) instead of being skipped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.model import read_model
from tests.thirdparty.infer_specs import answer, json_body, ref, write

RULES = settings(max_examples=25, derandomize=True, deadline=None)
WORDS = st.sampled_from(["wrapping", "label", "quote", "ticket", "rule", "badge"])


def parameter(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def spec(word: str, snake: bool) -> dict[str, Any]:
    """``/things`` with ``GET|DELETE /things/{id}`` and ``PUT /things/{<word>Id}``,
    records holding ``<word>_id`` (or ``<word>Id``) and no ``id``."""
    key = f"{word}_id" if snake else f"{word}Id"
    thing = {
        "type": "object",
        "properties": {key: {"type": "integer"}, "design": {"type": "string"}},
    }
    by_id = [parameter("id")]
    read = {
        "get": {"operationId": "one", "parameters": by_id, "responses": answer(ref("Thing"))},
        "delete": {
            "operationId": "drop",
            "parameters": by_id,
            "responses": {"200": {"description": "gone"}},
        },
    }
    saved = {"operationId": "save", "parameters": [parameter(f"{word}Id")]}
    put = {
        "put": {**saved, "requestBody": json_body(ref("Thing")), "responses": answer(ref("Thing"))}
    }
    listed = {"type": "object", "properties": {"items": {"type": "array", "items": ref("Thing")}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {"operationId": "list", "responses": answer(listed)},
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Thing")),
                    "responses": answer(ref("Thing")),
                },
            },
            "/things/{id}": read,
            "/things/{" + word + "Id}": put,
        },
        "components": {"schemas": {"Thing": thing}},
    }


@RULES
@given(word=WORDS, snake=st.booleans())
def test_a_parameter_of_another_item_path_names_the_id(word: str, snake: bool) -> None:
    model = read_model(spec(word, snake)).collections["/things"]
    assert model.id_field == (f"{word}_id" if snake else f"{word}Id")


def test_such_a_collection_round_trips(tmp_path: Path) -> None:
    file = write(tmp_path, spec("wrapping", snake=True), "wrappings")
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=3))
    with TestClient(app, raise_server_exceptions=False) as client:
        made = client.post("/things", json={"design": "bow"})
        assert made.status_code == 200, made.text
        uid = made.json()["wrapping_id"]
        assert client.get(f"/things/{uid}").json() == made.json()
        assert made.json() in client.get("/things").json()["items"]
        saved = client.put(f"/things/{uid}", json={"design": "ribbon"})
        assert saved.status_code == 200, saved.text
        assert client.get(f"/things/{uid}").json()["design"] == "ribbon"
        assert client.delete(f"/things/{uid}").status_code == 200
        assert client.get(f"/things/{uid}").status_code == 404


def aliased(param: str) -> dict[str, Any]:
    """``/templates`` whose item path takes ``{<param>}``: a template's id or its alias."""
    template = {
        "type": "object",
        "properties": {
            "TemplateID": {"type": "integer", "readOnly": True},
            "Alias": {"type": "string", "minLength": 1},
            "Subject": {"type": "string"},
        },
    }
    named = [{"name": param, "in": "path", "required": True, "schema": {"type": "string"}}]
    one = {"parameters": named, "responses": answer(ref("Template"))}
    listed = {"type": "array", "items": ref("Template")}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/templates": {
                "get": {"operationId": "list", "responses": answer(listed)},
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Template")),
                    "responses": answer(ref("Template")),
                },
            },
            "/templates/{" + param + "}": {
                "get": {"operationId": "one", **one},
                "put": {"operationId": "save", "requestBody": json_body(ref("Template")), **one},
                "delete": {"operationId": "drop", **one},
            },
        },
        "components": {"schemas": {"Template": template}},
    }


def test_a_parameter_joining_alternatives_names_each_one() -> None:
    for param in ("templateIdOrAlias", "template_id_or_alias"):
        model = read_model(aliased(param)).collections["/templates"]
        assert (model.id_field, model.aliases) == ("TemplateID", ("Alias",))
    assert read_model(aliased("templateId")).collections["/templates"].aliases == ()


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    file = write(tmp_path_factory.mktemp("aliased"), aliased("templateIdOrAlias"), "templates")
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=3))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_every_listed_record_is_read_by_its_alias(templates: TestClient) -> None:
    listed = [r for r in templates.get("/templates").json() if "Alias" in r]
    assert listed  # seeded records hold aliases
    for record in listed:
        assert templates.get(f"/templates/{record['Alias']}").json() == record


@RULES
@given(word=st.text("abcdefxyz-", min_size=1, max_size=12))
def test_a_record_is_read_written_and_deleted_by_its_alias(
    templates: TestClient, word: str
) -> None:
    alias = f"mine-{word}"  # no seeded record's
    made = templates.post("/templates", json={"Alias": alias, "Subject": "hi"})
    assert made.status_code == 200, made.text
    uid = made.json()["TemplateID"]
    assert templates.get(f"/templates/{alias}").json() == made.json()
    saved = templates.put(f"/templates/{alias}", json={"Alias": alias, "Subject": "bye"})
    assert saved.status_code == 200, saved.text
    assert templates.get(f"/templates/{uid}").json()["Subject"] == "bye"
    assert templates.delete(f"/templates/{alias}").status_code == 200
    assert templates.get(f"/templates/{uid}").status_code == 404
    assert templates.get(f"/templates/{alias}").status_code == 404


def vocabularies() -> dict[str, Any]:
    """AWS Connect's shape: ``/vocabulary/{InstanceId}`` creates, answering
    ``{VocabularyId, State}``; ``/vocabulary/{InstanceId}/{VocabularyId}`` reads
    ``{Vocabulary: {Id, Name}}``."""
    text = {"type": "string"}
    created = {
        "type": "object",
        "required": ["VocabularyId", "State"],
        "properties": {"VocabularyId": text, "State": text},
    }
    vocabulary = {"type": "object", "properties": {"Id": text, "Name": text}}
    read = {"type": "object", "properties": {"Vocabulary": vocabulary}}
    instance = {"name": "InstanceId", "in": "path", "required": True, "schema": text}
    named = {"name": "VocabularyId", "in": "path", "required": True, "schema": text}
    body = {"type": "object", "required": ["Name"], "properties": {"Name": text}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/vocabulary/{InstanceId}": {
                "post": {
                    "operationId": "make",
                    "parameters": [instance],
                    "requestBody": json_body(body),
                    "responses": answer(created),
                }
            },
            "/vocabulary/{InstanceId}/{VocabularyId}": {
                "get": {
                    "operationId": "one",
                    "parameters": [instance, named],
                    "responses": answer(read),
                }
            },
        },
    }


@pytest.fixture(scope="module")
def connect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    file = write(tmp_path_factory.mktemp("connect"), vocabularies(), "connect")
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=3))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@RULES
@given(name=st.text("abcxyz ", min_size=1, max_size=10))
def test_a_create_answering_the_id_by_its_parameter_name_answers_the_id(
    connect: TestClient, name: str
) -> None:
    model = read_model(vocabularies()).collections["/vocabulary/{InstanceId}"]
    assert (model.name, model.id_field, model.id_names) == ("vocabulary", "Id", ("VocabularyId",))
    made = connect.post("/vocabulary/i-1", json={"Name": name})
    assert made.status_code == 200, made.text
    read = connect.get(f"/vocabulary/i-1/{made.json()['VocabularyId']}")
    assert read.status_code == 200, read.text
    assert read.json()["Vocabulary"]["Name"] == name
    missing = connect.get("/vocabulary/i-1/no-such-one")
    assert missing.status_code == 404
    assert missing.json()["detail"].startswith("Vocabulary 'no-such-one' does not exist")


def loosely_listed() -> dict[str, Any]:
    """TrueSight's shape: ``/groups`` lists ``items: {type: object, properties: {}}``
    (any object) while ``PUT|GET /groups/{groupId}`` write and read a ``Group``."""
    group = {
        "type": "object",
        "properties": {"groupId": {"type": "string"}, "cost": {"type": "number"}},
    }
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"type": "object", "properties": {}}},
            "total": {"type": "integer"},
        },
    }
    named = [{"name": "groupId", "in": "path", "required": True, "schema": {"type": "string"}}]
    one = {"parameters": named, "responses": answer(group)}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/groups": {"get": {"operationId": "list", "responses": answer(page)}},
            "/groups/{groupId}": {
                "get": {"operationId": "one", **one},
                "put": {"operationId": "save", "requestBody": json_body(group), **one},
            },
        },
    }


def test_a_list_of_any_objects_lists_the_records_its_item_path_reads(tmp_path: Path) -> None:
    model = read_model(loosely_listed()).collections["/groups"]
    assert model.listing is not None and model.envelope is not None
    file = write(tmp_path, loosely_listed(), "groups")
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=3))
    with TestClient(app, raise_server_exceptions=False) as client:
        saved = client.put("/groups/g-1", json={"cost": 2.5})
        assert saved.status_code in (200, 201), saved.text
        listed = client.get("/groups").json()
        assert saved.json() in listed["items"]
        assert listed["total"] == len(listed["items"])
