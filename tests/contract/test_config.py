"""How the contract run is set up: its checks, its exemptions, its lifecycles."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from servicestub.contract.config import (
    GENERATION,
    MAY_REJECT_VALID_DATA,
    VALID_DATA_STATUSES,
    checks_for,
)
from servicestub.contract.lifecycle import lifecycles
from servicestub.specs import ORDERS, SERVICES

ROOT = Path(__file__).resolve().parents[2]
DEMANDED = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
}


@pytest.mark.parametrize("api", ["orders", "services", "admin"])
def test_every_api_runs_all_the_relevant_schemathesis_checks(api):
    assert set(checks_for(api)) >= DEMANDED


def test_exemptions_match_the_repository_schemathesis_toml():
    """`schemathesis run` from the checkout and `servicestub contract` agree
    on which operations may answer 400 to schema-valid data."""
    settings = tomllib.loads((ROOT / "schemathesis.toml").read_text())
    (block,) = settings["operations"]
    assert sorted(block["include-operation-id"]) == sorted(MAY_REJECT_VALID_DATA)
    expected = block["checks"]["positive_data_acceptance"]["expected-statuses"]
    assert expected == list(VALID_DATA_STATUSES)
    assert settings["generation"] == GENERATION


def test_lifecycles_are_read_from_the_specs_links():
    found = {
        create: (get["operationId"], delete["operationId"])
        for create, get, delete in lifecycles(ORDERS.document())
    }
    assert found["orders.create_service_order"] == (
        "orders.get_service_order",
        "orders.delete_service_order",
    )


def test_services_creates_are_followed_to_a_delete():
    creates = {create for create, _get, _delete in lifecycles(SERVICES.document())}
    assert creates == {"services_v4.create_service", "services_v4.create_service_slash"}
