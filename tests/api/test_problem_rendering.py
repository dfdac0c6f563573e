"""The renderer's rules over all inputs (servicestub.core.problems): whatever the
error - any status, detail, members of its own, headers - and whether the
request has a tracking id or not."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.core.errors import StatusProblem
from servicestub.core.problems import PROBLEM_JSON, TRACKING_KEY, render, render_document

names = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=12)
values = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
STANDARD = {"type", "title", "status", "detail"}
header_names = st.sampled_from(
    ["Allow", "Retry-After", "Content-Type", "content-length", "Warning", "Location"]
)


@settings(max_examples=300, derandomize=True)
@given(
    status=st.integers(400, 599),
    detail=st.text(min_size=1, max_size=200),
    own=st.dictionaries(
        names.filter(lambda n: n not in {*STANDARD, "headers"}), values, max_size=4
    ),
    headers=st.dictionaries(header_names, st.text("abc ,=0123", min_size=1, max_size=10)),
    tracking_id=st.none() | st.uuids().map(str),
)
def test_every_problem_is_rendered_by_the_same_rules(
    status: int,
    detail: str,
    own: dict[str, object],
    headers: dict[str, str],
    tracking_id: str | None,
) -> None:
    scope = {} if tracking_id is None else {TRACKING_KEY: tracking_id}
    rendered = render(StatusProblem(status, detail, headers=headers, **own), scope)
    body = orjson.loads(rendered.body)
    assert rendered.status == body["status"] == status and body["detail"] == detail
    members = [name for name in own if name != "trackingId"]
    expected = ["type", "title", "status", "detail", *members]
    assert list(body) == expected + (["trackingId"] if tracking_id else [])
    if tracking_id:
        assert body["trackingId"] == tracking_id
    sent = dict(rendered.headers)
    assert len(sent) == len(rendered.headers)  # no header twice
    assert sent["content-type"] == PROBLEM_JSON  # an error's own headers cannot change it
    assert sent["content-length"] == str(len(rendered.body))
    for name, value in headers.items():
        if name.lower() not in ("content-type", "content-length"):
            assert sent[name.lower()] == value


@settings(max_examples=200, derandomize=True)
@given(
    document=st.dictionaries(names, values, max_size=6),
    documented_id=st.none() | st.text(max_size=8),
    tracking_id=st.none() | st.uuids().map(str),
)
def test_a_documented_problem_gets_the_requests_tracking_id_last(
    document: dict[str, object], documented_id: str | None, tracking_id: str | None
) -> None:
    """An example problem a spec documents (answered for ``Prefer: code=``) keeps
    its members; its ``trackingId``, if it has one, is the request's, last."""
    if documented_id is not None:
        document = {**document, "trackingId": documented_id}
    scope = {} if tracking_id is None else {TRACKING_KEY: tracking_id}
    body = orjson.loads(render_document(418, document, scope).body)
    kept = {name: value for name, value in document.items() if name != "trackingId"}
    assert {name: body[name] for name in kept} == kept
    if tracking_id is None:
        assert "trackingId" not in body
    else:
        assert list(body)[-1] == "trackingId" and body["trackingId"] == tracking_id
