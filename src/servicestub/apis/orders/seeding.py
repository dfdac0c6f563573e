"""Seed data of the Service Orders API, derived only from (seed, reference time,
tenantId[, storeId]).

A tenant gets a handful of service types, 5-8 workflow statuses and a few
hourly rates; a store gets service orders with items, events, hours,
notifications and some sales orders, laid out like the board of a live repair
shop at the reference time (:data:`STATE_MIX`): every timestamp before it, open
orders due around it, finished ones due before it.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import sys
from datetime import datetime
from typing import NamedTuple

from servicestub.apis.orders import money, records
from servicestub.apis.orders import repair_shop as shop
from servicestub.apis.orders.notifications import change_text, channel_for, received_text
from servicestub.apis.orders.people import people
from servicestub.apis.orders.public_hash import PublicHasher
from servicestub.apis.orders.sales import build_sales_order
from servicestub.apis.orders.search import new_order_index
from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.core.settings import Settings
from servicestub.core.shapes import Record
from servicestub.engine.seeding import (
    DAY,
    bulk_allocation,
    day_at,
    iso_at,
    rng_for,
)


class StateMix(NamedTuple):
    """How one order state shows on a seeded store's board."""

    #: Percent of a store's orders in this state (apportioned exactly per store).
    share: int
    #: createdAt lies this many days before the reference time (low, high).
    age_days: tuple[float, float]
    #: Share of these orders assigned to someone (the rest are unassigned).
    assigned: float
    #: Still open: due around the reference time (see :data:`OPEN_DUE_DAYS`);
    #: a finished order was due before it.
    open: bool


#: The board of a live repair shop at the reference time: new orders from the
#: last days, work in progress and orders waiting for parts or the customer from
#: the last weeks, a quarter ready for pickup, a few closed or cancelled ones.
STATE_MIX: dict[str, StateMix] = {
    "NEW": StateMix(25, (0.02, 3.0), 0.5, True),
    "IN_PROGRESS": StateMix(25, (1.0, 21.0), 0.95, True),
    "WAITING": StateMix(15, (3.0, 30.0), 0.9, True),
    "DONE": StateMix(25, (2.0, 30.0), 0.9, False),
    "CLOSED": StateMix(5, (14.0, 180.0), 0.9, False),
    "CANCELLED": StateMix(5, (7.0, 180.0), 0.8, False),
}
#: When open orders are due, in days after the reference day: a third each
#: overdue, due within three days, and later (never before the day after creation).
OPEN_DUE_DAYS = ((-7, -1), (0, 3), (4, 21))
#: A finished order was due this many days after its creation (and before the reference day).
FINISHED_DUE_DAYS = (2, 10)
PRIORITY_WEIGHTS = {"NONE": 10, "LOW": 15, "NORMAL": 50, "HIGH": 18, "URGENT": 7}
_PRIORITIES = tuple(PRIORITY_WEIGHTS)
_PRIORITY_CUMULATIVE = tuple(itertools.accumulate(PRIORITY_WEIGHTS.values()))


def apportion(count: int) -> list[str]:
    """``count`` states in the shares of :data:`STATE_MIX` (largest remainder, ties in
    table order), so every store shows the mix, not just stores on average."""
    quotas = {state: count * mix.share / 100 for state, mix in STATE_MIX.items()}
    counts = {state: int(quota) for state, quota in quotas.items()}
    left = count - sum(counts.values())
    by_remainder = sorted(STATE_MIX, key=lambda state: counts[state] - quotas[state])
    for state in by_remainder[:left]:
        counts[state] += 1
    return [state for state in STATE_MIX for _ in range(counts[state])]


_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (4 << 76) | (0x8000 << 48)


def _uid(rng: random.Random) -> str:
    """``str(uuid.UUID(int=rng.getrandbits(128), version=4))``, formatted directly
    (seeding makes hundreds of thousands of them)."""
    return uuid4_text(rng.getrandbits(128))


def uuid4_text(bits: int) -> str:
    """The UUID4 made of 128 random ``bits``, as text: ``str(uuid.UUID(int=bits,
    version=4))``, formatted directly."""
    text = f"{bits & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def seed_tenant(seed: int, tenant_id: str, *, reference: int) -> Tenant:
    """A tenant's set-up, identical for the same seed, id and ``reference`` time
    (epoch seconds)."""
    rng = rng_for(seed, "tenant", tenant_id)
    staff = rng.sample(people(seed).staff, 6)
    tenant = Tenant(tenant_id=tenant_id, currency="EUR", staff=staff)
    for name, description, priority in rng.sample(shop.SERVICE_TYPES, rng.randint(4, 6)):
        created = reference - rng.randint(300 * DAY, 400 * DAY)
        uid = _uid(rng)
        tenant.service_types[uid] = records.SERVICE_TYPE.build(
            uid,
            {
                "name": name,
                "description": description,
                "defaultPriority": priority,
                "active": rng.random() > 0.1,
                "createdAt": iso_at(created),
            },
        )
    # every state has a status that fits it (see repair_shop.STATUS_STATES)
    required = [i for i, step in enumerate(shop.WORKFLOW) if step[0] in shop.REQUIRED_STATUSES]
    optional = [i for i in range(len(shop.WORKFLOW)) if i not in required]
    keep = sorted(required + rng.sample(optional, rng.randint(0, len(optional))))
    for position, index in enumerate(keep, start=1):
        name, color, final = shop.WORKFLOW[index]
        uid = _uid(rng)
        tenant.statuses[uid] = records.STATUS.build(
            uid, {"name": name, "position": position, "color": color, "isFinal": final}
        )
    for name, code, price in rng.sample(shop.HOURLY_RATES, rng.randint(2, 4)):
        uid = _uid(rng)
        tenant.hourly_rates[uid] = records.HOURLY_RATE.build(
            uid, {"name": name, "price": price, "currency": tenant.currency, "code": code}
        )
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
            self.sales_order(bundle, rng, self.sales_number)

    def at(self, fraction: float) -> str:
        return _at(self.created, self.age_days, fraction)

    def hours(self, bundle: OrderBundle, rng: random.Random) -> None:
        for draw in self.facts.hour_draws(rng, self.user):
            uid = uuid4_text(draw.bits)
            booked = self.at(0.2 * (draw.step + 1))
            bundle.hours[uid] = records.HOURS.build(
                uid,
                {
                    "userId": draw.user,
                    "hourlyRateUid": draw.rate_uid,
                    "date": sys.intern(booked[:10]),
                    "hours": draw.hours,
                    "description": draw.description,
                    "billable": draw.billable,
                    "unitPrice": self.facts.price(draw.rate_uid),
                    "createdAt": booked,
                },
            )

    def history(self, bundle: OrderBundle, rng: random.Random) -> None:
        route = channel_for(self.customer)

        def notification(message: str, when: str) -> None:
            if route is None:
                return
            uid = _uid(rng)
            bundle.notifications[uid] = records.NOTIFICATION.build(
                uid,
                {
                    "channel": route[0],
                    "recipient": route[1],
                    "message": message,
                    "status": "SENT" if rng.random() < 0.95 else "FAILED",
                    "createdAt": when,
                },
            )

        def event(kind: str, message: str, when: str, visible: bool) -> None:
            uid = _uid(rng)
            bundle.events[uid] = records.EVENT.build(
                uid,
                {
                    "type": kind,
                    "message": message,
                    "userId": self.user,
                    "visibleToCustomer": visible,
                    "createdAt": when,
                },
            )
            if visible:
                notification(message, when)

        received = iso_at(self.created)
        event("NOTE", f"Device received. Customer reports: {self.fault}.", received, False)
        notification(received_text(self.number, self.title), received)
        if self.state == "NEW":
            return
        if rng.random() < 0.6:
            message = rng.choice(shop.CUSTOMER_MESSAGES)
            event("CUSTOMER_CONTACT", message, self.at(0.3), True)
        if rng.random() < 0.4:
            event("INTERNAL", rng.choice(shop.INTERNAL_NOTES), self.at(0.35), False)
        notification(change_text(self.number, state=self.state), self.at(0.9))

    def sales_order(self, bundle: OrderBundle, rng: random.Random, number: int) -> None:
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
            number=number,
            uid=_uid(rng),
            created_at=self.at(0.95),
        )
        bundle.sales_orders[record["salesOrderUid"]] = record


def _at(created: int, age_days: float, fraction: float) -> str:
    """The timestamp ``fraction`` of the way from ``created`` (epoch seconds) to the
    reference time, ``age_days`` after it."""
    return iso_at(created + int(age_days * DAY * fraction))


class _Plan(NamedTuple):
    """What is decided about a seeded order before it is made."""

    #: Seconds between its creation and the reference time.
    age: int
    state: str
    #: For an open order: its range of due days after the reference day.
    due_days: tuple[int, int] | None


class _StoreSeeder:
    def __init__(
        self, seed: int, tenant: Tenant, store: Store, hasher: PublicHasher, reference: int
    ) -> None:
        self.rng = rng_for(seed, "store", tenant.tenant_id, store.store_id)
        self.reference = reference
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
            # have moved one to another): see servicestub.apis.orders.money
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

    def plan(self, count: int) -> list[_Plan]:
        """The states (in :data:`STATE_MIX`'s shares), ages and due ranges of ``count``
        orders, oldest first: they are numbered in the order they were created."""
        rng = self.rng
        states = apportion(count)
        rng.shuffle(states)
        plans = []
        opened = 0
        for state in states:
            mix = STATE_MIX[state]
            low, high = mix.age_days
            due_days = None
            if mix.open:
                due_days = OPEN_DUE_DAYS[opened % len(OPEN_DUE_DAYS)]
                opened += 1
            plans.append(_Plan(rng.randint(int(low * DAY), int(high * DAY)), state, due_days))
        plans.sort(key=lambda plan: -plan.age)
        return plans

    def status_for(self, state: str) -> Record:
        """A workflow status that fits ``state``: one named for it (:data:`~servicestub.
        seed.repair_shop.STATUS_STATES`), else by position among the final statuses (for
        a finished state: the first for DONE, the last otherwise) or the open ones (the
        first for NEW, any later one otherwise). Clients and scenarios may rename them."""
        fitting = [s for s in self.statuses if state in shop.STATUS_STATES.get(s["name"], ())]
        if fitting:
            return self.rng.choice(fitting)
        finished = not STATE_MIX[state].open
        pool = [s for s in self.statuses if bool(s["isFinal"]) == finished] or self.statuses
        if state in ("NEW", "DONE"):
            return pool[0]
        if finished:
            return pool[-1]
        return self.rng.choice(pool[1:] or pool)

    def order(self, plan: _Plan) -> OrderBundle:
        rng = self.rng
        state = plan.state
        created = self.reference - plan.age
        age_days = plan.age / DAY
        brand, model, code, category = rng.choice(shop.DEVICES)
        fault = rng.choice(shop.FAULTS[category])
        status = self.status_for(state)
        created_day, reference_day = created // DAY, self.reference // DAY
        if plan.due_days is None:
            due = min(created_day + rng.randint(*FINISHED_DUE_DAYS), reference_day - 1)
        else:
            due = max(reference_day + rng.randint(*plan.due_days), created_day + 1)
        assigned = rng.random() < STATE_MIX[state].assigned
        person = rng.choice(self.people.customers)
        reach = rng.random()
        customer = records.customer(
            {
                "customerId": f"C{rng.randint(100000, 999999)}",
                "name": person["name"],
                "email": person["email"] if reach < 0.8 else None,
                "phone": person["phone"] if reach < 0.95 else None,
            }
        )
        uid = self.uid()
        number = self.store.next_number
        self.store.next_number += 1
        # drawn in this order: the generator's sequence is the seeded data
        fields = {
            # a few hundred devices and faults: interned, a store holds each text once
            "title": sys.intern(f"{brand} {model} — {fault}"),
            "description": sys.intern(f"Customer reports: {fault}. Device: {brand} {model}."),
            "state": state,
            "statusUid": status["statusUid"],
            "serviceTypeUid": rng.choice(self.type_uids),
            "priority": rng.choices(_PRIORITIES, cum_weights=_PRIORITY_CUMULATIVE)[0],
            "assignedUserId": rng.choice(self.tenant.staff) if assigned else None,
            "createdFromStoreId": self.store.store_id if rng.random() < 0.9 else "online",
            "customer": customer,
            "dueDate": day_at(due),
        }
        items = self.items(category, code)
        stamp = iso_at(created)
        updated, billable = stamp, []
        if state != "NEW":
            # Only the amounts now (for the totals); the entries when first read.
            draws = self.facts.hour_draws(self.facts.rng(uid), fields["assignedUserId"])
            billable = [self.facts.amount(d.rate_uid, d.hours) for d in draws if d.billable]
            updated = _at(created, age_days, 0.9)
        order = records.service_order(
            uid=uid,
            number=number,
            fields=fields,
            items=items,
            billable_hours=billable,
            currency=self.facts.currency,
            public_hash=self.hasher.seal(self.tenant.tenant_id, self.store.store_id, uid),
            created_at=stamp,
            updated_at=updated,
        )
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
            records.ITEM.build(
                self.uid(),
                {
                    "articleNumber": sys.intern(f"{article}-{code}"),
                    "name": name,
                    "quantity": 1 if rng.random() < 0.9 else 2,
                    "unitPrice": int(rng.uniform(low, high)) + 0.9,
                    "serialNumber": f"SN{rng.randint(10**9, 10**10 - 1)}"
                    if rng.random() < 0.4
                    else None,
                },
            )
            for name, article, low, high in rng.sample(
                shop.PARTS[category], rng.randint(0, min(3, len(shop.PARTS[category])))
            )
        ]


def seed_store(
    seed: int, tenant: Tenant, store_id: str, count: int, hasher: PublicHasher, *, reference: int
) -> Store:
    """A store with ``count`` seeded orders laid out before the ``reference`` time
    (epoch seconds), numbered in the order they were created."""
    store = Store(tenant_id=tenant.tenant_id, store_id=store_id, index=new_order_index())
    seeder = _StoreSeeder(seed, tenant, store, hasher, reference)
    plans = seeder.plan(count)
    with bulk_allocation():
        store.add_many([seeder.order(plan) for plan in plans])
    return store


class RepairShop:
    """The :class:`~servicestub.apis.orders.state.Seeder` of the Service Orders API:
    tenants and stores seeded as a live repair shop."""

    def tenant(self, orders: OrdersStore, tenant_id: str) -> Tenant:
        return seed_tenant(orders.seed, tenant_id, reference=orders.reference)

    def store(self, orders: OrdersStore, tenant: Tenant, store_id: str) -> Store:
        return seed_store(
            orders.seed,
            tenant,
            store_id,
            orders.settings.orders_per_store,
            orders.hasher,
            reference=orders.reference,
        )


REPAIR_SHOP = RepairShop()


def orders_store(
    settings: Settings, seed: int, reference_time: datetime | None = None
) -> OrdersStore:
    """An empty Service Orders state whose tenants and stores are seeded on first use."""
    return OrdersStore(settings, seed, reference_time, seeder=REPAIR_SHOP)
