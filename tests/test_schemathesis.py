"""Schemathesis (its Python API) against the app in process, for every spec:
no server errors, and status codes, content types, headers and bodies that
conform — per operation, and through the stateful phase driven by `links`.

Sized for `make test`; `make fuzz` runs the long campaign."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from servicestub import Settings, create_app
from servicestub.specs import ORDERS, SERVICES

APP = create_app(Settings(validate_responses=True))
HYPOTHESIS = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
STATEFUL = settings(
    max_examples=15,
    stateful_step_count=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

orders_schema = schemathesis.openapi.from_asgi(f"{ORDERS.base_path}/openapi.json", APP)
services_schema = schemathesis.openapi.from_asgi(f"{SERVICES.base_path}/openapi.json", APP)


@orders_schema.parametrize()
@HYPOTHESIS
def test_orders_operations_conform(case):
    case.call_and_validate()


@services_schema.parametrize()
@HYPOTHESIS
def test_services_operations_conform(case):
    case.call_and_validate()


TestOrdersStateful = orders_schema.as_state_machine().TestCase
TestOrdersStateful.settings = STATEFUL
TestServicesStateful = services_schema.as_state_machine().TestCase
TestServicesStateful.settings = STATEFUL
