"""The corpus harness's round-6 rules (tests/corpus/probe.py): a create does not collide with
a key the harness itself used before; the `Accept` it sends admits what the operation
answers; `{p}` under a path names a record only where an item path of that path has an
operation, and a POST answering a page is no create; what the spec makes impossible (a
parameter enum of the wrong type, write and read schemas no value meets) is not counted;
nested readOnly/writeOnly fields are not expected back, and a wrapper's own `status` does
not hide the record it wraps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.corpus.probe import _admits, _answers_page, _unflagged, _unwrap
from tests.thirdparty.test_corpus_bodies import OK, _json, _path, _probe_doc


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, **({"required": required} if required else {})}


STR = {"type": "string"}


def _pair(
    name: str,
    write: dict[str, Any],
    read: dict[str, Any],
    *,
    created: dict[str, Any] | None = None,
    delete: bool = True,
    listed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`/{name}` (list, create) and `/{name}/{id}` (read, delete)."""
    item: dict[str, Any] = {
        "get": {
            "parameters": [_path("id", STR)],
            "responses": {"200": {**OK, **_json(read)}},
        }
    }
    if delete:
        item["delete"] = {"parameters": [_path("id", STR)], "responses": {"204": OK}}
    return {
        f"/{name}": {
            "get": {
                "responses": {"200": {**OK, **_json(listed or {"type": "array", "items": read})}}
            },
            "post": {
                "requestBody": {"required": True, **_json(write)},
                "responses": {"201": {**OK, **_json(created or read)}},
            },
        },
        f"/{name}/{{id}}": item,
    }


# -- 1. a create does not collide with the harness's own earlier key --------------------


@pytest.mark.parametrize("delete", [True, False])
def test_a_create_uses_a_key_the_harness_has_not_used(tmp_path: Path, delete: bool) -> None:
    """es / lookoutvision: the client names the record (`id` in the body, required); the
    GET of a child needs an id, so the harness creates one first (the list is empty); the
    round-trip's create then must not send the same key (a 409 is the harness's doing)."""
    record = _obj({"id": {"type": "string", "pattern": "^(train|test)$"}, "note": STR}, ["id"])
    paths = _pair("datasets", record, record, delete=delete)
    paths["/datasets/{id}/entries"] = {
        "get": {
            "parameters": [_path("id", STR)],
            "responses": {"200": {**OK, **_json({"type": "array", "items": STR})}},
        }
    }
    events = _probe_doc(tmp_path, {"paths": paths, "x-servicestub-seed-count": 0})
    assert events["get", "/datasets/{id}/entries"]["ok"] is True, events
    assert events["collection", "/datasets"]["ok"] is True, events


# -- 2. the Accept the operation documents ----------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ({"type": "string", "default": "application/json"}, "text/plain"),
        ({"type": "string", "enum": ["application/json", "text/html"]}, "text/html"),
    ],
)
def test_the_accept_sent_admits_the_answer(
    tmp_path: Path, accept: dict[str, Any], media: str
) -> None:
    """vtex: an `Accept` header parameter defaulting to JSON on an operation answering
    `text/plain`; spoonacular: an enum holding `text/html` for an HTML answer. Sending the
    parameter's JSON value asks for what the operation cannot answer (406)."""
    header = {"name": "Accept", "in": "header", "required": True, "schema": accept}
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/widget": {
                    "get": {
                        "parameters": [header],
                        "responses": {"200": {**OK, "content": {media: {"schema": STR}}}},
                    }
                }
            }
        },
    )
    assert events["get", "/widget"]["ok"] is True, events


@given(
    st.sampled_from(["text/html", "application/json", "text/plain", "image/png"]),
    st.sampled_from(["*/*", "text/*", "application/json", "text/html", "image/*"]),
)
@settings(derandomize=True, max_examples=60)
def test_admits_reads_media_ranges(offered: str, wanted: str) -> None:
    kind, _, _sub = offered.partition("/")
    expected = wanted in ("*/*", offered) or wanted == kind + "/*"
    assert _admits(f"{wanted};q=0.9, foo/bar", [offered]) is expected


# -- 3. a path names a record only where its item has an operation ------------------------


def test_a_parameter_under_a_path_without_items_is_made_up(tmp_path: Path) -> None:
    """amplifybackend: `/backend` is a path (a POST) and `/backend/{appId}/api` another,
    but no `/backend/{appId}` exists: `{appId}` names no stateful record, so it takes a
    made-up value instead of a create on `/backend` (whose answer holds no usable id)."""
    empty_id = _obj({"appId": {"type": "string", "maxLength": 0}}, ["appId"])
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/backend": {
                    "post": {
                        "requestBody": _json(_obj({"name": STR})),
                        "responses": {"200": {**OK, **_json(empty_id)}},
                    }
                },
                "/backend/{appId}/api": {
                    "get": {
                        "parameters": [_path("appId", STR)],
                        "responses": {"200": {**OK, **_json(_obj({"name": STR}))}},
                    }
                },
            }
        },
    )
    assert events["get", "/backend/{appId}/api"]["ok"] is True, events


def test_a_post_answering_a_page_is_no_create(tmp_path: Path) -> None:
    """amplifybackend's `POST /backend/{appId}/job/{env}` answers `{Jobs: [...]}`: it lists
    jobs, it creates none -- the collection is no collection, and the item's GET has no id
    to take (not counted), never a failed create."""
    job = _obj({"jobId": STR, "status": STR})
    page = _obj({"Jobs": {"type": "array", "items": job}, "NextToken": STR})
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/jobs": {
                    "post": {
                        "requestBody": _json(_obj({"NextToken": STR})),
                        "responses": {"200": {**OK, **_json(page)}},
                    }
                },
                "/jobs/{jobId}": {
                    "get": {
                        "parameters": [_path("jobId", STR)],
                        "responses": {"200": {**OK, **_json(job)}},
                    }
                },
            }
        },
    )
    got, coll = events["get", "/jobs/{jobId}"], events["collection", "/jobs"]
    assert not _answers_page(
        {}, {"responses": {"201": _json(_obj({"token": STR, "jobs": page}))}}, "jobId"
    )
    assert got["ok"] is None and got["cause"].startswith("no id to take"), got
    assert coll["ok"] is None and "page of records" in coll["cause"], coll


# -- 4. the spec's impossible parameter ---------------------------------------------------


def test_an_enum_of_the_wrong_type_is_the_spec_s_impossible_demand(tmp_path: Path) -> None:
    """trakt's `{rating}`: `type: integer` with `enum: ['1', ...]` -- no value meets it."""
    rating = {"type": "integer", "enum": ["1", "2"]}
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/ratings/{rating}": {
                    "get": {
                        "parameters": [_path("rating", rating)],
                        "responses": {"200": {**OK, **_json(STR)}},
                    }
                }
            }
        },
    )
    got = events["get", "/ratings/{rating}"]
    assert got["ok"] is None and got["cause"] == "the spec's parameter schema admits no value", got


# -- 5. read-back comparison --------------------------------------------------------------


def test_a_wrapper_s_status_does_not_hide_the_record(tmp_path: Path) -> None:
    """apideck: every answer is `{status_code, status, data: {...}}` and the record has a
    `status` of its own: the record is `data`, so its `address` reads back."""
    record = _obj({"id": {"type": "string", "readOnly": True}, "status": STR, "address": STR})
    wrapped = _obj({"status_code": {"type": "integer"}, "status": STR, "data": record})
    page = _obj(
        {
            "status_code": {"type": "integer"},
            "status": STR,
            "data": {"type": "array", "items": record},
        }
    )
    events = _probe_doc(tmp_path, {"paths": _pair("locations", record, wrapped, listed=page)})
    assert events["collection", "/locations"]["ok"] is True, events


def test_unwrap_takes_the_object_holding_more_of_what_was_sent() -> None:
    sent = {"status": "open", "address": "x", "name": "n"}
    record = {"id": "1", **sent}
    assert _unwrap({"status": "ok", "data": record}, sent) == (record, "data")
    assert _unwrap(record, sent) == (record, None)
    assert _unwrap({**record, "meta": {"status": "s"}}, sent) == (
        {**record, "meta": {"status": "s"}},
        None,
    )


@pytest.mark.parametrize("flag", ["writeOnly", "readOnly"])
def test_nested_flagged_fields_are_not_expected_back(flag: str) -> None:
    """ably: `push.recipient.clientId` is writeOnly inside a nested object."""
    schema = _obj({"push": _obj({"recipient": _obj({"clientId": {**STR, flag: True}, "x": STR})})})
    sent = {"push": {"recipient": {"clientId": "c", "x": "y"}}, "n": [1]}
    assert _unflagged({}, sent, [schema, None]) == {"push": {"recipient": {"x": "y"}}, "n": [1]}


@pytest.mark.parametrize(
    ("write", "read"),
    [
        ({"type": "string"}, _obj({"id": STR})),  # clever-cloud's `plan`
        ({"type": "string", "pattern": "^[A-Z]+$"}, {"type": "string", "pattern": "^[a-z]+$"}),
    ],
)
def test_write_and_read_schemas_no_value_meets_are_not_counted(
    tmp_path: Path, write: dict[str, Any], read: dict[str, Any]
) -> None:
    """Written as a string, read as an object (or under a pattern the written value
    breaks): no server could read back what was written -- the spec's own cause."""
    events = _probe_doc(
        tmp_path,
        {"paths": _pair("addons", _obj({"plan": write}), _obj({"id": STR, "plan": read}))},
    )
    coll = events["collection", "/addons"]
    assert coll["ok"] is None, coll
    assert coll["cause"] == "the spec's write and read schemas disagree", coll


# -- a credential the spec also declares as a parameter is sent once ---------------------


def test_a_query_credential_declared_as_a_parameter_too_is_sent_once(tmp_path: Path) -> None:
    """trello: the security scheme is an API key in the query (`key`), and the operations
    declare `key` as a required query parameter as well; sending both the parameter and
    the credential repeats `key`, which the server refuses (400, given more than once)."""
    key = {"name": "key", "in": "query", "required": True, "schema": STR}
    events = _probe_doc(
        tmp_path,
        {
            "components": {
                "securitySchemes": {"key": {"type": "apiKey", "in": "query", "name": "key"}}
            },
            "security": [{"key": []}],
            "paths": {
                "/boards": {
                    "get": {
                        "parameters": [key],
                        "responses": {"200": {**OK, **_json({"type": "array", "items": STR})}},
                    }
                }
            },
        },
    )
    assert events["get", "/boards"]["ok"] is True, events
