"""How schemathesis is set up for one spec: which checks, which phases, what
the specs allow, and nothing carried over from earlier runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.config._phases import InferenceConfig

from servicestub.contract import checks as custom
from servicestub.contract.model import SCHEMA_PHASES, Options

#: schemathesis's own checks that these specs make meaningful.
BUILTIN_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "use_after_free",
    "ensure_resource_availability",
)

#: Writes that name a referenced record by id (a service type, a workflow
#: status, an hourly rate, a v4 lookup) answer 400 naming the field when no
#: such record exists (api-surface.md); generated ids rarely exist, so for
#: exactly these operations 400 is a right answer to schema-valid data. So is
#: a PATCH batch with an invalid item (all or nothing), a search operator that
#: does not fit its field, and a state snapshot whose records break the APIs'
#: own schemas. (Mirrors the repository's schemathesis.toml; a test keeps the two equal.)
MAY_REJECT_VALID_DATA = (
    "orders.create_service_order",
    "orders.update_service_order",
    "hours.create_hours",
    "hours.update_hours",
    "services_v4.create_service",
    "services_v4.create_service_slash",
    "services_v4.update_service",
    "services_v4.patch_service",
    "services_v4.search_services",
    "admin.import_state",
)
VALID_DATA_STATUSES = ("2xx", "3xx", "400", "401", "403", "404", "409", "429")
#: Text may not hold NUL (U+0000); the specs say so and the mock answers 400.
GENERATION = {"allow-x00": False}

#: How the stateful phase may infer links beyond a spec's own ``links``, where
#: schemathesis's default (Location headers and dependency analysis) is wrong.
#: Services v4: dependency analysis fills the ``X-Tracking-Id`` header (a
#: correlation id, not a resource) from a listed service's integer ``id``, which
#: no HTTP client can even send; its own links cover every resource. The
#: control plane has no links and keeps the default.
LINK_INFERENCE = {"services": ["location-headers"]}


def infer_links_as_fits(api: str, schema: Any) -> None:
    """Narrow ``schema``'s link inference for ``api`` per :data:`LINK_INFERENCE`."""
    if api in LINK_INFERENCE:
        schema.config.phases.stateful.inference = InferenceConfig(algorithms=LINK_INFERENCE[api])


def checks_for(api: str) -> list[str]:
    """Every check a run of ``api`` performs: the built-in ones, then its own."""
    return [*BUILTIN_CHECKS, *custom.checks_for(api)]


def base_config(options: Options, excluded: Sequence[str] = ()) -> SchemathesisConfig:
    """Settings shared by every spec of a run. The cache of earlier runs is off:
    it would replay their requests first, and the same seed must send the same ones.
    Operations ``excluded`` (operationIds) are never sent."""
    off = [{"include-operation-id": list(excluded), "enabled": False}] if excluded else []
    return SchemathesisConfig.from_dict(
        {
            "seed": options.seed,
            "cache": {"enabled": False},
            "generation": dict(GENERATION),
            "operations": [
                {
                    "include-operation-id": list(MAY_REJECT_VALID_DATA),
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": list(VALID_DATA_STATUSES)}
                    },
                },
                *off,
            ],
        }
    )


def load_schema(
    api: str,
    document: dict[str, Any],
    base_url: str,
    options: Options,
    excluded: Sequence[str] = (),
) -> Any:
    """An OpenAPI document (which this takes over) as a schemathesis schema aimed
    at ``base_url``, tagged as ``api`` so that the custom checks recognise it."""
    document[custom.API_TAG] = api
    schema = schemathesis.openapi.from_dict(document, config=base_config(options, excluded))
    schema.config.update(
        base_url=base_url,
        headers=dict(options.headers) or None,
        workers=options.workers,
        request_timeout=options.request_timeout,
    )
    schema.config.generation.update(max_examples=options.max_examples, deterministic=True)
    schema.config.phases.update(phases=[p for p in options.phases if p in SCHEMA_PHASES])
    schema.config.checks.update(included_check_names=checks_for(api))
    infer_links_as_fits(api, schema)
    return schema
