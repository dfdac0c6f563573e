"""Every parameter a request can send as text - in the path, the query, a header
or a cookie - is read as the value its schema states (an integer, a number, a
boolean, an array of them; stated by ``type``, through ``allOf`` or through
``oneOf``), also where the operation redefines a parameter its path item
shares (OpenAPI 3.0, Path Item Object: the operation's own definition wins).
A value spelled as JSON spells it is answered, never refused; text that is no
such value is refused with a 400, never a 5xx."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub.app.validation import effective_parameters
from tests.thirdparty.answers_support import check, serve, spec

LOCATIONS = ("path", "query", "header", "cookie")
KINDS = ("integer", "number", "boolean")
FORMS = ("plain", "allOf", "oneOf")
UUID = {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"}
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}
NAMES = {"path": "v", "query": "v", "header": "X-V", "cookie": "v"}
Case = tuple[str, str, str, bool, bool]
CASES: list[Case] = list(itertools.product(LOCATIONS, KINDS, FORMS, (False, True), (False, True)))


def _stated(kind: str, form: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{kind}"}
    if form == "allOf":
        return {"allOf": [ref], "description": "wrapped"}
    if form == "oneOf":
        return {"oneOf": [ref, UUID]}
    return ref


def _parameter(case: Case) -> dict[str, Any]:
    where, kind, form, array, _shadowed = case
    schema = _stated(kind, form)
    if array:
        schema = {"type": "array", "items": schema}
    parameter = {"name": NAMES[where], "in": where, "required": True, "schema": schema}
    if array and where in ("query", "cookie"):
        parameter |= {"style": "form", "explode": where == "query"}
    return parameter


def _route(number: int, where: str) -> str:
    return f"/c{number}/{{v}}" if where == "path" else f"/c{number}"


def _document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for number, case in enumerate(CASES):
        where, _kind, _form, _array, shadowed = case
        operation = {"operationId": f"c{number}", "parameters": [_parameter(case)], "responses": OK}
        item: dict[str, Any] = {"get": operation}
        if shadowed:  # the path item says string; the operation says otherwise
            item["parameters"] = [
                {"name": NAMES[where], "in": where, "required": True, "schema": {"type": "string"}}
            ]
        paths[_route(number, where)] = item
    components = {"schemas": {kind: {"type": kind} for kind in KINDS}}
    return spec(paths, components={"schemas": components["schemas"]})


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], TestClient]]:
    document = _document()
    with serve(tmp_path_factory.mktemp("params"), document) as client:
        yield document, client


def _texts(kind: str) -> st.SearchStrategy[str]:
    """A value of ``kind`` spelled as JSON spells it."""
    if kind == "boolean":
        return st.sampled_from(["true", "false"])
    if kind == "integer":
        return st.integers(-(10**12), 10**12).map(str)
    finite = st.floats(allow_nan=False, allow_infinity=False, width=32)
    return st.one_of(st.integers(-(10**12), 10**12).map(str), finite.map(json.dumps))


def _send(client: TestClient, number: int, case: Case, texts: list[str]) -> Any:
    where, _kind, _form, array, _shadowed = case
    name = NAMES[where]
    joined = ",".join(texts)
    if where == "path":
        return client.get(f"/c{number}/{joined}")
    if where == "query":
        pairs = [(name, text) for text in texts] if array else [(name, texts[0])]
        return client.get(f"/c{number}", params=pairs)
    if where == "header":
        return client.get(f"/c{number}", headers={name: joined})
    client.cookies.clear()
    return client.get(f"/c{number}", headers={"Cookie": f"{name}={joined}"})


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_value_of_the_stated_type_is_answered_wherever_it_is_sent(
    served: tuple[dict[str, Any], TestClient], data: st.DataObject
) -> None:
    client = served[1]
    number = data.draw(st.integers(0, len(CASES) - 1), label="case")
    case = CASES[number]
    count = data.draw(st.integers(1, 3)) if case[3] else 1
    texts = data.draw(st.lists(_texts(case[1]), min_size=count, max_size=count), label="texts")
    answer = _send(client, number, case, texts)
    assert answer.status_code == 200, (case, texts, answer.text)


def test_an_answer_is_the_documented_one(served: tuple[dict[str, Any], TestClient]) -> None:
    document, client = served
    number = CASES.index(("path", "number", "plain", False, True))
    check(document, _send(client, number, CASES[number], ["342313"]))


@pytest.mark.parametrize("number", range(len(CASES)))
@pytest.mark.parametrize("text", ["1x", ".5", "1.", "+1", "-", "1e"])
def test_text_that_is_no_such_value_is_refused_never_5xx(
    served: tuple[dict[str, Any], TestClient], number: int, text: str
) -> None:
    client = served[1]
    case = CASES[number]
    answer = _send(client, number, case, [text] * (2 if case[3] else 1))
    if case[0] == "path" and case[2] == "plain" and not (case[1] == "boolean" or any(case[3:])):
        # routed on the segment's form: an id that is no number is no such resource
        assert answer.status_code == 404, (case, answer.text)
        return
    assert answer.status_code == 400, (case, answer.text)
    assert text in answer.json()["detail"]


def test_the_operation_redefines_what_its_path_item_shares() -> None:
    shared = [
        {"name": "id", "in": "path", "schema": {"type": "string"}},
        {"name": "id", "in": "query", "schema": {"type": "string"}},
    ]
    own = [{"name": "id", "in": "path", "schema": {"type": "number"}}]
    assert effective_parameters([*own, *shared]) == [own[0], shared[1]]
