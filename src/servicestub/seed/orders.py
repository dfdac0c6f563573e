"""Seed data of the Service Orders API, derived only from (seed, tenantId[, storeId]).

A tenant gets a handful of service types, 5-8 workflow statuses and a few
hourly rates; a store gets service orders with items, events, hours,
notifications and some sales orders, all dated before
:data:`~servicestub.seed.common.REFERENCE_TIME`.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import sys
from typing import Any, NamedTuple

from servicestub.domain import money
from servicestub.domain.notifications import channel_for
from servicestub.domain.orders import order_totals
from servicestub.domain.public_hash import PublicHasher
from servicestub.domain.sales import build_sales_order
from servicestub.domain.search import new_order_index
from servicestub.domain.vocabulary import STATE_LABELS
from servicestub.seed import repair_shop as shop
from servicestub.seed.common import (
    DAY,
    REFERENCE_EPOCH,
    bulk_allocation,
    day_at,
    iso_at,
    rng_for,
)
from servicestub.seed.people import people
from servicestub.store.orders import OrderBundle, Store, Tenant

Record = dict[str, Any]
PRIORITY_WEIGHTS = {"NONE": 30, "LOW": 15, "NORMAL": 35, "HIGH": 15, "URGENT": 5}
_PRIORITIES = tuple(PRIORITY_WEIGHTS)
_PRIORITY_CUMULATIVE = tuple(itertools.accumulate(PRIORITY_WEIGHTS.values()))
_SETTLED = ("DONE", "CLOSED", "CANCELLED")
_SETTLED_CUMULATIVE = (2, 9, 10)


_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (4 << 76) | (0x8000 << 48)


def _uid(rng: random.Random) -> str:
    """``str(uuid.UUID(int=rng.getrandbits(128), version=4))``, formatted directly
    (seeding makes hundreds of thousands of them)."""
    return _uuid4(rng.getrandbits(128))


def _uuid4(bits: int) -> str:
    """The UUID4 made of 128 random ``bits``, as text."""
    text = f"{bits & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def seed_tenant(seed: int, tenant_id: str) -> Tenant:
    """A tenant's set-up, identical for the same seed and id."""
    rng = rng_for(seed, "tenant", tenant_id)
    staff = rng.sample(people(seed).staff, 6)
    tenant = Tenant(tenant_id=tenant_id, currency="EUR", staff=staff)
    for name, description, priority in rng.sample(shop.SERVICE_TYPES, rng.randint(4, 6)):
        created = REFERENCE_EPOCH - rng.randint(300 * DAY, 400 * DAY)
        uid = _uid(rng)
        tenant.service_types[uid] = {
            "serviceTypeUid": uid,
            "name": name,
            "description": description,
            "defaultPriority": priority,
            "active": rng.random() > 0.1,
            "createdAt": iso_at(created),
        }
    count = rng.randint(5, 8)
    keep = sorted(rng.sample(range(len(shop.WORKFLOW)), count))
    for position, index in enumerate(keep, start=1):
        name, color, final = shop.WORKFLOW[index]
        uid = _uid(rng)
        tenant.statuses[uid] = {
            "statusUid": uid,
            "name": name,
            "position": position,
            "color": color,
            "isFinal": final,
        }
    for name, code, price in rng.sample(shop.HOURLY_RATES, rng.randint(2, 4)):
        uid = _uid(rng)
        tenant.hourly_rates[uid] = {
            "hourlyRateUid": uid,
            "name": name,
            "price": price,
            "currency": tenant.currency,
            "code": code,
            "active": True,
        }
    return tenant


HOUR_STEPS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


class _HourDraw(NamedTuple):
    """The random choices behind one seeded hours entry."""

    step: int
    bits: int
    user: str
    rate_uid: str | None
    hours: float
    description: str
    billable: bool


@dataclasses.dataclass(frozen=True, slots=True)
class _StoreFacts:
    """What the details of every seeded order of one store draw on. It holds no
    tenant or store (that would make a reference cycle through the bundles)."""

    seed: int
    tenant_id: str
    store_id: str
    currency: str
    staff: tuple[str, ...]
    rate_uids: tuple[str, ...]
    #: The hourly rates as they were at seeding (a client may change them later).
    rates: dict[str, Record]
    addresses: tuple[dict[str, str], ...]

    def rng(self, order_uid: str) -> random.Random:
        """The generator of one order's details: the same whenever they are made."""
        return rng_for(self.seed, "details", self.tenant_id, self.store_id, order_uid)

    def hour_draws(self, rng: random.Random, user: str | None) -> list[_HourDraw]:
        """The random choices behind an order's hours, in the order they are drawn."""
        return [
            _HourDraw(
                step,
                rng.getrandbits(128),
                user or rng.choice(self.staff),
                rng.choice(self.rate_uids) if self.rate_uids and rng.random() < 0.9 else None,
                rng.choice(HOUR_STEPS),
                rng.choice(shop.HOURS_WORK),
                rng.random() < 0.9,
            )
            for step in range(rng.randint(1, 3))
        ]

    def price(self, rate_uid: str | None) -> float:
        """The unit price of hours booked at ``rate_uid`` when the store was seeded."""
        return money.hours_price(self.rates.get(rate_uid) if rate_uid else None, self.currency)

    def amount(self, rate_uid: str | None, hours: float) -> float:
        return money.line_amount(hours, self.price(rate_uid))


@dataclasses.dataclass(frozen=True, slots=True)
class _Details:
    """The hours, events, notifications and sales order of one seeded order,
    made the first time anything reads them (or before anything changes the
    order). They say what they said of the order as it was seeded."""

    facts: _StoreFacts
    order_uid: str
    number: str
    title: str
    state: str
    user: str | None
    customer: Record | None
    created: int
    age_days: float
    fault: str
    #: ``AO-`` number of its sales order, if it has one.
    sales_number: int | None

    def __call__(self, bundle: OrderBundle) -> None:
        rng = self.facts.rng(self.order_uid)
        if self.state != "NEW":
            self.hours(bundle, rng)
        self.history(bundle, rng)
        if self.sales_number is not None:
            self.sales_order(bundle, rng)

    def at(self, fraction: float) -> str:
        return _at(self.created, self.age_days, fraction)

    def hours(self, bundle: OrderBundle, rng: random.Random) -> None:
        for draw in self.facts.hour_draws(rng, self.user):
            uid = _uuid4(draw.bits)
            booked = self.at(0.2 * (draw.step + 1))
            bundle.hours[uid] = {
                "hoursUid": uid,
                "userId": draw.user,
                "hourlyRateUid": draw.rate_uid,
                "date": sys.intern(booked[:10]),
                "hours": draw.hours,
                "description": draw.description,
                "billable": draw.billable,
                "unitPrice": self.facts.price(draw.rate_uid),
                "amount": self.facts.amount(draw.rate_uid, draw.hours),
                "createdAt": booked,
            }

    def history(self, bundle: OrderBundle, rng: random.Random) -> None:
        route = channel_for(self.customer)

        def notification(message: str, when: str) -> None:
            if route is None:
                return
            uid = _uid(rng)
            bundle.notifications[uid] = {
                "notificationUid": uid,
                "channel": route[0],
                "recipient": route[1],
                "message": message,
                "status": "SENT" if rng.random() < 0.95 else "FAILED",
                "createdAt": when,
            }

        def event(kind: str, message: str, when: str, visible: bool) -> None:
            uid = _uid(rng)
            bundle.events[uid] = {
                "eventUid": uid,
                "type": kind,
                "message": message,
                "userId": self.user,
                "visibleToCustomer": visible,
                "createdAt": when,
            }
            if visible:
                notification(message, when)

        received = iso_at(self.created)
        event("NOTE", f"Device received. Customer reports: {self.fault}.", received, False)
        notification(f"We have received your service order {self.number}: {self.title}.", received)
        if self.state == "NEW":
            return
        if rng.random() < 0.6:
            message = rng.choice(shop.CUSTOMER_MESSAGES)
            event("CUSTOMER_CONTACT", message, self.at(0.3), True)
        if rng.random() < 0.4:
            event("INTERNAL", rng.choice(shop.INTERNAL_NOTES), self.at(0.35), False)
        notification(
            f"Your service order {self.number} is now {STATE_LABELS[self.state]}.", self.at(0.9)
        )

    def sales_order(self, bundle: OrderBundle, rng: random.Random) -> None:
        customer = self.customer or {}
        body = {
            "customerId": customer.get("customerId"),
            "reference": self.number,
            "orderAddress": {"name": customer.get("name"), **rng.choice(self.facts.addresses)},
        }
        record = build_sales_order(
            self.facts.rates,
            self.facts.currency,
            bundle,
            body,
            number=self.sales_number,
            uid=_uid(rng),
            created_at=self.at(0.95),
        )
        bundle.sales_orders[record["salesOrderUid"]] = record


def _at(created: int, age_days: float, fraction: float) -> str:
    """The timestamp ``fraction`` of the way from ``created`` (epoch seconds) to now."""
    return iso_at(created + int(age_days * DAY * fraction))


class _StoreSeeder:
    def __init__(self, seed: int, tenant: Tenant, store: Store, hasher: PublicHasher) -> None:
        self.rng = rng_for(seed, "store", tenant.tenant_id, store.store_id)
        self.people = people(seed)
        self.tenant = tenant
        self.store = store
        self.hasher = hasher
        self.statuses = sorted(tenant.statuses.values(), key=lambda s: s["position"])
        self.type_uids = sorted(tenant.service_types)
        self.facts = _StoreFacts(
            seed=seed,
            tenant_id=tenant.tenant_id,
            store_id=store.store_id,
            currency=tenant.currency,
            staff=tuple(tenant.staff),
            # hours are only booked at rates in the tenant's currency (a client may
            # have moved one to another): see servicestub.domain.money
            rate_uids=tuple(
                sorted(
                    uid
                    for uid, rate in tenant.hourly_rates.items()
                    if rate["currency"] == tenant.currency
                )
            ),
            rates={uid: dict(rate) for uid, rate in tenant.hourly_rates.items()},
            addresses=self.people.addresses,
        )

    def uid(self) -> str:
        return _uid(self.rng)

    def order(self, created_offset: int) -> OrderBundle:
        rng = self.rng
        created = REFERENCE_EPOCH - created_offset
        age_days = created_offset / DAY
        brand, model, code, category = rng.choice(shop.DEVICES)
        fault = rng.choice(shop.FAULTS[category])
        if age_days < 3:
            state = rng.choice(("NEW", "NEW", "IN_PROGRESS"))
        elif age_days < 14:
            state = rng.choice(("IN_PROGRESS", "WAITING", "DONE"))
        else:
            state = rng.choices(_SETTLED, cum_weights=_SETTLED_CUMULATIVE)[0]
        progress = {"NEW": 0.0, "IN_PROGRESS": 0.4, "WAITING": 0.5}.get(state, 1.0)
        status = self.statuses[min(int(progress * len(self.statuses)), len(self.statuses) - 1)]
        person = rng.choice(self.people.customers)
        reach = rng.random()
        customer = {
            "customerId": f"C{rng.randint(100000, 999999)}",
            "name": person["name"],
            "email": person["email"] if reach < 0.8 else None,
            "phone": person["phone"] if reach < 0.95 else None,
        }
        uid = self.uid()
        number = self.store.next_number
        self.store.next_number += 1
        stamp = iso_at(created)
        order: Record = {
            "serviceOrderUid": uid,
            "serviceNumber": f"SO-{number}",
            # a few hundred devices and faults: interned, a store holds each text once
            "title": sys.intern(f"{brand} {model} — {fault}"),
            "description": sys.intern(f"Customer reports: {fault}. Device: {brand} {model}."),
            "state": state,
            "statusUid": status["statusUid"],
            "serviceTypeUid": rng.choice(self.type_uids),
            "priority": rng.choices(_PRIORITIES, cum_weights=_PRIORITY_CUMULATIVE)[0],
            "assignedUserId": rng.choice(self.tenant.staff) if rng.random() < 0.85 else None,
            "createdFromStoreId": self.store.store_id if rng.random() < 0.9 else "online",
            "customer": customer,
            "dueDate": day_at(created // DAY + rng.randint(3, 14)),
            "items": self.items(category, code),
            "totals": {},
            "publicHash": self.hasher.seal(self.tenant.tenant_id, self.store.store_id, uid),
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        billable: list[float] = []
        if state != "NEW":
            # Only the amounts now (for the totals); the entries when first read.
            draws = self.facts.hour_draws(self.facts.rng(uid), order["assignedUserId"])
            billable = [self.facts.amount(d.rate_uid, d.hours) for d in draws if d.billable]
            order["updatedAt"] = _at(created, age_days, 0.9)
        order["totals"] = order_totals(self.facts.currency, order["items"], billable)
        sales_number = None
        if state in ("DONE", "CLOSED") and rng.random() < 0.5:
            sales_number = self.store.next_sales_number
            self.store.next_sales_number += 1
        details = _Details(
            facts=self.facts,
            order_uid=uid,
            number=order["serviceNumber"],
            title=order["title"],
            state=state,
            user=order["assignedUserId"],
            customer=customer,  # not copied: the order is settled before any change
            created=created,
            age_days=age_days,
            fault=fault,
            sales_number=sales_number,
        )
        return OrderBundle(order=order, deferred=details)

    def items(self, category: str, code: str) -> list[Record]:
        rng = self.rng
        return [
            {
                "itemUid": self.uid(),
                "articleNumber": sys.intern(f"{article}-{code}"),
                "name": name,
                "quantity": 1 if rng.random() < 0.9 else 2,
                "unitPrice": money.cents(int(rng.uniform(low, high)) + 0.9),
                "serialNumber": f"SN{rng.randint(10**9, 10**10 - 1)}"
                if rng.random() < 0.4
                else None,
                "comment": None,
            }
            for name, article, low, high in rng.sample(
                shop.PARTS[category], rng.randint(0, min(3, len(shop.PARTS[category])))
            )
        ]


def seed_store(seed: int, tenant: Tenant, store_id: str, count: int, hasher: PublicHasher) -> Store:
    """A store with ``count`` seeded orders, numbered in the order they were created."""
    store = Store(tenant_id=tenant.tenant_id, store_id=store_id, index=new_order_index())
    seeder = _StoreSeeder(seed, tenant, store, hasher)
    offsets = sorted((seeder.rng.randint(3600, 180 * DAY) for _ in range(count)), reverse=True)
    with bulk_allocation():
        store.add_many([seeder.order(offset) for offset in offsets])
    return store
