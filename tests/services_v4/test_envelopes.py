"""Every v4 envelope, built without HTTP, is the body its spec schema describes."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs
import pytest

from servicestub.apis.services_v4 import envelopes, patch, rules, views
from servicestub.apis.services_v4.seeding import seed_catalogue
from servicestub.core.json_schema import to_json_schema
from servicestub.specs import SERVICES

TRACKING = "6f0c3a1e-2b4d-4c8e-9f10-a1b2c3d4e5f6"


@functools.cache
def _validator(schema: str) -> Any:
    schemas = SERVICES.document()["components"]["schemas"]
    root = {
        "components": {"schemas": {n: to_json_schema(s) for n, s in schemas.items()}},
        "allOf": [{"$ref": f"#/components/schemas/{schema}"}],
    }
    return jsonschema_rs.Draft4Validator(root)


def _bodies() -> list[tuple[str, Any]]:
    state = seed_catalogue(42, count=30)
    some = views.listed(state)[:3]
    items = [
        {"patchType": "update", "patchClientId": 1, "isActive": False},
        {"patchType": "create", "patchClientId": 2, "name": "New", "serviceTypeId": 2},
        {"patchType": "delete", "patchClientId": 3, "identity": 1002},
    ]
    patched = patch.apply_batch(state, 1001, items)
    member = next(iter(state.share_plans.values()))["serviceIds"][0]
    page = views.page(state, 2, 4, detail=True)
    paging = {"page_number": 2, "page_size": 4}
    return [
        ("ServiceList", envelopes.listing(TRACKING, some)),
        ("ServiceList", envelopes.listing(TRACKING, [])),
        ("ServiceInstance", envelopes.instance(TRACKING, some[0])),
        (
            "ServiceDetailInstance",
            envelopes.instance(TRACKING, views.render_detail(state, state.get(1003))),
        ),
        (
            "ServiceWriteResults",
            envelopes.results(
                TRACKING,
                "create",
                [views.render(state, rules.create(state, {"name": "x", "serviceTypeId": 1}))],
            ),
        ),
        ("DeleteResults", envelopes.results(TRACKING, "delete", rules.delete(state, member))),
        (
            "PatchResults",
            envelopes.results(TRACKING, "patch", patched),
        ),
        (
            "ServicePaged",
            envelopes.paged(TRACKING, **paging, exclude_total_count=False, items=some, total=30),
        ),
        (
            "ServicePaged",
            envelopes.paged(TRACKING, **paging, exclude_total_count=True, items=[], total=30),
        ),
        (
            "ServicePagedDetail",
            envelopes.paged(
                TRACKING, **paging, exclude_total_count=False, items=page[0], total=page[1]
            ),
        ),
        ("SearchResults", envelopes.found(TRACKING, some)),
    ]


@pytest.mark.parametrize(("schema", "body"), _bodies())
def test_envelope_is_what_the_spec_describes(schema, body):
    errors = [error.message for error in _validator(schema).iter_errors(body)]
    assert not errors, errors
    assert body["trackingId"] == TRACKING


def test_a_page_counts_its_total_unless_asked_not_to():
    counted = envelopes.paged(
        TRACKING, page_number=1, page_size=5, exclude_total_count=False, items=[], total=9
    )
    hidden = envelopes.paged(
        TRACKING, page_number=1, page_size=5, exclude_total_count=True, items=[], total=9
    )
    assert counted["pagedResults"] == {"totalCount": 9, "items": []}
    assert hidden["pagedResults"] == {"items": []}
    assert hidden["pagination"] == {"pageNumber": 1, "pageSize": 5, "excludeTotalCount": True}


def test_the_validator_refuses_what_the_spec_does_not_describe():
    """The check above can fail: a body off its schema is refused."""
    body = envelopes.listing(TRACKING, [])
    assert not _validator("ServiceList").is_valid({**body, "extra": 1})
    assert not _validator("ServiceInstance").is_valid(body)
