"""The corpus harness's round-2 rules (tests/corpus/): request bodies go in the media type a
client would pick (JSON, else a form), other bodies are left out as not measurable; a path id
no list serves is taken from a create, and where the spec offers neither the GET is left out
as "no id to take"; a JavaScript regex-literal pattern is read as its author meant it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_core.deserializing.media_types.util import data_form_loads
from werkzeug.datastructures import Headers

from tests.corpus import spec_walk as sw
from tests.corpus.probe import Answer, answered_id, probe
from tests.corpus.values import BOUNDARY, encode, make
from tests.thirdparty.test_corpus_harness import PATTERNS

OK = {"description": "ok"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _spec(create_media: str) -> dict[str, Any]:
    """`/sessions`: created (in `create_media`) but never listed; `/things`: neither listed
    nor created; `/notes`: created from a text/plain body only."""
    session = {
        "type": "object",
        "required": ["sessionId"],
        "properties": {
            "sessionId": {"type": "string", "readOnly": True},
            "name": {"type": "string"},
            "size": {"type": "integer"},
        },
    }
    new = {
        "type": "object",
        "required": ["name", "size"],
        "properties": {"name": {"type": "string", "minLength": 2}, "size": {"type": "integer"}},
    }

    def item(name: str, kind: str, schema: dict[str, Any]) -> dict[str, Any]:
        param = {"name": name, "in": "path", "required": True, "schema": {"type": kind}}
        return {"get": {"parameters": [param], "responses": {"200": {**OK, **_json(schema)}}}}

    return {
        "openapi": "3.0.3",
        "info": {"title": "bodies", "version": "1"},
        "paths": {
            "/sessions": {
                "post": {
                    "requestBody": {"required": True, "content": {create_media: {"schema": new}}},
                    "responses": {"201": {**OK, **_json(session)}},
                }
            },
            "/sessions/{sessionId}": item("sessionId", "string", session),
            "/things": {"delete": {"responses": {"204": OK}}},
            "/things/{thingId}": item("thingId", "integer", {"type": "object"}),
            "/notes": {
                "post": {
                    "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                    "responses": {"201": {**OK, **_json({"type": "object"})}},
                }
            },
            "/notes/{noteId}": item("noteId", "string", {"type": "object"}),
        },
    }


def _events(tmp_path: Path, create_media: str) -> dict[tuple[str, str], dict[str, Any]]:
    path = tmp_path / "bodies.json"
    path.write_text(json.dumps(_spec(create_media)))
    events: list[dict[str, Any]] = []
    probe(path, events.append)
    return {(e["kind"], e["path"]): e for e in events if "path" in e}


@pytest.mark.parametrize(
    "media", ["application/x-www-form-urlencoded", "multipart/form-data", "application/json"]
)
def test_unlisted_ids_come_from_a_create_and_forms_are_sent(tmp_path: Path, media: str) -> None:
    events = _events(tmp_path, media)
    # the id a create answered (a made-up one would answer 404), whatever the body's media
    assert events["get", "/sessions/{sessionId}"]["ok"] is True, events
    assert events["collection", "/sessions"]["ok"] is True, events
    # neither listed nor created: left out, and says why
    things = events["get", "/things/{thingId}"]
    assert things["ok"] is None and things["cause"].startswith("no id to take"), things
    # a text body: left out of the collections, not failed
    notes = events["collection", "/notes"]
    assert notes["ok"] is None and notes["cause"].startswith("not measurable"), notes
    assert events["get", "/notes/{noteId}"]["ok"] is not False, events


@pytest.mark.parametrize(
    ("content", "chosen"),
    [
        (["application/xml", "application/json"], "application/json"),
        (
            ["multipart/form-data", "application/x-www-form-urlencoded"],
            "application/x-www-form-urlencoded",
        ),
        (["application/xml", "multipart/form-data"], "multipart/form-data"),
        (["application/xml", "text/plain"], None),
    ],
)
def test_the_media_a_client_picks(content: list[str], chosen: str | None) -> None:
    assert sw.body_media({m: {"schema": {}} for m in content}) == chosen


scalars = st.one_of(
    st.integers(-1000, 1000), st.booleans(), st.text("abc xyz-&=%/é", min_size=0, max_size=8)
)
fields = st.dictionaries(
    st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True),
    scalars | st.lists(scalars, min_size=1, max_size=3),
    max_size=5,
)


def _texts(value: dict[str, Any]) -> list[tuple[str, str]]:
    def text(v: Any) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    return [(k, text(i)) for k, v in value.items() for i in (v if isinstance(v, list) else [v])]


@settings(max_examples=60, derandomize=True, deadline=None)
@given(fields)
def test_forms_encode_every_field(value: dict[str, Any]) -> None:
    data, kind = encode(value, "application/x-www-form-urlencoded")
    assert kind == "application/x-www-form-urlencoded"
    assert parse_qsl(data.decode(), keep_blank_values=True) == _texts(value)
    data, kind = encode(value, "multipart/form-data")
    assert kind == f"multipart/form-data; boundary={BOUNDARY}"
    parts = data_form_loads(data, boundary=BOUNDARY)
    assert [(k, v.decode()) for k, v in parts.items(multi=True)] == _texts(value)


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if not p.startswith("(?")])
@pytest.mark.parametrize("flags", ["", "i"])
def test_a_js_literal_pattern_is_read_as_meant(pattern: str, flags: str) -> None:
    anchored = pattern if pattern.startswith("^") else "^" + pattern
    literal = f"/{anchored}/{flags}"
    value = make({}, {"type": "string", "pattern": literal})
    assert re.search(anchored, value, re.I if flags else 0), value
    assert sw.pattern_meant(pattern) == pattern  # an ordinary pattern is left as it is


@pytest.mark.parametrize(
    ("body", "location", "found"),
    [
        ('"tax-7"', None, "tax-7"),  # a bare string: the id itself
        ("42", None, "42"),
        ('{"classId": "c1", "name": "n"}', None, "c1"),
        ('{"taxClass": {"id": 5}}', None, "5"),
        ("", "/v1/classes/c9", "c9"),
        ("true", None, None),
        ('""', None, None),
    ],
)
def test_the_id_a_create_answers(body: str, location: str | None, found: str | None) -> None:
    headers = Headers({"Location": location} if location else {})
    answer = Answer(201, headers, body.encode(), "application/json")
    assert answered_id(answer, "classId") == found


def test_a_write_only_field_is_not_expected_back(tmp_path: Path) -> None:
    """A password is written and never answered (writeOnly, here inside an allOf as
    Airflow writes it): a server that hides it still round-trips."""
    account = {
        "allOf": [
            {"type": "object", "properties": {"accountId": {"type": "string", "readOnly": True}}},
            {
                "type": "object",
                "required": ["name", "password"],
                "properties": {
                    "name": {"type": "string"},
                    "password": {"type": "string", "format": "password", "writeOnly": True},
                },
            },
        ]
    }
    param = {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string"}}
    created = {"201": {**OK, **_json(account)}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "accounts", "version": "1"},
        "paths": {
            "/accounts": {
                "get": {"responses": {"200": {**OK, **_json({"type": "array", "items": account})}}},
                "post": {"requestBody": {"required": True, **_json(account)}, "responses": created},
            },
            "/accounts/{accountId}": {
                "parameters": [param],
                "get": {"responses": {"200": {**OK, **_json(account)}}},
                "delete": {"responses": {"204": OK}},
            },
        },
    }
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps(document))
    events: list[dict[str, Any]] = []
    probe(path, events.append)
    (collection,) = [e for e in events if e.get("kind") == "collection"]
    assert collection["ok"] is True, collection


# -- round 3: what is the harness's (or the spec's) failure, not the server's ---------------


def _probe_doc(tmp_path: Path, document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, **document}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    events: list[dict[str, Any]] = []
    probe(path, events.append)
    return {(e["kind"], e["path"]): e for e in events if "path" in e}


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


TAGS = {"type": "object", "properties": {"tags": {"type": "object"}}}


def test_made_up_values_meet_their_parameters_schema(tmp_path: Path) -> None:
    """A prefix pattern shorter than its minLength (gamesparks' ResourceArn) and a query
    example outside its own enum (rubrik's `sort_by: Name`): the harness sends values the
    server must accept, so the GETs answer 2xx."""
    arn = {"type": "string", "pattern": "^arn:aws:games:", "minLength": 20, "maxLength": 64}
    sort = {
        "name": "sort_by",
        "in": "query",
        "required": True,
        "example": "Name",
        "schema": {"type": "string", "enum": ["name", "size"]},
    }
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/tags/{arn}": {
                    "get": {
                        "parameters": [_path("arn", arn)],
                        "responses": {"200": {**OK, **_json(TAGS)}},
                    }
                },
                "/report": {
                    "get": {"parameters": [sort], "responses": {"200": {**OK, **_json(TAGS)}}}
                },
            }
        },
    )
    assert events["get", "/tags/{arn}"]["ok"] is True, events
    assert events["get", "/report"]["ok"] is True, events


def test_an_invalid_request_of_the_harness_is_not_counted(tmp_path: Path) -> None:
    """A path parameter no value can meet (`^a$` at least two long): the harness's request
    breaks it, which is the harness's failure, shown apart."""
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/odd/{code}": {
                    "get": {
                        "parameters": [
                            _path("code", {"type": "string", "pattern": "^a$", "minLength": 2})
                        ],
                        "responses": {"200": {**OK, **_json(TAGS)}},
                    }
                }
            }
        },
    )
    odd = events["get", "/odd/{code}"]
    assert odd["ok"] is None and odd["cause"] == "harness: made an invalid request", odd


def test_a_get_documenting_no_2xx_is_not_counted(tmp_path: Path) -> None:
    responses = {"302": {"description": "moved"}, "404": {"description": "gone"}}
    events = _probe_doc(tmp_path, {"paths": {"/fit": {"get": {"responses": responses}}}})
    fit = events["get", "/fit"]
    assert fit["ok"] is None and fit["cause"] == "no documented 2xx", fit


def _collection(item: dict[str, Any], param: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """`/records` (list, create) and `/records/{recordId}` (read, PATCH, delete) of `item`;
    `extra` replaces the item path's operations."""
    ops = {
        "get": {"responses": {"200": {**OK, **_json(item)}}},
        "patch": {"requestBody": _json(item), "responses": {"200": {**OK, **_json(item)}}},
        "delete": {"responses": {"204": OK}},
        **extra,
    }
    return {
        "paths": {
            "/records": {
                "get": {"responses": {"200": {**OK, **_json({"type": "array", "items": item})}}},
                "post": {
                    "requestBody": {"required": True, **_json(item)},
                    "responses": {"201": {**OK, **_json(item)}},
                },
            },
            "/records/{recordId}": {"parameters": [param], **ops},
        }
    }


RECORD = {
    "type": "object",
    "required": ["name"],
    "properties": {"recordId": {"type": "integer", "minimum": 1}, "name": {"type": "string"}},
}


def test_a_bodiless_status_documented_with_a_body_answers_empty(tmp_path: Path) -> None:
    """A DELETE documenting a body on its 204 (wisdom): HTTP forbids the body, so the
    empty answer is right."""
    deleted = {"204": {**OK, **_json(RECORD)}}
    param = _path("recordId", {"type": "integer"})
    events = _probe_doc(tmp_path, _collection(RECORD, param, delete={"responses": deleted}))
    assert events["collection", "/records"]["ok"] is True, events


def test_the_record_id_is_the_servers(tmp_path: Path) -> None:
    """The item's id property is writable and optional (billbee's `Id`): the harness leaves
    it to the server in the create and the PATCH, and never compares it on read-back."""
    events = _probe_doc(tmp_path, _collection(RECORD, _path("recordId", {"type": "integer"})))
    assert events["collection", "/records"]["ok"] is True, events


def _sid(prefix: str) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{prefix}[0-9a-f]{{8}}$"}


def test_an_id_the_spec_makes_impossible_is_counted_apart(tmp_path: Path) -> None:
    """The record's `sid` is `^CH...`, the path's `{sid}` `^KD...`: no id meets both."""
    room = {"type": "object", "properties": {"sid": _sid("CH"), "name": {"type": "string"}}}
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/rooms": {
                    "get": {"responses": {"200": {**OK, **_json({"type": "array", "items": room})}}}
                },
                "/rooms/{sid}": {
                    "get": {
                        "parameters": [_path("sid", _sid("KD"))],
                        "responses": {"200": {**OK, **_json(room)}},
                    }
                },
            }
        },
    )
    got = events["get", "/rooms/{sid}"]
    assert got["ok"] is None and got["cause"] == "the spec's id and path schemas disagree", got


def test_a_borrowed_id_fits_its_parameter(tmp_path: Path) -> None:
    """Twilio: `/channels` lists `CH...` sids; `/interactions` only creates, its `{Sid}` is
    `^KD...`: the id comes from the create, not from the channels' list."""

    def thing(prefix: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"sid": {**_sid(prefix), "readOnly": True}, "name": {"type": "string"}},
        }

    def item(prefix: str) -> dict[str, Any]:
        return {
            "get": {
                "parameters": [_path("Sid", _sid(prefix))],
                "responses": {"200": {**OK, **_json(thing(prefix))}},
            }
        }

    listed = {"200": {**OK, **_json({"type": "array", "items": thing("CH")})}}
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/channels": {"get": {"responses": listed}},
                "/channels/{Sid}": item("CH"),
                "/interactions": {
                    "post": {
                        "requestBody": _json(thing("KD")),
                        "responses": {"201": {**OK, **_json(thing("KD"))}},
                    }
                },
                "/interactions/{Sid}": item("KD"),
            }
        },
    )
    assert events["get", "/interactions/{Sid}"]["ok"] is True, events


# -- round 5: a path id is taken from THAT collection's list or create, or not at all ------


def _thing(*fields: str) -> dict[str, Any]:
    return {"type": "object", "properties": {f: {"type": "string"} for f in fields}}


def _listed(schema: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"responses": {"200": {**OK, **_json({"type": "array", "items": schema})}}}}


def _read(param: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "parameters": [_path(param, {"type": "string"})],
            "responses": {"200": {**OK, **_json(schema)}},
        }
    }


def test_a_generic_id_is_not_borrowed_from_another_collection(tmp_path: Path) -> None:
    """rubrik: `/cluster/{id}` has no list; `/role` lists records with an `id`. The id of a
    role names no cluster: the GET has no id to take (not counted), never a 404 on a role's
    id counted against the server."""
    role = _thing("id", "name")
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/role": _listed(role),
                "/role/{id}": _read("id", role),
                "/cluster/{id}": _read("id", _thing("id", "version")),
            }
        },
    )
    cluster = events["get", "/cluster/{id}"]
    assert cluster["ok"] is None and cluster["cause"].startswith("no id to take"), cluster
    assert events["get", "/role/{id}"]["ok"] is True, events


def test_no_made_up_id_when_the_list_answers_none(tmp_path: Path) -> None:
    """ably: `/channels` answers no list (here: a required query value no string meets,
    so a 400; its own GET is measured apart): `/channels/{channel_id}` gets no made-up
    `channel-id-1` to 404 on; it is left out as "no id to take"."""
    channel = _thing("channelId", "name")
    listing = _listed(channel)
    impossible = {"type": "string", "pattern": "^a$", "minLength": 2}
    listing["get"]["parameters"] = [
        {"name": "prefix", "in": "query", "required": True, "schema": impossible}
    ]
    events = _probe_doc(
        tmp_path,
        {"paths": {"/channels": listing, "/channels/{channel_id}": _read("channel_id", channel)}},
    )
    got = events["get", "/channels/{channel_id}"]
    assert got["ok"] is None and got["cause"].startswith("no id to take"), got


@pytest.mark.parametrize(
    ("param", "field"),
    [("variable_key", "key"), ("attributeCode", "attribute_code"), ("AssetSid", "sid")],
)
def test_a_listed_id_is_read_from_the_field_its_name_points_to(
    tmp_path: Path, param: str, field: str
) -> None:
    """airflow `{variable_key}` is the record's `key`, magento `{attributeCode}` its
    `attribute_code`, twilio `{AssetSid}` (under `/Assets`, whose item is `{Sid}`) its
    `sid`: the item's GET, its children's and the round-trip take the listed (created)
    id, so they answer 2xx."""
    record = {
        "type": "object",
        "required": [field],
        "properties": {
            field: {"type": "string", "readOnly": True},
            "account_sid": {"type": "string"},
            "value": {"type": "string"},
        },
    }
    version = _thing("number", "note")
    own = "Sid" if param == "AssetSid" else param

    def created(schema: dict[str, Any]) -> dict[str, Any]:
        return {"requestBody": _json(schema), "responses": {"201": {**OK, **_json(schema)}}}

    versions = "/things/{" + param + "}/versions"
    listing = _listed(version)
    listing["get"]["parameters"] = [_path(param, {"type": "string"})]
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/things": {**_listed(record), "post": created(record)},
                "/things/{" + own + "}": _read(own, record),
                versions: {
                    **listing,
                    "post": {**created(version), "parameters": [_path(param, {"type": "string"})]},
                },
                versions + "/{number}": {
                    "parameters": [_path(param, {"type": "string"})],
                    **_read("number", version),
                },
            }
        },
    )
    gets = ("/things/{" + own + "}", versions, versions + "/{number}")
    for key in [("get", g) for g in gets] + [("collection", "/things")]:
        assert events[key]["ok"] is True, events


def test_the_parameters_sent_are_valid(tmp_path: Path) -> None:
    """Optional parameters whose `default` breaks their schema (rubrik's `sort_by: Name`
    outside its enum, vtex's number defaulting to `"101.22"`, contract-p.fit's `default:
    null`), an `Accept` header parameter with an enum (spoonacular) and a GET whose spec
    requires a body (trakt): the harness sends valid values and the body, so the GETs are
    measured (2xx) instead of "harness: made an invalid request"."""

    def query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "schema": schema}

    accept = {
        "name": "Accept",
        "in": "header",
        "schema": {"type": "string", "enum": ["application/json", "text/html"]},
    }
    params = [
        query("sort_by", {"type": "string", "enum": ["name", "size"], "default": "Name"}),
        query("value", {"type": "number", "default": "101.22"}),
        query("start_date", {"type": "string", "format": "date-time", "default": None}),
        accept,
    ]
    asked = {"type": "object", "required": ["ids"], "properties": {"ids": {"type": "array"}}}
    anything = {"content": {"*/*": {"schema": {"type": "string"}}}}
    answer = {"200": {**OK, **_json(TAGS)}}
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/report": {"get": {"parameters": params, "responses": answer}},
                "/progress": {
                    "get": {
                        "requestBody": {"required": True, **_json(asked)},
                        "responses": answer,
                    }
                },
                "/token": {"get": {"requestBody": anything, "responses": answer}},
            }
        },
    )
    for path in ("/report", "/progress", "/token"):
        assert events["get", path]["ok"] is True, events


def test_a_body_no_value_can_meet_is_the_harness_s(tmp_path: Path) -> None:
    """peertube: `pattern: "/^[a-z]+$/"` (a JavaScript regex literal) matches no string as
    written; the server judges it as written, so no body is valid: "harness: could not
    make a valid body", not counted -- never a 400 counted against the server."""
    record = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string", "pattern": "/^[a-z]+$/"},
        },
    }
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/channels": {
                    **_listed(record),
                    "post": {
                        "requestBody": {"required": True, **_json(record)},
                        "responses": {"201": {**OK, **_json(record)}},
                    },
                },
                "/channels/{id}": _read("id", record),
            }
        },
    )
    got = events["collection", "/channels"]
    assert got["ok"] is None and got["cause"] == "harness: could not make a valid body", got


def test_a_read_only_field_of_the_answer_is_the_server_s(tmp_path: Path) -> None:
    """The create's schema lets a client send `status`; the item's answer marks it
    `readOnly`: the server fills it, so it is not compared -- every other field is."""
    sent = {
        "type": "object",
        "required": ["name", "status"],
        "properties": {"name": {"type": "string"}, "status": {"type": "string"}},
    }
    read = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string"},
            "status": {"type": "string", "readOnly": True, "enum": ["new", "done"]},
        },
    }
    events = _probe_doc(
        tmp_path,
        {
            "paths": {
                "/jobs": {
                    **_listed(read),
                    "post": {
                        "requestBody": {"required": True, **_json(sent)},
                        "responses": {"201": {**OK, **_json(read)}},
                    },
                },
                "/jobs/{id}": _read("id", read),
            }
        },
    )
    assert events["collection", "/jobs"]["ok"] is True, events
