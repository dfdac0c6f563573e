"""Hostile input gets a clear 4xx: never a 5xx, a hang, or an echo of the payload."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.app.validation import MAX_JSON_DEPTH, depth_of
from servicestub.middleware.guards import BodyLimitMiddleware
from tests.api.helpers import assert_problem, first_service_type

ORDERS = "/v1/tenants/hostile/stores/main/service-orders"
JSON = {"content-type": "application/json"}
PROPERTY = settings(max_examples=40, derandomize=True, deadline=None)


def _nested(depth: int, kinds: list[bool]) -> bytes:
    """JSON of ``depth`` arrays and objects inside each other (``kinds[i]``: an object)."""
    opening = b"".join(b'{"a":' if kinds[i % len(kinds)] else b"[" for i in range(depth))
    closing = b"".join(b"}" if kinds[i % len(kinds)] else b"]" for i in reversed(range(depth)))
    return opening + b"1" + closing


def test_json_nested_ten_thousand_levels_is_400(client):
    body = b"[" * 10_000 + b"]" * 10_000
    assert_problem(client.post(ORDERS, content=body, headers=JSON), 400, f"{MAX_JSON_DEPTH} levels")


@PROPERTY
@given(depth=st.integers(0, 1100), kinds=st.lists(st.booleans(), min_size=1, max_size=4))
def test_any_nesting_in_a_free_form_object_is_served_or_a_clean_400(module_client, depth, kinds):
    """v4 PATCH ``details`` is free-form: nesting within the limit is served, deeper
    is a 400 naming the limit; nothing in between fails as a 5xx (a second parse
    with the stdlib used to, from ~950 levels on)."""
    body = (
        b'{"services": {"items": [{"patchType": "update", "patchClientId": 1}]}, "details": {"x": '
        + _nested(depth, kinds)
        + b"}}"
    )
    response = module_client.patch("/api/v4/Service/1001", content=body, headers=JSON)
    if 2 + depth <= MAX_JSON_DEPTH:
        assert response.status_code == 200, response.text
    else:
        assert_problem(response, 400, f"deeper than {MAX_JSON_DEPTH} levels")


@given(
    value=st.recursive(
        st.none() | st.integers(-(2**63), 2**63 - 1),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=30,
    )
)
def test_depth_of_counts_nested_containers(value):
    def recursive(node):
        children = node.values() if isinstance(node, dict) else node
        if not isinstance(node, dict | list):
            return 0
        return 1 + max(map(recursive, children), default=0)

    assert depth_of(value) == recursive(value)
    assert depth_of(orjson.loads(orjson.dumps(value))) == recursive(value)


def test_two_mebibytes_chunked_without_length_is_413(client):
    def chunks():
        yield b'{"title": "'
        for _ in range(2048):
            yield b"x" * 1024
        yield b'"}'

    assert_problem(client.post(ORDERS, content=chunks(), headers=JSON), 413, "limit")


def test_small_chunked_body_is_accepted(client):
    service_type = first_service_type(client, "hostile")

    def chunks():
        yield b'{"title": "sent in chunks", '
        yield f'"serviceTypeUid": "{service_type}"}}'.encode()

    assert client.post(ORDERS, content=chunks(), headers=JSON).status_code == 201


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (ORDERS, {"serviceTypeUid": "x"}, "title"),
        (ORDERS, {"title": "t", "serviceTypeUid": "x"}, "description"),
        ("/v1/tenants/hostile/service-statuses", {"position": 1}, "name"),
        ("/v1/tenants/hostile/hourly-rates", {"price": 1}, "name"),
    ],
)
def test_megabyte_strings_in_free_text_fields_are_400_without_echo(client, path, body, field):
    response = client.post(path, json={**body, field: "x" * 1_000_000})
    problem = assert_problem(response, 400, field)
    assert len(response.content) < 2_000 and len(problem["detail"]) <= 310


def test_lone_surrogate_in_a_string_is_400(client):
    body = b'{"title": "\\ud800", "serviceTypeUid": "x"}'
    assert_problem(client.post(ORDERS, content=body, headers=JSON), 400, "surrogate")


@pytest.mark.parametrize("segment", ["%00", "a%0Ab", "%E2%80%8Fabc", "%ED%A0%80"])
def test_control_characters_and_marks_in_path_segments_are_400(client, segment):
    response = client.raw.get(f"{ORDERS}/{segment}")
    assert_problem(response, 400)


def test_rtl_marks_in_text_round_trip_as_data(client):
    service_type = first_service_type(client, "hostile")
    title = "Display \u202ebroken\u202c \u200f end"
    created = client.post(ORDERS, json={"title": title, "serviceTypeUid": service_type})
    assert created.status_code == 201 and created.json()["title"] == title
    report = client.get(f"{ORDERS}/{created.json()['serviceOrderUid']}/report")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"title": "broken \u0000 display"}, "'title'"),
        ({"title": "ok", "customer": {"name": "A\u0000"}}, "'customer.name'"),
        ({"title": "ok", "bad\u0000key": 1}, "bad"),
    ],
)
def test_nul_in_a_json_string_is_400_and_creates_nothing(client, body, where):
    service_type = first_service_type(client, "hostile")
    before = client.get(ORDERS).json()["meta"]["totalItems"]
    response = client.post(ORDERS, json={"serviceTypeUid": service_type, **body})
    assert where in assert_problem(response, 400, "NUL")["detail"]
    assert client.get(ORDERS).json()["meta"]["totalItems"] == before


def test_nul_at_the_deepest_level_allowed_is_400(client):
    levels = MAX_JSON_DEPTH - 1
    body = b'{"title": "t", "x": ' + b"[" * levels + b'"\\u0000"' + b"]" * levels + b"}"
    assert_problem(client.post(ORDERS, content=body, headers=JSON), 400, "NUL")


def test_an_escaped_backslash_before_u0000_is_plain_text(client):
    service_type = first_service_type(client, "hostile")
    body = f'{{"title": "path C:\\\\u0000", "serviceTypeUid": "{service_type}"}}'.encode()
    created = client.post(ORDERS, content=body, headers=JSON)
    assert created.status_code == 201 and created.json()["title"] == "path C:\\u0000"


def test_nul_in_a_query_parameter_is_400(client):
    assert_problem(client.raw.get(f"{ORDERS}?assignedUsers=a%00b"), 400, "assignedUsers")


def test_a_body_without_content_type_is_415(client):
    response = client.raw.post(ORDERS, content=b'{"title": "t"}')
    assert_problem(response, 415, "Content-Type")


def test_wrong_content_type_is_415(client):
    response = client.post(ORDERS, content=b"<order/>", headers={"content-type": "application/xml"})
    assert_problem(response, 415, "application/json")


def test_repeated_single_valued_query_parameter_is_400(client):
    assert_problem(client.raw.get(f"{ORDERS}?perPage=5&perPage=6"), 400, "perPage")
    assert client.get(f"{ORDERS}?states=NEW&states=DONE").status_code == 200


@pytest.mark.parametrize(
    "url", [f"{ORDERS}?page=99999999999999999999999999", f"{ORDERS}?perPage=-18446744073709551617"]
)
def test_integers_beyond_64_bits_in_the_query_are_400(client, url):
    assert_problem(client.raw.get(url), 400)


def test_integers_beyond_64_bits_in_the_body_are_400(client):
    order = client.get(ORDERS).json()["data"][0]["serviceOrderUid"]
    body = b'{"name": "x", "quantity": 123456789012345678901234567890}'
    assert_problem(
        client.post(f"{ORDERS}/{order}/items", content=body, headers=JSON), 400, "quantity"
    )


def test_a_required_body_left_out_is_400_saying_what_to_send(client):
    assert_problem(client.raw.post(ORDERS, headers=JSON), 400, "needs a body; send a JSON document")


@pytest.mark.parametrize(("http_version", "counted"), [("1.1", False), ("2", True)])
def test_a_body_without_length_or_chunking_is_counted_unless_http1_frames_none(
    http_version, counted
):
    """HTTP/1.x frames no body without ``Content-Length`` or ``Transfer-Encoding`` (the
    limit has nothing to count); an HTTP/2 request may send one: it is counted."""
    seen = []

    async def app(scope, receive, send):
        seen.append(await receive())

    async def receive():
        return {"type": "http.request", "body": b"x" * 10, "more_body": False}

    async def send(message):
        raise AssertionError(message)

    scope = {"type": "http", "http_version": http_version, "path": "/x", "headers": []}
    limited = BodyLimitMiddleware(app, max_bytes=5, overrides={})
    if counted:
        with pytest.raises(Exception, match="larger than the limit of 5 bytes"):
            asyncio.run(limited(scope, receive, send))
    else:
        asyncio.run(limited(scope, receive, send))
        assert seen[0]["body"] == b"x" * 10
