"""The behaviour oracle's rules over all inputs: what it accepts and what it flags."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.contract.behaviour import model as m

TITLES = st.text(string.ascii_letters + string.digits + " ", min_size=1, max_size=6)
MAYBE = st.none() | TITLES


@settings(derandomize=True, max_examples=200)
@given(st.lists(MAYBE, max_size=8), st.booleans())
def test_a_listing_sorted_as_the_contract_says_passes(titles, descending):
    key = m.SORT_KEYS["title"]
    present = sorted((t for t in titles if t is not None), key=key, reverse=descending)
    missing = [None] * (len(titles) - len(present))
    items = [{"title": t} for t in present + missing]
    assert m.sort_violation(items, "title", descending, "q") is None
    if descending:  # where missing values go in DESC is the implementation's choice
        assert m.sort_violation([{"title": None}, *items[:-1]], "title", True, "q") is None


@settings(derandomize=True, max_examples=200)
@given(st.lists(TITLES, min_size=2, max_size=8, unique_by=lambda t: t.lower()), st.booleans())
def test_two_distinct_values_out_of_order_are_named(titles, descending):
    ordered = sorted(titles, key=str.lower, reverse=descending)
    swapped = [ordered[1], ordered[0], *ordered[2:]]
    problem = m.sort_violation([{"title": t} for t in swapped], "title", descending, "sort=title")
    assert problem == f'sort=title: item 1 "{ordered[1]}" comes before item 2 "{ordered[0]}"'


def test_ranks_and_missing_last_ascending():
    items = [{"priority": p} for p in ("NONE", "URGENT", "LOW")]
    assert "item 2" in m.sort_violation(items, "priority", False, "q")
    assert m.sort_violation([{"dueDate": None}, {"dueDate": "2026-01-01"}], "dueDate", False, "q")
    assert m.sort_violation([{"title": "b-x"}, {"title": "a"}], "title", False, "q") is None


@settings(derandomize=True, max_examples=200)
@given(st.integers(0, 300), st.integers(1, 100), st.integers(1, 10))
def test_meta_arithmetic(total, per_page, page):
    count = max(0, min(per_page, total - (page - 1) * per_page))
    meta = {
        "page": page,
        "perPage": per_page,
        "totalItems": total,
        "totalPages": -(-total // per_page),
    }
    assert m.meta_violation(meta, page, per_page, count) is None
    assert m.meta_violation({**meta, "totalPages": meta["totalPages"] + 1}, page, per_page, count)
    assert m.meta_violation(meta, page, per_page, count + 1)


@settings(derandomize=True, max_examples=200)
@given(st.lists(st.integers(), unique=True, max_size=20), st.integers(1, 5))
def test_pages_partition(whole, size):
    pages = [whole[i : i + size] for i in range(0, len(whole), size)]
    assert m.pages_partition(pages, whole) is None
    if len(whole) > size:
        overlapping = [pages[0], [pages[0][-1], *pages[1][1:]], *pages[2:]]
        assert m.pages_partition(overlapping, whole)


@settings(derandomize=True, max_examples=200)
@given(st.lists(st.integers(1, 15), max_size=10))
def test_placing_keeps_every_status_once(positions):
    order = ["a", "b", "c"]
    for n, position in enumerate(positions):
        uid = f"s{n % 4}"
        order = m.place(order, uid, position)
        assert order.index(uid) == min(position, len(order)) - 1
        assert len(order) == len(set(order))


def test_search_query_overrides_customer_and_matches_partially():
    order = {
        "title": "Fix Screen",
        "customer": {"name": "Johanna", "email": None, "phone": "+4930"},
        "serviceNumber": "R-7",
        "createdAt": "2026-01-02T23:30:00-02:00",
        "state": "NEW",
    }
    assert m.matches_search(order, {"query": "ANNA", "customer": {"name": "nobody"}})
    assert m.matches_search(order, {"customer": {"name": "anna"}})
    assert not m.matches_search(order, {"customer": {"name": "anna"}, "states": ["DONE"]})
    assert m.matches_search(order, {"createdFrom": "2026-01-03", "createdTo": "2026-01-03"})
    assert not m.matches_search(order, {"createdTo": "2026-01-02"})


def test_v4_criteria_by_field_type():
    service = {
        "name": "Basic Pool",
        "usageFrequency": 4,
        "isActive": True,
        "created": "2026-01-02T10:00:00Z",
        "description": None,
    }
    assert m.v4_matches(service, [{"name": "name", "operator": "startsWith", "value": "bASIC"}])
    assert not m.v4_matches(
        service, [{"name": "usageFrequency", "operator": "lessThan", "value": 4}]
    )
    assert m.v4_matches(
        service,
        [
            {"name": "created", "operator": "greaterThan", "value": "2026-01-02T09:59:59Z"},
            {"name": "isActive", "operator": "equals", "value": True},
        ],
    )
    assert m.v4_operators("isActive") == ("equals", "notEquals")


@settings(derandomize=True, max_examples=200)
@given(st.lists(MAYBE, min_size=2, max_size=8))
def test_one_fixed_order_cannot_pass_a_sort_both_ways(titles):
    """What ``check_sort`` relies on: a list that ignores ``sort`` answers one order for
    ASC and DESC, and that fails one of them once two values differ."""
    items = [{"title": t} for t in titles]
    distinct = {t.lower() for t in titles if t is not None}
    verdicts = [m.sort_violation(items, "title", d, "q") for d in (False, True)]
    if len(distinct) >= 2:
        assert any(v is not None for v in verdicts)


@settings(derandomize=True, max_examples=200)
@given(
    email=TITLES,
    needle=TITLES,
    state=st.sampled_from(m.STATES),
    states=st.lists(st.sampled_from(m.STATES), min_size=1, max_size=2),
)
def test_a_found_order_is_blamed_on_the_criterion_it_fails(email, needle, state, states):
    """A customer search combined with ``states``: an order found although its email
    does not match breaks the text rule, whatever the filter; else the filter's."""
    order = {"customer": {"email": email}, "state": state, "createdAt": "2026-01-01T00:00:00Z"}
    body = {"customer": {"email": needle}, "states": states}
    rule = m.search_rule(order, body, "search.filters", "search.text")
    if needle.lower() not in email.lower():
        assert rule == "search.text"
    else:
        assert rule == "search.filters"
