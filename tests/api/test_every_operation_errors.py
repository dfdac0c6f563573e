"""Errors every operation shares, checked over the specs themselves: a wrong
Content-Type is 415 and a body over the limit is 413 on every operation with a
body, and an Accept admitting none of an operation's answers is 406 on every
operation of the three specs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import create_app
from servicestub.specs import ADMIN, APIS, ORDERS, SERVICES, resolve
from tests.api.helpers import PROBLEM, assert_problem

EXAMPLE_PATH = {"id": "1001", "name": "empty"}
PROPERTY = settings(max_examples=40, derandomize=True, deadline=None)


def _operations(specs, *, with_body: bool):
    """``(method, url, answers)`` of every operation of ``specs`` (only those
    taking a body when ``with_body``); ``answers`` are its success media types."""
    for spec in specs:
        document = spec.document()
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                if with_body and "requestBody" not in operation:
                    continue
                values = {}
                for parameter in operation.get("parameters", []):
                    parameter = resolve(document, parameter)
                    if parameter["in"] == "path":
                        values[parameter["name"]] = str(parameter.get("example", "x"))
                url = spec.base_path + re.sub(
                    r"\{(\w+)\}",
                    lambda m, v=values: v.get(m[1], EXAMPLE_PATH.get(m[1], "x")),
                    path,
                )
                answers = [
                    media
                    for status, response in operation["responses"].items()
                    if status.startswith("2")
                    for media in resolve(document, response).get("content", {})
                ]
                yield pytest.param(
                    method.upper(), url, answers, id=f"{method.upper()} {spec.base_path}{path}"
                )


OPERATIONS = [
    pytest.param(*param.values[:2], id=param.id)
    for param in _operations((ORDERS, SERVICES), with_body=True)
]
BODY_OPERATIONS = [param.values[:2] for param in _operations(APIS, with_body=True)]
EVERY_OPERATION = list(_operations(APIS, with_body=False))


@pytest.fixture(scope="module")
def raw():
    with TestClient(create_app()) as client:
        yield client


def test_every_body_operation_is_covered():
    assert len(OPERATIONS) >= 20 and ADMIN.base_path == "/_mock"


@pytest.mark.parametrize(("method", "url"), OPERATIONS)
def test_wrong_content_type_is_415(raw, method, url):
    response = raw.request(method, url, content=b"title=x", headers={"content-type": "text/plain"})
    assert_problem(response, 415, "application/json")


@pytest.mark.parametrize(("method", "url"), OPERATIONS)
def test_body_over_the_limit_is_413(raw, method, url):
    body = b'{"name": "' + b"x" * (1 << 20) + b'"}'
    response = raw.request(method, url, content=body, headers={"content-type": "application/json"})
    assert_problem(response, 413, "1048576 bytes")


def _spelled(draw, text: str) -> str:
    """``text`` in a random mix of upper and lower case."""
    return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)


@st.composite
def json_spellings(draw) -> str:
    """``application/json`` as a client may write it: any case, whitespace
    around it and its parameters, a UTF-8 charset quoted or not."""
    space = st.sampled_from(["", " ", "\t", "  "])
    text = draw(space) + _spelled(draw, "application/json")
    for _ in range(draw(st.integers(0, 2))):
        value = draw(st.sampled_from(["utf-8", '"utf-8"', "UTF-8"]))
        text += f"{draw(space)};{draw(space)}{_spelled(draw, 'charset')}={value}"
    return text + draw(space)


@PROPERTY
@given(spelling=json_spellings(), operation=st.sampled_from(BODY_OPERATIONS))
def test_every_spelling_of_json_is_taken_and_validated(raw, spelling, operation):
    """Media types are case-insensitive: however application/json is spelled, the
    body is validated (a JSON array fits no body schema of the specs: 400)."""
    method, url = operation
    response = raw.request(method, url, content=b"[1]", headers={"content-type": spelling})
    assert_problem(response, 400)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/problem+json",
        "application/merge-patch+json",
        "application/jsonx",
        "text/json",
        "application/json; charset=latin-1",
        "application/json; charset",
        "application/",
        "json",
    ],
)
@pytest.mark.parametrize(("method", "url"), BODY_OPERATIONS)
def test_a_type_the_spec_does_not_declare_is_415_naming_what_to_send(
    raw, method, url, content_type
):
    response = raw.request(method, url, content=b"{}", headers={"content-type": content_type})
    assert_problem(response, 415, "application/json")


REFUSED_ACCEPTS = [
    "text/csv",
    "TEXT/HTML, image/*",
    "application/xml;q=1",
    "application/json;q=0",
    "*/*;q=0",
    "application/problem+json",
    "application/*+json",
    "*/*;q=nonsense",
]


@pytest.mark.parametrize("accept", REFUSED_ACCEPTS)
@pytest.mark.parametrize(("method", "url", "answers"), EVERY_OPERATION)
def test_an_accept_admitting_no_answer_is_406_on_every_operation(raw, method, url, answers, accept):
    """Nothing is acceptable to such a client; an operation whose answers carry no
    body (204) has nothing to negotiate and ignores Accept."""
    response = raw.request(method, url, headers={"accept": accept})
    if answers:
        assert_problem(response, 406, answers[0])
    else:
        assert response.status_code != 406


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/*",
        "APPLICATION/JSON",
        "text/csv, */*;q=0.1",
        "application/json;q=0.5",
    ],
)
@pytest.mark.parametrize(("method", "url", "answers"), EVERY_OPERATION)
def test_an_accept_admitting_an_answer_is_not_406(raw, method, url, answers, accept):
    headers = {} if accept is None else {"accept": accept}
    response = raw.request(method, url, headers=headers)
    assert response.status_code != 406 and response.status_code < 500, response.text
    if response.status_code < 300 and answers:
        assert response.headers["content-type"].split(";")[0] in answers


def test_errors_are_problem_json_whatever_the_accept(raw):
    response = raw.get(
        f"{ORDERS.base_path}/tenants/demo/stores/main/service-orders/nope",
        headers={"accept": "application/json"},
    )
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
