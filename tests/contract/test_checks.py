"""servicestub's own contract checks, judged on hand-made responses (no HTTP)."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from schemathesis.checks import CHECKS

from servicestub.contract import checks
from servicestub.contract.checks import (
    API_TAG,
    errors_are_problem_json,
    list_meta_arithmetic,
    paged_echoes_pagination,
    tracking_id_present,
)

TRACKING = str(uuid.UUID(int=7))


def response(
    body: Any = None,
    status: int = 200,
    media: str = "application/json",
    headers: dict[str, str] | None = None,
    sent: dict[str, str] | None = None,
) -> Any:
    content = (
        body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    )
    all_headers = {"Content-Type": [media], **{k: [v] for k, v in (headers or {}).items()}}
    return SimpleNamespace(
        status_code=status,
        headers=all_headers,
        content=content,
        json=lambda: json.loads(content),
        request=SimpleNamespace(headers=sent or {}),
    )


def case(api: str = "orders", query: dict | None = None, body: Any = None) -> Any:
    schema = SimpleNamespace(raw_schema={API_TAG: api})
    return SimpleNamespace(query=query or {}, body=body, operation=SimpleNamespace(schema=schema))


def orders_list(page: int, per_page: int, total: int, total_pages: int, length: int) -> dict:
    meta = {"page": page, "perPage": per_page, "totalItems": total, "totalPages": total_pages}
    return {"data": [{}] * length, "meta": meta}


def test_list_meta_that_adds_up_passes():
    body = orders_list(page=3, per_page=20, total=57, total_pages=3, length=17)
    assert list_meta_arithmetic(response(body), case(query={"page": "3", "perPage": "20"}))


def test_total_pages_must_be_the_ceiling_of_items_over_per_page():
    body = orders_list(page=1, per_page=20, total=57, total_pages=4, length=20)
    with pytest.raises(AssertionError, match="totalPages is 4 but 57 items at 20 per page make 3"):
        list_meta_arithmetic(response(body), case())


def test_meta_must_echo_the_requested_page_and_per_page():
    body = orders_list(page=1, per_page=20, total=57, total_pages=3, length=20)
    with pytest.raises(AssertionError, match="asked for page=2, perPage=20"):
        list_meta_arithmetic(response(body), case(query={"page": "2"}))


def test_a_page_holds_as_many_items_as_the_totals_imply():
    body = orders_list(page=3, per_page=20, total=57, total_pages=3, length=20)
    with pytest.raises(AssertionError, match="should hold 17 items; data holds 20"):
        list_meta_arithmetic(response(body), case(query={"page": "3"}))


def test_a_page_past_the_end_is_empty_with_the_true_totals():
    body = orders_list(page=9, per_page=20, total=57, total_pages=3, length=0)
    assert list_meta_arithmetic(response(body), case(query={"page": "9"}))


def test_an_unreadable_page_parameter_is_left_to_the_other_checks():
    body = orders_list(page=1, per_page=20, total=57, total_pages=99, length=20)
    assert not list_meta_arithmetic(response(body), case(query={"page": "x"}))


def test_error_responses_are_not_judged_as_lists():
    assert not list_meta_arithmetic(response({"meta": {}, "data": []}, status=400), case())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"items": [{}, {}], "totalCount": 3}, "totalCount is 3 but the list holds 2"),
        ({"items": [{}], "itemCount": 2}, "itemCount is 2 but 1 items were returned"),
        ({"results": {"totalCount": 2, "items": [{}]}}, "results.totalCount is 2"),
    ],
)
def test_v4_counts_match_the_items_they_count(body, message):
    with pytest.raises(AssertionError, match=message):
        list_meta_arithmetic(response(body), case("services"))


def test_a_v4_search_returns_no_more_than_top():
    body = {"items": [{}] * 3, "itemCount": 3}
    with pytest.raises(AssertionError, match="asked for top 2 but got 3"):
        list_meta_arithmetic(response(body), case("services", body={"query": {"top": 2}}))


def paged(number: int, size: int, exclude: bool, total: int | None, length: int) -> dict:
    results: dict[str, Any] = {"items": [{}] * length}
    if total is not None:
        results["totalCount"] = total
    pagination = {"pageNumber": number, "pageSize": size, "excludeTotalCount": exclude}
    return {"trackingId": TRACKING, "pagination": pagination, "pagedResults": results}


def test_paged_answer_that_echoes_its_request_passes():
    query = {"pageNumber": "2", "pageSize": "5", "excludeTotalCount": "false"}
    body = paged(2, 5, False, 7, 2)
    assert paged_echoes_pagination(response(body), case("services", query))


def test_paged_answer_must_echo_page_size():
    with pytest.raises(
        AssertionError, match=r"pagination\.pageSize is 20; the request asked for 5"
    ):
        paged_echoes_pagination(
            response(paged(1, 20, False, 7, 5)), case("services", {"pageSize": "5"})
        )


def test_paged_answer_leaves_total_count_out_when_asked():
    query = {"excludeTotalCount": "true"}
    with pytest.raises(AssertionError, match="still carries totalCount"):
        paged_echoes_pagination(response(paged(1, 20, True, 7, 7)), case("services", query))


def test_every_v4_body_carries_a_tracking_id_errors_included():
    with pytest.raises(
        AssertionError, match=r"the 404 body \(application/json\) has no trackingId"
    ):
        tracking_id_present(response({"title": "Not Found"}, status=404), case("services"))


def test_a_tracking_id_is_a_uuid():
    with pytest.raises(AssertionError, match="'abc' is not a UUID"):
        tracking_id_present(response({"trackingId": "abc"}), case("services"))


def test_tracking_id_echoes_the_request_header():
    sent = {"X-Tracking-Id": str(uuid.UUID(int=8))}
    with pytest.raises(AssertionError, match="was sent but trackingId is"):
        tracking_id_present(response({"trackingId": TRACKING}, sent=sent), case("services"))


def test_tracking_id_header_and_body_agree():
    answer = response({"trackingId": TRACKING}, headers={"X-Tracking-Id": str(uuid.UUID(int=9))})
    with pytest.raises(AssertionError, match="header X-Tracking-Id is"):
        tracking_id_present(answer, case("services"))


def test_an_error_answered_as_plain_text_fails():
    answer = response(b"Error: something went wrong", status=500, media="text/plain")
    with pytest.raises(AssertionError, match="a 500 answered as text/plain, not application/prob"):
        errors_are_problem_json(answer, case())


def test_a_problem_states_the_response_status():
    problem = {"type": "about:blank", "title": "Not Found", "status": 400}
    with pytest.raises(AssertionError, match="problem status is 400 but the response is 404"):
        errors_are_problem_json(
            response(problem, status=404, media="application/problem+json"), case()
        )


def test_successes_are_not_judged_as_problems():
    assert not errors_are_problem_json(response({}, status=200), case())


@pytest.mark.parametrize("name", sorted(checks.REGISTRY))
def test_registered_checks_stay_silent_on_schemas_the_runner_did_not_load(name):
    registered = next(c for c in CHECKS.get_all() if getattr(c, "__name__", "") == name)
    foreign = SimpleNamespace(
        query={}, body=None, operation=SimpleNamespace(schema=SimpleNamespace(raw_schema={}))
    )
    broken = response(b"oops", status=500, media="text/plain")
    assert registered(None, broken, foreign) is True  # True: nothing judged


def test_each_check_applies_to_the_apis_its_promise_covers():
    assert checks.checks_for("orders") == ["list_meta_arithmetic", "errors_are_problem_json"]
    assert set(checks.checks_for("services")) == set(checks.REGISTRY)
    assert checks.checks_for("admin") == []
