"""Lists whose query parameters take the less common forms real specs use: page sizes
typed as strings or named twice (AWS's ``maxResults`` and ``MaxResults``), and an
object-shaped (deepObject) sort parameter (``sort[by]=name&sort[direction]=desc``)."""

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
from tests.thirdparty.infer_specs import answer, json_body, query, ref, write

RULES = settings(max_examples=40, derandomize=True, deadline=None)


def spec(parameters: list[dict[str, Any]], listed: dict[str, Any] | None = None) -> dict[str, Any]:
    """``/things`` listed as ``listed`` (default ``{items: [Thing]}``) with ``parameters``."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "list",
                    "parameters": parameters,
                    "responses": answer(
                        listed or {"type": "object", "properties": {
                            "items": {"type": "array", "items": ref("Thing")},
                            "nextToken": {"type": "string"},
                        }}
                    ),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Thing")),
                    "responses": answer(ref("Thing"), "201"),
                },
            },
            "/things/{thingId}": {"get": {"operationId": "one", "responses": answer(ref("Thing"))}},
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["name", "rank"],
                    "properties": {
                        "thingId": {"type": "string", "readOnly": True},
                        "name": {"type": "string"},
                        "rank": {"type": "integer"},
                    },
                }
            }
        },
    }  # fmt: skip


#: AWS's pairs: the documented camelCase parameters, then the Pascal-case ones its
#: converter adds, typed as strings.
AWS_PAGING = [
    query("maxResults", {"type": "integer", "minimum": 1, "maximum": 100}),
    query("nextToken", {"type": "string"}),
    query("MaxResults", {"type": "string"}),
    query("NextToken", {"type": "string"}),
]
SIZE_AS_TEXT = [query("limit", {"type": "string"})]
OBJECT_SORT = [
    query("limit", {"type": "integer"}),
    {
        "name": "sort",
        "in": "query",
        "style": "deepObject",
        "explode": True,
        "schema": {
            "type": "object",
            "properties": {
                "by": {"type": "string", "enum": ["name", "rank"]},
                "direction": {"type": "string", "enum": ["asc", "desc"], "default": "asc"},
            },
            "default": {"direction": "asc"},
        },
    },
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lists")


def serve(file: Path) -> TestClient:
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=3))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def aws(folder: Path) -> Iterator[TestClient]:
    with serve(write(folder, spec(AWS_PAGING), "aws")) as client:
        for number in range(12):
            client.post("/things", json={"name": f"n{number}", "rank": number % 5})
        yield client


@pytest.fixture(scope="module")
def texted(folder: Path) -> Iterator[TestClient]:
    with serve(write(folder, spec(SIZE_AS_TEXT), "texted")) as client:
        yield client


@pytest.fixture(scope="module")
def sorted_by_object(folder: Path) -> Iterator[TestClient]:
    with serve(write(folder, spec(OBJECT_SORT), "objsort")) as client:
        for number in range(6):
            client.post("/things", json={"name": f"n{(number * 7) % 6}", "rank": number})
        yield client


def test_the_numeric_one_of_two_size_parameters_named_alike_pages() -> None:
    paging = read_model(spec(AWS_PAGING)).collections["/things"].listing
    assert paging is not None
    assert (paging.paging.per_page, paging.paging.cursor) == ("maxResults", "nextToken")
    later = read_model(spec([AWS_PAGING[2], AWS_PAGING[0]])).collections["/things"].listing
    assert later is not None and later.paging.per_page == "maxResults"


@RULES
@given(size=st.integers(1, 15), texted_too=st.booleans())
def test_a_page_size_pages_however_it_is_typed(
    aws: TestClient, size: int, texted_too: bool
) -> None:
    params: dict[str, Any] = {"maxResults": size}
    if texted_too:
        params["MaxResults"] = str(size)
    answer = aws.get("/things", params=params)
    assert answer.status_code == 200, answer.text
    everything = aws.get("/things", params={"maxResults": 100}).json()["items"]
    assert answer.json()["items"] == everything[:size]


@RULES
@given(size=st.integers(1, 30))
def test_a_page_size_typed_as_a_string_is_read_as_its_number(texted: TestClient, size: int) -> None:
    answer = texted.get("/things", params={"limit": str(size)})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["items"]) == min(
        size, len(texted.get("/things", params={"limit": "99"}).json()["items"])
    )


def test_a_page_size_that_is_no_number_takes_the_default(texted: TestClient) -> None:
    answer = texted.get("/things", params={"limit": "many"})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("field", ["name", "rank"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_an_object_sort_sorts_by_its_field_in_its_direction(
    sorted_by_object: TestClient, field: str, direction: str
) -> None:
    params = {"sort[by]": field, "sort[direction]": direction, "limit": 50}
    answer = sorted_by_object.get("/things", params=params)
    assert answer.status_code == 200, answer.text
    values = [t[field] for t in answer.json()["items"]]
    assert values == sorted(values, reverse=direction == "desc") and len(values) >= 6


def test_an_object_sort_left_out_takes_its_default(sorted_by_object: TestClient) -> None:
    answer = sorted_by_object.get("/things", params={"limit": 50})
    assert answer.status_code == 200, answer.text
    down = sorted_by_object.get("/things", params={"sort[direction]": "desc", "limit": 50})
    assert down.status_code == 200, down.text
    assert down.json()["items"] == answer.json()["items"][::-1]
