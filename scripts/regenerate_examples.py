"""Rewrite the spec examples that quote seeded records with what a fresh mock answers.

    python scripts/regenerate_examples.py          # rewrite openapi/*.yaml
    python scripts/regenerate_examples.py --check  # exit 1 with a diff when they differ

The mock is started in process at the default seed and reference time and asked
for the records the examples show, through the API itself. Which record an
example shows is read from the spec's structure: a schema's ``example`` (or a
response's) is regenerated when a rule for that schema is listed in
:data:`RECORDS`, a path parameter's when its name is in :data:`PARAMETERS`.
The examples are rewritten in place (see ``yaml_patch.py``): only values that
differ change; comments, anchors, aliases and layout stay as written.

The example order of ``demo``/``main`` is the one that shows the most: a finished
order with items, billable hours at a rate, a customer-visible event, a sales
order and a customer email (ties: the lowest service number).
"""

from __future__ import annotations

import argparse
import difflib
import math
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))

import yaml_patch

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "openapi"
TENANT, STORE = "demo", "main"
T = f"/v1/tenants/{TENANT}"
P = f"{T}/stores/{STORE}"
#: The README's first example: open urgent and high orders, newest first.
FIRST_SCREEN = (
    "states=NEW&states=IN_PROGRESS&priorities=HIGH&priorities=URGENT&sort=createdAt&order=DESC"
)
Record = dict[str, Any]


class Mock:
    """A fresh mock in process, and the records the examples quote, read from its API."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from starlette.testclient import TestClient

        from servicestub.app import create_app
        from servicestub.core.settings import Settings

        self.client = TestClient(create_app(Settings()))
        self.order = self.example_order()
        uid = self.order["serviceOrderUid"]
        self.order_path = f"{P}/service-orders/{uid}"
        self.events = self.all(f"{self.order_path}/events")
        self.hours = self.all(f"{self.order_path}/hours")
        self.event = next((e for e in self.events if e["visibleToCustomer"]), self.events[0])
        self.hour = next((h for h in self.hours if h["hourlyRateUid"] and h["billable"]), None)
        self.notifications = self.all(f"{self.order_path}/notifications")
        self.sales_orders = self.all(f"{self.order_path}/sales-orders")
        self.public = self.get(f"{P}/public/service-orders/{self.order['publicHash']}")
        types = self.all(f"{T}/service-types")
        self.service_type = next(
            t for t in types if t["serviceTypeUid"] == self.order["serviceTypeUid"]
        )
        statuses = self.all(f"{T}/service-statuses")
        self.status = next(s for s in statuses if s["statusUid"] == self.order["statusUid"])
        rates = self.all(f"{T}/hourly-rates")
        rate_uid = self.hour["hourlyRateUid"] if self.hour else None
        self.rate = next((r for r in rates if r["hourlyRateUid"] == rate_uid), rates[0])

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params or None)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}: {response.text}")
        return response.json()

    def all(self, path: str) -> list[Record]:
        return self.get(path, perPage=100)["data"]

    def example_order(self) -> Record:
        orders = self.all(f"{P}/service-orders")

        def shows(order: Record) -> tuple[int, str]:
            path = f"{P}/service-orders/{order['serviceOrderUid']}"
            events, hours = self.all(f"{path}/events"), self.all(f"{path}/hours")
            shown = (
                order["state"] == "DONE",
                bool(order["items"]),
                any(h["hourlyRateUid"] and h["billable"] for h in hours),
                any(e["visibleToCustomer"] for e in events),
                bool(self.all(f"{path}/sales-orders")),
                bool((order["customer"] or {}).get("email")),
            )
            return -sum(shown), f"{order['serviceNumber']:>20}"

        return min(orders, key=shows)

    def listing(self, path: str, old: Any, query: str = "") -> Any:
        """The real answer to ``path`` with as many items as the old example shows."""
        size = max(len(old.get("data") or []), 1) if isinstance(old, dict) else 1
        separator = "&" if query else ""
        return self.get(f"{path}?{query}{separator}perPage={size}")

    # -- Services v4 -------------------------------------------------------------

    def service(self, old: Any, *, detail: bool = False) -> Record:
        identity = old.get("identity") if isinstance(old, dict) else None
        if self.client.get(f"/api/v4/Service/{identity}").status_code != 200:
            identity = self.get("/api/v4/Service/Paged", pageSize=1)["pagedResults"]["items"][0][
                "identity"
            ]
        return self.get(f"/api/v4/Service/{identity}" + ("/Detail" if detail else ""))["instance"]


def _fresh_runtime() -> Any:
    """A runtime of its own, for the examples of writes (they must not change ``Mock``)."""
    from servicestub.runtime import Runtime

    return Runtime()


def _created_service(mock: Mock, old: Any, document: dict[str, Any]) -> Any:
    """The create example: what the create body example makes, at the time it shows."""
    from datetime import datetime

    body = document["components"]["schemas"]["ServiceCreate"]["example"]
    was = old["results"]["items"][0]
    catalogue = _fresh_runtime().catalogue
    created = catalogue.create(body, now=datetime.fromisoformat(was["created"]))
    return {**old, "results": {**old["results"], "items": [catalogue.render(created)]}}


def _deleted_service(mock: Mock, old: Any) -> Any:
    identity = mock.service(old["results"]["items"][0])["identity"]
    report = _fresh_runtime().catalogue.delete(identity)
    return {**old, "results": {"totalCount": len(report), "items": report}}


def _search_results(mock: Mock, old: Any, document: dict[str, Any]) -> Any:
    query = document["components"]["schemas"]["SearchRequest"]["example"]
    response = mock.client.post("/api/v4/Service/Search", json=query)
    found = response.json()
    return {**old, "itemCount": found["itemCount"], "items": found["items"]}


def _health(mock: Mock, old: Any) -> Any:
    health = mock.get("/_mock/health")
    return {**old, "seed": health["seed"], "referenceTime": health["referenceTime"]}


Rule = Callable[[Mock, Any, dict[str, Any]], Any]


def _plain(make: Callable[[Mock, Any], Any]) -> Rule:
    return lambda mock, old, _document: make(mock, old)


#: (spec file, schema name) -> the value of an example of that schema.
RECORDS: dict[tuple[str, str], Rule] = {
    ("service-orders.yaml", name): _plain(make)
    for name, make in {
        "ServiceOrder": lambda m, _o: m.order,
        "ServiceOrderItem": lambda m, _o: m.order["items"][0],
        "ServiceEvent": lambda m, _o: m.event,
        "ServiceHours": lambda m, _o: m.hour or m.hours[0],
        "Notification": lambda m, _o: m.notifications[0],
        "SalesOrder": lambda m, _o: m.sales_orders[0],
        "Address": lambda m, _o: m.sales_orders[0]["orderAddress"],
        "ServiceType": lambda m, _o: m.service_type,
        "ServiceStatus": lambda m, _o: m.status,
        "HourlyRate": lambda m, _o: m.rate,
        "PublicServiceOrder": lambda m, _o: m.public,
        "PublicEvent": lambda m, _o: m.public["events"][0],
        "ReportFile": lambda m, o: {**o, "fileName": f"{m.order['serviceNumber']}.pdf"},
        "ServiceOrderCreate": lambda m, o: {
            **o,
            "serviceTypeUid": m.service_type["serviceTypeUid"],
        },
        "HoursInput": lambda m, o: {
            **o,
            "userId": (m.hour or m.hours[0])["userId"],
            "hourlyRateUid": m.rate["hourlyRateUid"],
        },
        "SalesOrderInput": lambda m, o: {
            **o,
            **{k: m.sales_orders[0][k] for k in ("customerId", "reference", "orderAddress")},
        },
        "ServiceOrderList": lambda m, o: m.listing(f"{P}/service-orders", o, FIRST_SCREEN),
        "EventList": lambda m, o: m.listing(f"{m.order_path}/events", o),
        "HoursList": lambda m, o: m.listing(f"{m.order_path}/hours", o),
        "NotificationList": lambda m, o: m.listing(f"{m.order_path}/notifications", o),
        "SalesOrderList": lambda m, o: m.listing(f"{m.order_path}/sales-orders", o),
        "ServiceTypeList": lambda m, o: m.listing(f"{T}/service-types", o),
        "ServiceStatusList": lambda m, o: m.listing(f"{T}/service-statuses", o),
        "HourlyRateList": lambda m, o: m.listing(f"{T}/hourly-rates", o),
    }.items()
} | {
    ("services-v4.yaml", "Service"): _plain(lambda m, o: m.service(o)),
    ("services-v4.yaml", "ServiceWithDetails"): _plain(lambda m, o: m.service(o, detail=True)),
    ("services-v4.yaml", "ServiceDetails"): lambda m, _o, d: m.service(
        d["components"]["schemas"]["Service"]["example"], detail=True
    )["details"],
    ("services-v4.yaml", "ServiceWriteResults"): lambda m, o, d: (
        _created_service(m, o, d) if o.get("type") == "create" else o
    ),
    ("services-v4.yaml", "DeleteResults"): _plain(_deleted_service),
    ("services-v4.yaml", "SearchResults"): _search_results,
    ("mock-admin.yaml", "Health"): _plain(_health),
}

#: Path parameter name -> its example (Service Orders: the example order's records).
PARAMETERS: dict[str, Callable[[Mock], Any]] = {
    "tenantId": lambda m: TENANT,
    "storeId": lambda m: STORE,
    "serviceOrderUid": lambda m: m.order["serviceOrderUid"],
    "itemUid": lambda m: m.order["items"][0]["itemUid"],
    "eventUid": lambda m: m.event["eventUid"],
    "hoursUid": lambda m: (m.hour or m.hours[0])["hoursUid"],
    "serviceTypeUid": lambda m: m.service_type["serviceTypeUid"],
    "statusUid": lambda m: m.status["statusUid"],
    "hourlyRateUid": lambda m: m.rate["hourlyRateUid"],
    "publicHash": lambda m: m.order["publicHash"],
}


def _ref_name(schema: Any) -> str | None:
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def _examples(document: dict[str, Any]) -> Iterator[tuple[list[Any], str]]:
    """(path to the example value, name of the schema it shows) for every example of a
    named schema: a schema's own, and those of media types (request bodies and
    responses, in paths and components)."""
    for name, schema in (document.get("components", {}).get("schemas") or {}).items():
        if "example" in schema:
            yield ["components", "schemas", name, "example"], name

    def media(node: Any, path: list[Any]) -> Iterator[tuple[list[Any], str]]:
        if isinstance(node, dict):
            if isinstance(node.get("content"), dict):
                for kind, content in node["content"].items():
                    name = _ref_name(content.get("schema"))
                    if name is None:
                        continue
                    if "example" in content:
                        yield [*path, "content", kind, "example"], name
                    for key in content.get("examples") or {}:
                        yield [*path, "content", kind, "examples", key, "value"], name
            for key, value in node.items():
                if key != "content":
                    yield from media(value, [*path, key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from media(value, [*path, index])

    yield from media(document.get("paths") or {}, ["paths"])
    for section in ("responses", "requestBodies"):
        yield from media(document.get("components", {}).get(section) or {}, ["components", section])


def _lookup(document: Any, path: list[Any]) -> Any:
    for key in path:
        document = document[key]
    return document


def changes(spec: str, document: dict[str, Any], mock: Mock) -> list[tuple[list[Any], Any]]:
    """The new value of every regenerated example of one spec, by path."""
    found: list[tuple[list[Any], Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for path, name in _examples(document):
        rule = RECORDS.get((spec, name))
        if rule is not None and tuple(path) not in seen:
            seen.add(tuple(path))
            found.append((path, rule(mock, _lookup(document, path), document)))
    if spec == "service-orders.yaml":
        for key, parameter in (document.get("components", {}).get("parameters") or {}).items():
            make = PARAMETERS.get(parameter.get("name"))
            if make is not None and parameter.get("in") == "path" and "example" in parameter:
                found.append((["components", "parameters", key, "example"], make(mock)))
    # meta of a listing: consistent with the page it shows
    for path, value in found:
        meta = value.get("meta") if isinstance(value, dict) else None
        if isinstance(meta, dict):
            assert meta["totalPages"] == math.ceil(meta["totalItems"] / meta["perPage"]), path
    return found


def regenerate(specs: Path = SPECS) -> dict[Path, tuple[str, str]]:
    """Each spec file under ``specs``: (text as it is, text with regenerated examples)."""
    mock = Mock()
    result = {}
    for path in sorted(specs.glob("*.yaml")):
        text = path.read_text()
        document = yaml.safe_load(text)
        result[path] = (text, yaml_patch.rewrite(text, changes(path.name, document, mock)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 and print a diff when the committed examples differ",
    )
    parser.add_argument(
        "--specs", type=Path, default=SPECS, help="folder of the spec files (default: openapi/)"
    )
    args = parser.parse_args(argv)
    differ = False
    for path, (before, after) in regenerate(args.specs).items():
        if before == after:
            continue
        differ = True
        name = path.name
        if args.check:
            sys.stdout.writelines(
                difflib.unified_diff(
                    before.splitlines(True), after.splitlines(True), name, f"{name} (regenerated)"
                )
            )
        else:
            path.write_text(after)
            print(f"{name}: examples regenerated")
    if args.check and differ:
        print(
            "\nThe spec examples differ from what the default seed produces; "
            "run `make examples` (scripts/regenerate_examples.py) and commit the result.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
