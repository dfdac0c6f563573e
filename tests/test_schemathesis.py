"""Schemathesis (its Python API) against the app in process, for every spec:
no server errors, and status codes, content types, headers and bodies that
conform — per operation, and through the stateful phase driven by `links`.

Sized for `make test`; `make fuzz` runs the long campaign."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from servicestub import Settings, create_app
from servicestub.contract.config import infer_links_as_fits
from servicestub.specs import APIS

PER_OPERATION = settings(
    max_examples=12, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
STATEFUL = settings(
    max_examples=15,
    stateful_step_count=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _conformance_test():
    def operations_conform(case):
        case.call_and_validate()

    return PER_OPERATION(operations_conform)


for _spec in APIS:
    # One app per spec: fuzzing the control plane (resets, fault rules) must not
    # disturb the run over the business APIs.
    _app = create_app(Settings(validate_responses=True))
    _schema = schemathesis.openapi.from_asgi(f"{_spec.base_path}/openapi.json", _app)
    infer_links_as_fits(_spec.name, _schema)
    globals()[f"test_{_spec.name}_operations_conform"] = _schema.parametrize()(_conformance_test())
    _machine = _schema.as_state_machine().TestCase
    _machine.settings = STATEFUL
    globals()[f"Test{_spec.name.capitalize()}Stateful"] = _machine
