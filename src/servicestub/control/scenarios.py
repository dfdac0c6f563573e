"""Scenarios: YAML files under ``fixtures/`` that describe a state in the
vocabulary of the two APIs. Fields left out are filled deterministically;
``count: N`` asks for N generated records. They only write to the stores."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema

from servicestub.apis.orders import money, records
from servicestub.apis.orders.repair_shop import WORKFLOW
from servicestub.apis.orders.seeding import orders_store, seed_store, seed_tenant, uuid4_text
from servicestub.apis.orders.service_orders import refresh_totals
from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.apis.services_v4.catalogue import Catalogue
from servicestub.apis.services_v4.vocabulary import SHARE_PLANS
from servicestub.core.safe_yaml import YamlLimitError, YamlLimits, load_file
from servicestub.core.settings import Settings
from servicestub.core.shapes import Record
from servicestub.engine.seeding import DAY, iso_at, rng_for

SCHEMA_PATH = Path(__file__).with_name("scenario.schema.json")
_PACKAGED = Path(__file__).parents[1] / "fixtures"
_CHECKOUT = Path(__file__).resolve().parents[3] / "fixtures"
FIXTURES_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


#: What a scenario file may be: its size, the values it stands for (aliases
#: expanded) and their depth — a shipped scenario is a few KB, some hundred values.
LIMITS = YamlLimits(max_bytes=1 << 20, max_nodes=100_000, max_depth=32)
#: Records (orders, services, share plans) one scenario file may ask for in all,
#: every ``count`` added up, aliased ones included.
MAX_RECORDS = 200_000


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names file, place and problem."""


@functools.cache  # no arguments: one entry, bounded by construction
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(SCHEMA_PATH.read_text()))


def _where(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top level)"


def _message(error: jsonschema.ValidationError) -> str:
    message: str = error.message
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "additionalProperties":
        return message.replace("Additional properties are not allowed", "unknown field(s)")
    return message


def read(path: Path) -> Record:
    """Parse and validate one scenario file (within :data:`LIMITS` and
    :data:`MAX_RECORDS`)."""
    try:
        data = load_file(path, LIMITS)
    except YamlLimitError as error:
        raise ScenarioError(f"{path}: {error}") from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        deepest = min(errors, key=lambda e: -len(e.absolute_path))
        if deepest.validator == "oneOf" and deepest.context:
            deepest = max(deepest.context, key=lambda e: len(e.absolute_path))
        raise ScenarioError(f"{path}: {_where(deepest.absolute_path)}: {_message(deepest)}")
    _check_records(path, data)
    scenario: Record = data
    return scenario


def _counts(data: Record) -> Iterator[tuple[list[str | int], int]]:
    """(place, records) of everything the scenario asks to be made, in file order."""
    for tenant_id, tenant in (data.get("tenants") or {}).items():
        for store_id, store in ((tenant or {}).get("stores") or {}).items():
            where = ["tenants", tenant_id, "stores", store_id, "serviceOrders"]
            orders = store.get("serviceOrders", [])
            if isinstance(orders, dict):
                yield [*where, "count"], orders["count"]
            else:
                for index, entry in enumerate(orders):
                    yield [*where, index, "count"], entry.get("count", 1)
    services = data.get("services")
    if services:
        yield ["services", "count"], services.get("count", 200)
        plans = services.get("sharePlans")
        if isinstance(plans, dict):
            yield ["services", "sharePlans", "count"], plans["count"]
        yield ["services", "items"], len(services.get("items") or [])


def _check_records(path: Path, data: Record) -> None:
    total = 0
    for where, count in _counts(data):
        total += count
        if total > MAX_RECORDS:
            raise ScenarioError(
                f"{path}: {_where(where)}: the scenario asks for more than {MAX_RECORDS:,} "
                "records (orders, services, share plans) in all; make the counts smaller"
            )


def catalog(fixtures_dir: Path | None = None) -> list[dict[str, str]]:
    """Name and description of every scenario, by name (invalid files say so)."""
    found = []
    for path in sorted((fixtures_dir or FIXTURES_DIR).glob("*.yaml")):
        try:
            description = read(path)["description"]
        except ScenarioError as error:
            description = f"INVALID: {error}"
        found.append({"name": path.stem, "description": description})
    return found


def find(name_or_path: str, fixtures_dir: Path | None = None) -> Path:
    """A scenario by name (under fixtures/) or by file path."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    path = (fixtures_dir or FIXTURES_DIR) / f"{name_or_path}.yaml"
    if not path.exists():
        names = ", ".join(s["name"] for s in catalog(fixtures_dir)) or "none"
        raise FileNotFoundError(f"No scenario '{name_or_path}' (known: {names}).")
    return path


# -- building a state ---------------------------------------------------------


class _Builder:
    def __init__(
        self, settings: Settings, seed: int, name: str, reference_time: datetime | None
    ) -> None:
        self.settings = settings
        self.seed = seed
        self.name = name
        self.orders = orders_store(settings, seed, reference_time)
        self.reference_time = self.orders.reference_time

    def uid(self, *parts: str) -> str:
        return uuid4_text(rng_for(self.seed, "scenario", self.name, *parts).getrandbits(128))

    def tenant(self, tenant_id: str, spec: Record) -> Tenant:
        tenant = seed_tenant(self.seed, tenant_id, reference=self.orders.reference)
        tenant.currency = spec.get("currency", tenant.currency)
        for rate in tenant.hourly_rates.values():  # generated rates are in the tenant's currency
            rate["currency"] = tenant.currency
        if "serviceTypes" in spec:
            tenant.service_types = {}
            for index, item in enumerate(spec["serviceTypes"]):
                uid = self.uid(tenant_id, "type", str(index))
                created = iso_at(self.orders.reference - 365 * DAY)
                tenant.service_types[uid] = records.SERVICE_TYPE.build(
                    uid, {**item, "createdAt": created}
                )
        if "statuses" in spec:
            tenant.statuses = {}
            for position, item in enumerate(spec["statuses"], start=1):
                uid = self.uid(tenant_id, "status", str(position))
                color = next((c for n, c, _f in WORKFLOW if n == item["name"]), "#607d8b")
                tenant.statuses[uid] = records.STATUS.build(
                    uid, {"color": color, **item, "position": position}
                )
        if "hourlyRates" in spec:
            tenant.hourly_rates = {}
            for index, item in enumerate(spec["hourlyRates"]):
                uid = self.uid(tenant_id, "rate", str(index))
                tenant.hourly_rates[uid] = records.HOURLY_RATE.build(
                    uid, {**item, "currency": tenant.currency}
                )
        for store_id, store_spec in (spec.get("stores") or {}).items():
            tenant.stores[store_id] = self.store(
                tenant, store_id, store_spec.get("serviceOrders", [])
            )
        self.orders.adopt(tenant)
        return tenant

    def store(self, tenant: Tenant, store_id: str, spec: Any) -> Store:
        if isinstance(spec, dict):
            return self.seeded_store(tenant, store_id, spec["count"])
        entries = [entry for entry in spec for _ in range(entry.get("count", 1))]
        store = self.seeded_store(tenant, store_id, len(entries))
        for index, (bundle, entry) in enumerate(zip(store.orders.values(), entries, strict=True)):
            self.apply(tenant, bundle, entry, f"{tenant.tenant_id}/{store_id}/{index}")
        return store

    def seeded_store(self, tenant: Tenant, store_id: str, count: int) -> Store:
        return seed_store(
            self.seed, tenant, store_id, count, self.orders.hasher, reference=self.orders.reference
        )

    def _named(
        self, tenant: Tenant, table: dict[str, Record], key: str, name: str, what: str
    ) -> str:
        for record in table.values():
            if record["name"] == name:
                uid: str = record[key]
                return uid
        known = ", ".join(sorted(r["name"] for r in table.values()))
        raise ScenarioError(
            f"{what} '{name}' is not defined for tenant '{tenant.tenant_id}' (known: {known})"
        )

    def apply(self, tenant: Tenant, bundle: OrderBundle, entry: Record, where: str) -> None:
        bundle.settle()  # the seeded details describe the seeded order; then it is changed
        order = bundle.order
        for field in (
            "title",
            "description",
            "state",
            "priority",
            "assignedUserId",
            "createdFromStoreId",
            "dueDate",
        ):
            if field in entry:
                order[field] = entry[field]
        if "status" in entry:
            order["statusUid"] = self._named(
                tenant, tenant.statuses, "statusUid", entry["status"], "status"
            )
        if "serviceType" in entry:
            order["serviceTypeUid"] = self._named(
                tenant, tenant.service_types, "serviceTypeUid", entry["serviceType"], "service type"
            )
        if "customer" in entry:
            order["customer"] = records.customer(entry["customer"])
        if "items" in entry:
            order["items"] = [
                records.ITEM.build(self.uid(where, "item", str(i)), item)
                for i, item in enumerate(entry["items"])
            ]
        if "events" in entry:
            bundle.events = {}
            for i, event in enumerate(entry["events"]):
                uid = self.uid(where, "event", str(i))
                bundle.events[uid] = records.EVENT.build(
                    uid, {**event, "createdAt": order["createdAt"]}
                )
        if "hours" in entry:
            bundle.hours = {}
            for i, hours in enumerate(entry["hours"]):
                uid = self.uid(where, "hours", str(i))
                rate = (
                    self._named(
                        tenant,
                        tenant.hourly_rates,
                        "hourlyRateUid",
                        hours["hourlyRate"],
                        "hourly rate",
                    )
                    if "hourlyRate" in hours
                    else None
                )
                price = money.hours_price(tenant.hourly_rates.get(rate or ""), tenant.currency)
                bundle.hours[uid] = records.HOURS.build(
                    uid,
                    {
                        "userId": order["assignedUserId"] or tenant.staff[0],
                        "date": order["createdAt"][:10],
                        **hours,
                        "hourlyRateUid": rate,
                        "unitPrice": price,
                        "createdAt": order["createdAt"],
                    },
                )
        refresh_totals(tenant, bundle)
        bundle.changed()

    def catalogue(self, spec: Record | None) -> Catalogue:
        if not spec:
            return Catalogue.seeded(self.seed, reference_time=self.reference_time)
        plans = spec.get("sharePlans")
        if isinstance(plans, dict):
            plans = [
                (
                    SHARE_PLANS[i % len(SHARE_PLANS)]
                    + (f" {i // len(SHARE_PLANS) + 1}" if i >= len(SHARE_PLANS) else ""),
                    None,
                )
                for i in range(plans["count"])
            ]
        elif isinstance(plans, list):
            plans = [(p["name"], p.get("services")) for p in plans]
        catalogue = Catalogue.seeded(
            self.seed,
            count=spec.get("count", 200),
            inactive_share=spec.get("inactiveShare", 0.15),
            share_plans=plans,
            reference_time=self.reference_time,
        )
        for table, names in (spec.get("lookups") or {}).items():
            catalogue.rename_lookup(table, names)
        for item in spec.get("items") or []:
            self.add_service(catalogue, item)
        return catalogue

    def add_service(self, catalogue: Catalogue, item: Record) -> None:
        def lookup(table: str, name: str) -> int:
            for identity, known in catalogue.lookups[table].items():
                if known == name:
                    return identity
            names = ", ".join(catalogue.lookups[table].values())
            raise ScenarioError(f"services.items: '{name}' is not in {table} (known: {names})")

        body: Record = {
            k: item[k]
            for k in ("name", "description", "isActive", "isTaxExempt", "usageFrequency")
            if k in item
        }
        body["serviceTypeId"] = (
            lookup("serviceTypes", item["serviceType"]) if "serviceType" in item else 1
        )
        if "serviceCategory" in item:
            body["serviceCategoryId"] = lookup("serviceCategories", item["serviceCategory"])
        if "usageFrequencyType" in item:
            body["usageFrequencyTypeId"] = lookup("usageFrequencyTypes", item["usageFrequencyType"])
        service = catalogue.create(body, now=self.reference_time)
        for plan_name in item.get("sharePlans", []):
            plan = next((p for p in catalogue.share_plans.values() if p["name"] == plan_name), None)
            if plan is None:
                raise ScenarioError(f"services.items: no share plan '{plan_name}'")
            plan["serviceIds"].append(service["identity"])


def build(
    path: Path, settings: Settings, seed: int, reference_time: datetime | None = None
) -> tuple[int, OrdersStore, Catalogue]:
    """The state a scenario describes: (seed, orders, catalogue); generated records
    are laid out before ``reference_time`` (default: the settings')."""
    data = read(path)
    seed = data.get("seed", seed)
    builder = _Builder(settings, seed, path.stem, reference_time)
    try:
        for tenant_id, spec in (data.get("tenants") or {}).items():
            builder.tenant(tenant_id, spec or {})
        catalogue = builder.catalogue(data.get("services"))
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None
    return seed, builder.orders, catalogue
