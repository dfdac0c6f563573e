"""The JSON Schema of a state snapshot, built from the API specs' own record
schemas, so an imported record must look exactly like one the API would answer.

It checks each field on its own (counters within the range the server issues
and writes); what must hold across fields and records is checked after it by
:mod:`servicestub.control.snapshot_check`."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs
import yaml

from servicestub.apis.services_v4.catalogue import IDENTITY_MAX
from servicestub.control.snapshot import FORMAT, VERSION
from servicestub.control.snapshot_check import invariant_problem, place
from servicestub.core.json_schema import to_json_schema
from servicestub.engine.ids import COUNTER_MAX
from servicestub.specs import ORDERS, SERVICES, ApiSpec


def _components(spec: ApiSpec, prefix: str) -> dict[str, Any]:
    """The spec's schemas with their ``$ref``s moved under ``#/definitions/<prefix>``."""

    def move(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (
                    v.replace("#/components/schemas/", f"#/definitions/{prefix}/")
                    if k == "$ref"
                    else move(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [move(item) for item in node]
        return node

    document = yaml.safe_load(spec.path.read_text())
    schemas: dict[str, Any] = to_json_schema(move(document["components"]["schemas"]))
    return schemas


def _array(ref: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": ref}}


def _o(name: str) -> str:
    return f"#/definitions/orders/{name}"


def _integer(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


#: An id of the server's own records and tables (the uniqueness and the path
#: pattern of record uids are checked with the invariants).
_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}
_IDENTITY = _integer(1, IDENTITY_MAX)


def _stored_service(services: dict[str, Any]) -> dict[str, Any]:
    """A v4 ``Service`` as stored: the API's record without the ``*Name`` fields,
    which are resolved from the lookups when read."""
    service = services["Service"]
    names = {
        field
        for field, schema in service["properties"].items()
        if schema.get("$ref", "").endswith("/ResolvedName")
    }
    return {
        **service,
        "required": [field for field in service["required"] if field not in names],
        "properties": {k: v for k, v in service["properties"].items() if k not in names},
    }


def _schema() -> dict[str, Any]:
    services = _components(SERVICES, "services")
    store = {
        "type": "object",
        "required": ["storeId", "nextNumber", "nextSalesNumber", "orders"],
        "properties": {
            "storeId": _ID,
            # "next" counters: the value they issue next (at most COUNTER_MAX).
            "nextNumber": _integer(1, COUNTER_MAX + 1),
            "nextSalesNumber": _integer(1, COUNTER_MAX + 1),
            "orders": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["order", "events", "hours", "notifications", "salesOrders"],
                    "properties": {
                        "order": {"$ref": _o("ServiceOrder")},
                        "events": _array(_o("ServiceEvent")),
                        "hours": _array(_o("ServiceHours")),
                        "notifications": _array(_o("Notification")),
                        "salesOrders": _array(_o("SalesOrder")),
                    },
                },
            },
        },
    }
    tenant = {
        "type": "object",
        "required": [
            "tenantId",
            "currency",
            "staff",
            "serviceTypes",
            "statuses",
            "hourlyRates",
            "stores",
        ],
        "properties": {
            "tenantId": _ID,
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            # Seeding a new store of the tenant draws from staff, types and rates.
            "staff": {"type": "array", "items": _ID, "minItems": 1},
            "serviceTypes": {**_array(_o("ServiceType")), "minItems": 1},
            "statuses": {**_array(_o("ServiceStatus")), "minItems": 1},
            "hourlyRates": {**_array(_o("HourlyRate")), "minItems": 1},
            "stores": {"type": "array", "items": store},
        },
    }
    lookup_rows = {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["identity", "name"],
            "properties": {"identity": _IDENTITY, "name": {"type": "string"}},
        },
    }
    stored_service = _stored_service(services)
    return {
        "type": "object",
        "required": ["format", "version", "seed", "orders", "services", "held"],
        "properties": {
            "format": {"enum": [FORMAT]},
            "version": {"enum": [VERSION]},
            "seed": _integer(0, 2**64 - 1),
            "referenceTime": {"type": "string"},
            "orders": {
                "type": "object",
                "required": ["idsIssued", "tenants"],
                "properties": {
                    "idsIssued": _integer(0, COUNTER_MAX),
                    "tenants": {"type": "array", "items": tenant},
                },
            },
            "services": {
                "type": "object",
                "required": ["ownerId", "lastIdentity", "lookups", "services", "sharePlans"],
                "properties": {
                    "ownerId": _IDENTITY,
                    "lastIdentity": _integer(0, IDENTITY_MAX),
                    "lookups": {"type": "object", "additionalProperties": lookup_rows},
                    "services": {"type": "array", "items": stored_service},
                    "sharePlans": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["identity", "name", "serviceIds"],
                            "properties": {
                                "identity": _IDENTITY,
                                "name": {"type": "string", "minLength": 1},
                                "serviceIds": {
                                    "type": "array",
                                    "items": _IDENTITY,
                                    "uniqueItems": True,
                                },
                            },
                        },
                    },
                },
            },
            # Records of collections the engine serves: checked against what this
            # server serves when restored (servicestub.engine.dispatch.restore).
            "held": {
                "type": "object",
                "additionalProperties": False,
                "required": ["idsIssued", "groups"],
                "properties": {
                    "idsIssued": _integer(0, COUNTER_MAX),
                    "groups": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["api", "collection", "scope", "records"],
                            "properties": {
                                "api": {"type": "string"},
                                "collection": {"type": "string"},
                                "scope": {"type": "object", "additionalProperties": _ID},
                                "records": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    },
                },
            },
        },
        "definitions": {
            "orders": _components(ORDERS, "orders"),
            "services": services,
        },
    }


@functools.cache  # no arguments: one entry, bounded by construction
def _validator() -> Any:
    return jsonschema_rs.Draft4Validator(_schema(), validate_formats=True)


def snapshot_problem(data: Any) -> str | None:
    """Where and how ``data`` is not a valid snapshot; ``None`` when it is: first
    each field against the schema, then the invariants across records."""
    for error in _validator().iter_errors(data):
        return f"{place(error.instance_path, data)}: {error.message}"
    return invariant_problem(data)
