"""The v4 spec's examples are what a fresh mock answers under the default seed,
so "Try it out" in Swagger UI shows the records the examples name."""

from __future__ import annotations

from datetime import datetime

import pytest

from servicestub.apis.services_v4.catalogue import Catalogue
from servicestub.core.settings import DEFAULT_SEED
from servicestub.specs import SERVICES

SCHEMAS = SERVICES.document()["components"]["schemas"]
CREATED = SERVICES.document()["components"]["responses"]["ServiceCreated"]["content"][
    "application/json"
]["example"]["results"]["items"][0]


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue.seeded(DEFAULT_SEED)


def test_service_example_is_the_seeded_record(catalogue):
    example = SCHEMAS["Service"]["example"]
    assert catalogue.render(catalogue.get(example["identity"])) == example


def test_detail_example_is_the_seeded_record_with_its_share_plans(catalogue):
    example = SCHEMAS["ServiceWithDetails"]["example"]
    assert catalogue.render_detail(catalogue.get(example["identity"])) == example
    assert example["details"]["sharePlans"]["totalCount"] > 0


def test_create_example_is_what_the_create_body_example_makes(catalogue):
    when = datetime.fromisoformat(CREATED["created"])
    created = catalogue.create(SCHEMAS["ServiceCreate"]["example"], now=when)
    assert catalogue.render(created) == CREATED


def test_delete_example_is_the_report_of_deleting_the_example_service(catalogue):
    example = SCHEMAS["DeleteResults"]["example"]["results"]
    identity = example["items"][0]["identity"]
    assert catalogue.delete(identity) == example["items"]
    assert example["totalCount"] == len(example["items"])


def test_search_example_finds_the_example_service(catalogue):
    query = SCHEMAS["SearchRequest"]["example"]["query"]
    found = catalogue.find(query["search"], query["top"])
    assert found == SCHEMAS["SearchResults"]["example"]["items"]
