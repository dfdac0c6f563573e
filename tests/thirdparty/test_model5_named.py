"""Ids every path naming a record accepts (round 5, third part): a path below the item
path may type the record's parameter more narrowly than the item path does (Trakt's
``/comments/{id}`` takes text, ``/comments/{id}/likes`` an integer), and a create that
answers the new id alone as text answers the record's number id as text (Magento's
``POST /V1/taxClasses`` answers ``"7"``, read back at ``/V1/taxClasses/{taxClassId}``,
an integer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.model import read_model
from tests.thirdparty.infer_specs import answer, json_body, write


def record(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def client(tmp_path: Path, document: dict[str, Any]) -> TestClient:
    app = create_app(Settings(specs=((write(tmp_path, document), None),), validate_responses=True))
    return TestClient(app, raise_server_exceptions=False)


TEXT = {"type": "string"}


def comments(below: dict[str, Any]) -> dict[str, Any]:
    """Comments with text ids read at ``/comments/{id}`` (text) and liked at
    ``/comments/{id}/likes``, whose ``{id}`` is ``below``."""
    comment = record(id={"type": "string", "readOnly": True}, comment=TEXT)
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/comments": {
                "get": {
                    "operationId": "list",
                    "responses": answer({"type": "array", "items": comment}),
                },
                "post": {
                    "operationId": "post",
                    "requestBody": json_body(record(comment=TEXT)),
                    "responses": answer(comment, "201"),
                },
            },
            "/comments/{id}": {
                "parameters": [param("id", TEXT)],
                "get": {"operationId": "get", "responses": answer(comment)},
                "delete": {"operationId": "delete", "responses": {"204": {"description": "ok"}}},
            },
            "/comments/{id}/likes": {
                "get": {
                    "operationId": "likes",
                    "parameters": [param("id", below)],
                    "responses": answer({"type": "array", "items": record(user=TEXT)}),
                },
            },
        },
    }


BELOW = {
    "integer": {"type": "integer"},
    "hex": {"type": "string", "pattern": "^[0-9a-f]{24}$"},
    "short": {"type": "string", "minLength": 3, "maxLength": 12},
}


@pytest.mark.parametrize("kind", BELOW)
def test_an_id_fits_the_parameter_of_every_path_below_its_item_path(
    tmp_path: Path, kind: str
) -> None:
    below = BELOW[kind]
    served = client(tmp_path, comments(below))
    made = served.post("/comments", json={"comment": "nice"})
    assert made.status_code == 201, made.text
    listed = served.get("/comments")
    assert listed.status_code == 200, listed.text
    ids = [made.json()["id"], *(found["id"] for found in listed.json())]
    assert len(ids) > 1  # seeded ones too
    for uid in ids:
        as_path = int(uid) if below["type"] == "integer" else uid
        jsonschema.validate(as_path, below)
        read = served.get(f"/comments/{uid}")
        assert read.status_code == 200, read.text
    assert served.get(f"/comments/{made.json()['id']}/likes").status_code == 200


def tax_classes() -> dict[str, Any]:
    """Magento's shape: the create answers the new id alone, as text; the class is read
    and deleted at ``{taxClassId}`` (an integer), saved at ``{classId}`` (text)."""
    tax_class = record(class_id={"type": "integer"}, class_name=TEXT)
    new_id = answer({"type": "string", "description": "id for the newly created Tax class"})
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/V1/taxClasses": {
                "post": {
                    "operationId": "save",
                    "requestBody": json_body(record(taxClass=tax_class)),
                    "responses": new_id,
                },
            },
            "/V1/taxClasses/{classId}": {
                "put": {
                    "operationId": "replace",
                    "parameters": [param("classId", TEXT)],
                    "requestBody": json_body(record(taxClass=tax_class)),
                    "responses": new_id,
                },
            },
            "/V1/taxClasses/{taxClassId}": {
                "parameters": [param("taxClassId", {"type": "integer"})],
                "get": {"operationId": "get", "responses": answer(tax_class)},
                "delete": {"operationId": "delete", "responses": answer({"type": "boolean"})},
            },
        },
    }


def test_a_create_answering_the_id_as_text_answers_the_number_id_as_written(
    tmp_path: Path,
) -> None:
    served = client(tmp_path, tax_classes())
    made = served.post("/V1/taxClasses", json={"taxClass": {"class_name": "goods"}})
    assert made.status_code == 200, made.text
    uid = made.json()
    assert isinstance(uid, str) and uid.isdigit(), uid
    read = served.get(f"/V1/taxClasses/{uid}")
    assert read.status_code == 200, read.text
    assert read.json()["class_id"] == int(uid)
    assert read.json()["class_name"] == "goods"


def placements(key: dict[str, Any], by_put: bool) -> dict[str, Any]:
    """Placements keyed by a ``placementName`` of schema ``key`` the client chooses:
    written in the create's body, or (``by_put``) in the path of the PUT creating one."""
    placement = record(placementName=key, floor=TEXT)
    item: dict[str, Any] = {
        "parameters": [param("placementName", key)],
        "get": {"operationId": "get", "responses": answer(placement)},
    }
    listing: dict[str, Any] = {
        "x-servicestub-seed-count": 30,  # enough draws that a short key would come up
        "get": {"operationId": "list", "responses": answer({"type": "array", "items": placement})},
    }
    if by_put:
        item["put"] = {
            "operationId": "put",
            "requestBody": json_body(record(floor=TEXT)),
            "responses": answer(placement, "201"),
        }
    else:
        listing["post"] = {
            "operationId": "post",
            "requestBody": json_body({**record(placementName=key, floor=TEXT)}),
            "responses": answer(placement, "201"),
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/placements": listing, "/placements/{placementName}": item},
    }


KEYS = {
    "aws name": {"type": "string", "pattern": "^[a-zA-Z0-9_-]+$", "minLength": 1, "maxLength": 128},
    "starred": {"type": "string", "pattern": "^[-a-zA-Z0-9._]*$", "minLength": 1},
    "letters": {"type": "string", "pattern": "^[a-z]+$"},
}


@pytest.mark.parametrize("by_put", [False, True], ids=["post", "put"])
@pytest.mark.parametrize("kind", KEYS)
def test_a_clients_short_key_meets_no_seeded_record(
    tmp_path: Path, kind: str, by_put: bool
) -> None:
    """The shortest keys a schema takes (what a client sends first) are free on a fresh
    mock; a seeded record's key is still taken (409 to a create by POST)."""
    served = client(tmp_path, placements(KEYS[kind], by_put))
    listed = served.get("/placements")
    assert listed.status_code == 200, listed.text
    seeded = [found["placementName"] for found in listed.json()]
    assert seeded and all(len(key) >= 3 for key in seeded), seeded
    for key in ("a", "b", "ab", "-", "x1"):
        if not jsonschema.Draft4Validator(KEYS[kind]).is_valid(key):
            continue
        if by_put:
            made = served.put(f"/placements/{key}", json={"floor": "1"})
        else:
            made = served.post("/placements", json={"placementName": key, "floor": "1"})
        assert made.status_code == 201, made.text
        assert made.json()["placementName"] == key
    if not by_put:
        taken = served.post("/placements", json={"placementName": seeded[0]})
        assert taken.status_code == 409, taken.text


def test_a_key_schema_allowing_no_longer_key_is_seeded_as_it_allows(tmp_path: Path) -> None:
    """Two-letter codes: no key of three is drawable, so seeded ones are as short."""
    key = {"type": "string", "pattern": "^[A-Z]{2}$"}
    listed = client(tmp_path, placements(key, False)).get("/placements")
    assert listed.status_code == 200, listed.text
    assert listed.json() and all(len(found["placementName"]) == 2 for found in listed.json())


def few_ids(key: dict[str, Any], keyed_by_client: bool) -> dict[str, Any]:
    """Datasets whose ids are few (``train|test``): the client names one in its create
    (``keyed_by_client``), else the server gives it."""
    dataset = record(datasetType={**key, "readOnly": not keyed_by_client}, size=NUMBER)
    written = record(datasetType=key, size=NUMBER) if keyed_by_client else record(size=NUMBER)
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/datasets": {
                "post": {
                    "operationId": "create",
                    "requestBody": json_body(written),
                    "responses": answer(dataset, "201"),
                },
            },
            "/datasets/{datasetType}": {
                "parameters": [param("datasetType", key)],
                "get": {"operationId": "get", "responses": answer(dataset)},
                "delete": {"operationId": "delete", "responses": {"204": {"description": "ok"}}},
            },
        },
    }


NUMBER = {"type": "integer"}
FEW = {
    "alternatives": {"type": "string", "pattern": "train|test", "minLength": 1, "maxLength": 10},
    "enum": {"type": "string", "enum": ["train", "test"]},
}


@pytest.mark.parametrize("kind", FEW)
def test_a_collection_of_few_keys_a_client_chooses_is_served_with_state(
    tmp_path: Path, kind: str
) -> None:
    """Fewer ids than records to seed: it starts empty (each key free to create) and
    holds what is written; it is not served without state (a GET after DELETE 200)."""
    served = client(tmp_path, few_ids(FEW[kind], True))
    assert served.get("/datasets/train").status_code == 404
    made = served.post("/datasets", json={"datasetType": "train", "size": 3})
    assert made.status_code == 201, made.text
    assert served.post("/datasets", json={"datasetType": "train"}).status_code == 409
    read = served.get("/datasets/train")
    assert read.status_code == 200, read.text
    assert read.json()["size"] == 3
    assert served.delete("/datasets/train").status_code == 204
    assert served.get("/datasets/train").status_code == 404


@pytest.mark.parametrize("kind", FEW)
def test_a_collection_of_few_ids_the_server_gives_answers_409_when_all_are_held(
    tmp_path: Path, kind: str
) -> None:
    """Seeded with as many records as there are ids; a create finding none free is a
    409 (not a request that never ends), and one deleted frees its id."""
    served = client(tmp_path, few_ids(FEW[kind], False))
    for uid in ("train", "test"):
        assert served.get(f"/datasets/{uid}").status_code == 200
    full = served.post("/datasets", json={"size": 1})
    assert full.status_code == 409, full.text
    assert "held" in full.json()["detail"]
    assert served.delete("/datasets/test").status_code == 204
    made = served.post("/datasets", json={"size": 2})
    assert made.status_code == 201, made.text
    assert made.json()["datasetType"] == "test"


def channels(combined: str, names: dict[str, Any], writes: bool) -> dict[str, Any]:
    """Ably's shape: ``GET /channels`` answers ``combined`` (``oneOf``/``anyOf``) of an
    array of channel records and ``names`` (an array of their names); ``writes``: a
    POST creates channels and a DELETE removes one."""
    channel = {**record(channelId=TEXT, region=TEXT), "required": ["channelId"]}
    either = {combined: [{"type": "array", "items": channel}, names]}
    listing: dict[str, Any] = {"get": {"operationId": "list", "responses": answer(either)}}
    item: dict[str, Any] = {
        "parameters": [param("channelId", TEXT)],
        "get": {"operationId": "get", "responses": answer(channel)},
    }
    if writes:
        listing["post"] = {
            "operationId": "create",
            "requestBody": json_body(channel),
            "responses": answer(channel, "201"),
        }
        item["delete"] = {"operationId": "delete", "responses": {"204": {"description": "ok"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/channels": listing, "/channels/{channelId}": item},
    }


NAMES = {"type": "array", "items": TEXT}


@pytest.mark.parametrize(
    ("combined", "names"),
    [("anyOf", NAMES), ("oneOf", {**NAMES, "minItems": 1})],
    ids=["anyOf", "oneOf, names never empty"],
)
def test_a_list_answering_records_or_their_names_lists_the_records(
    tmp_path: Path, combined: str, names: dict[str, Any]
) -> None:
    """The record member is the list: what is created is listed and read; an empty
    page is valid too (the answers are validated)."""
    served = client(tmp_path, channels(combined, names, True))
    made = served.post("/channels", json={"channelId": "news", "region": "eu"})
    assert made.status_code == 201, made.text
    listed = served.get("/channels")
    assert listed.status_code == 200, listed.text
    ids = [found["channelId"] for found in listed.json()]
    assert "news" in ids
    for uid in ids:
        assert served.get(f"/channels/{uid}").status_code == 200
        assert served.delete(f"/channels/{uid}").status_code == 204
    empty = served.get("/channels")
    assert empty.status_code == 200, empty.text
    assert empty.json() == []


def test_a_read_only_list_no_list_of_records_is_valid_for_is_answered_with_its_items(
    tmp_path: Path,
) -> None:
    """Under ``oneOf`` an empty array matches both members, so no list of records is
    valid (an empty page never): the GET stays answered, and with nothing written the
    item GET is answered too, so each name the list gives reads as a channel."""
    served = client(tmp_path, channels("oneOf", NAMES, False))
    listed = served.get("/channels")
    assert listed.status_code == 200, listed.text
    for found in listed.json():
        uid = found["channelId"] if isinstance(found, dict) else found
        read = served.get(f"/channels/{uid}")
        assert read.status_code == 200, read.text
        assert "channelId" in read.json()


def jobs(post_answers: str) -> dict[str, Any]:
    """Jobs read at ``/jobs/{jobId}``; ``POST /jobs`` answers, by ``post_answers``: a
    page of jobs (AWS's ``ListBackendJobs``, a query), one job (a create), or an array
    of jobs for an array of them (a bulk create)."""
    job = record(JobId=TEXT, Status=TEXT)
    written: dict[str, Any] = record(Status=TEXT, MaxResults=NUMBER)
    answered: dict[str, Any] = job
    if post_answers == "page":
        answered = record(Jobs={"type": "array", "items": job}, NextToken=TEXT)
    elif post_answers == "bulk":
        written, answered = {"type": "array", "items": written}, {"type": "array", "items": job}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/jobs": {
                "post": {
                    "operationId": "post",
                    "requestBody": json_body(written),
                    "responses": answer(answered),
                },
            },
            "/jobs/{jobId}": {
                "parameters": [param("jobId", TEXT)],
                "get": {"operationId": "get", "responses": answer(job)},
            },
        },
    }


def test_a_post_answering_a_page_of_records_queries_them_and_creates_none(
    tmp_path: Path,
) -> None:
    assert "/jobs" not in read_model(jobs("page")).collections
    served = client(tmp_path, jobs("page"))
    page = served.post("/jobs", json={"Status": "done"})
    assert page.status_code == 200, page.text
    assert isinstance(page.json().get("Jobs", []), list)
    read = served.get("/jobs/job-1")  # answered, like the query
    assert read.status_code == 200, read.text


@pytest.mark.parametrize("post_answers", ["one", "bulk"])
def test_a_post_answering_what_it_made_still_creates(post_answers: str) -> None:
    model = read_model(jobs(post_answers)).collections["/jobs"]
    assert "create" in model.operations
