"""Seed data of the Service Orders API, derived only from (seed, tenantId[, storeId]).

A tenant gets a handful of service types, 5-8 workflow statuses and a few
hourly rates; a store gets service orders with items, events, hours,
notifications and some sales orders, all dated before
:data:`~servicestub.seed.common.REFERENCE_TIME`.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

from servicestub.domain import money
from servicestub.domain.collections import hours_amount
from servicestub.domain.notifications import channel_for
from servicestub.domain.orders import refresh_totals
from servicestub.domain.public_hash import PublicHasher
from servicestub.domain.sales import build_sales_order
from servicestub.domain.search import new_order_index
from servicestub.domain.vocabulary import STATE_LABELS
from servicestub.seed import repair_shop as shop
from servicestub.seed.common import REFERENCE_TIME, iso, rng_for
from servicestub.seed.people import people
from servicestub.store.orders import OrderBundle, Store, Tenant

Record = dict[str, Any]
DAY = 86400
PRIORITY_WEIGHTS = {"NONE": 30, "LOW": 15, "NORMAL": 35, "HIGH": 15, "URGENT": 5}


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def seed_tenant(seed: int, tenant_id: str) -> Tenant:
    """A tenant's set-up, identical for the same seed and id."""
    rng = rng_for(seed, "tenant", tenant_id)
    staff = rng.sample(people(seed).staff, 6)
    tenant = Tenant(tenant_id=tenant_id, currency="EUR", staff=staff)
    for name, description, priority in rng.sample(shop.SERVICE_TYPES, rng.randint(4, 6)):
        created = REFERENCE_TIME - timedelta(seconds=rng.randint(300 * DAY, 400 * DAY))
        uid = _uid(rng)
        tenant.service_types[uid] = {
            "serviceTypeUid": uid,
            "name": name,
            "description": description,
            "defaultPriority": priority,
            "active": rng.random() > 0.1,
            "createdAt": iso(created),
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


class _StoreSeeder:
    def __init__(self, seed: int, tenant: Tenant, store: Store, hasher: PublicHasher) -> None:
        self.rng = rng_for(seed, "store", tenant.tenant_id, store.store_id)
        self.people = people(seed)
        self.tenant = tenant
        self.store = store
        self.hasher = hasher
        self.statuses = sorted(tenant.statuses.values(), key=lambda s: s["position"])
        self.type_uids = sorted(tenant.service_types)
        self.rate_uids = sorted(tenant.hourly_rates)

    def uid(self) -> str:
        return _uid(self.rng)

    def order(self, created_offset: int) -> OrderBundle:
        rng = self.rng
        created = REFERENCE_TIME - timedelta(seconds=created_offset)
        age_days = created_offset / DAY
        brand, model, code, category = rng.choice(shop.DEVICES)
        fault = rng.choice(shop.FAULTS[category])
        if age_days < 3:
            state = rng.choice(("NEW", "NEW", "IN_PROGRESS"))
        elif age_days < 14:
            state = rng.choice(("IN_PROGRESS", "WAITING", "DONE"))
        else:
            state = rng.choices(("DONE", "CLOSED", "CANCELLED"), (2, 7, 1))[0]
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
        order: Record = {
            "serviceOrderUid": uid,
            "serviceNumber": f"SO-{number}",
            "title": f"{brand} {model} — {fault}",
            "description": f"Customer reports: {fault}. Device: {brand} {model}.",
            "state": state,
            "statusUid": status["statusUid"],
            "serviceTypeUid": rng.choice(self.type_uids),
            "priority": rng.choices(list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()))[0],
            "assignedUserId": rng.choice(self.tenant.staff) if rng.random() < 0.85 else None,
            "createdFromStoreId": self.store.store_id if rng.random() < 0.9 else "online",
            "customer": customer,
            "dueDate": (created + timedelta(days=rng.randint(3, 14))).date().isoformat(),
            "items": [],
            "totals": {},
            "publicHash": self.hasher.seal(self.tenant.tenant_id, self.store.store_id, uid),
            "createdAt": iso(created),
            "updatedAt": iso(created),
        }
        bundle = OrderBundle(order=order)
        self.items(bundle, category, code)
        if state != "NEW":
            self.hours(bundle, created, age_days)
        self.events_and_notifications(bundle, created, age_days, fault)
        refresh_totals(self.tenant, bundle)
        if state in ("DONE", "CLOSED") and rng.random() < 0.5:
            self.sales_order(bundle, created, age_days)
        return bundle

    def at(self, created: Any, age_days: float, fraction: float) -> str:
        return iso(created + timedelta(seconds=int(age_days * DAY * fraction)))

    def items(self, bundle: OrderBundle, category: str, code: str) -> None:
        rng = self.rng
        for name, article, low, high in rng.sample(
            shop.PARTS[category], rng.randint(0, min(3, len(shop.PARTS[category])))
        ):
            bundle.order["items"].append(
                {
                    "itemUid": self.uid(),
                    "articleNumber": f"{article}-{code}",
                    "name": name,
                    "quantity": 1 if rng.random() < 0.9 else 2,
                    "unitPrice": money.cents(int(rng.uniform(low, high)) + 0.9),
                    "serialNumber": f"SN{rng.randint(10**9, 10**10 - 1)}"
                    if rng.random() < 0.4
                    else None,
                    "comment": None,
                }
            )

    def hours(self, bundle: OrderBundle, created: Any, age_days: float) -> None:
        rng = self.rng
        for step in range(rng.randint(1, 3)):
            uid = self.uid()
            entry = {
                "hoursUid": uid,
                "userId": bundle.order["assignedUserId"] or rng.choice(self.tenant.staff),
                "hourlyRateUid": rng.choice(self.rate_uids) if rng.random() < 0.9 else None,
                "date": self.at(created, age_days, 0.2 * (step + 1))[:10],
                "hours": rng.choice((0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)),
                "description": rng.choice(shop.HOURS_WORK),
                "billable": rng.random() < 0.9,
                "amount": 0.0,
                "createdAt": self.at(created, age_days, 0.2 * (step + 1)),
            }
            entry["amount"] = hours_amount(self.tenant, entry)
            bundle.hours[uid] = entry

    def events_and_notifications(
        self, bundle: OrderBundle, created: Any, age_days: float, fault: str
    ) -> None:
        rng = self.rng
        order = bundle.order
        route = channel_for(order["customer"])

        def notification(message: str, when: str) -> None:
            if route is None:
                return
            uid = self.uid()
            bundle.notifications[uid] = {
                "notificationUid": uid,
                "channel": route[0],
                "recipient": route[1],
                "message": message,
                "status": "SENT" if rng.random() < 0.95 else "FAILED",
                "createdAt": when,
            }

        def event(kind: str, message: str, when: str, visible: bool) -> None:
            uid = self.uid()
            bundle.events[uid] = {
                "eventUid": uid,
                "type": kind,
                "message": message,
                "userId": order["assignedUserId"],
                "visibleToCustomer": visible,
                "createdAt": when,
            }
            if visible:
                notification(message, when)

        event("NOTE", f"Device received. Customer reports: {fault}.", order["createdAt"], False)
        notification(
            f"We have received your service order {order['serviceNumber']}: {order['title']}.",
            order["createdAt"],
        )
        if order["state"] == "NEW":
            return
        if rng.random() < 0.6:
            event(
                "CUSTOMER_CONTACT",
                rng.choice(shop.CUSTOMER_MESSAGES),
                self.at(created, age_days, 0.3),
                True,
            )
        if rng.random() < 0.4:
            event(
                "INTERNAL", rng.choice(shop.INTERNAL_NOTES), self.at(created, age_days, 0.35), False
            )
        changed = self.at(created, age_days, 0.9)
        notification(
            f"Your service order {order['serviceNumber']} is now {STATE_LABELS[order['state']]}.",
            changed,
        )
        order["updatedAt"] = changed

    def sales_order(self, bundle: OrderBundle, created: Any, age_days: float) -> None:
        customer = bundle.order["customer"]
        address = {"name": customer["name"], **self.rng.choice(self.people.addresses)}
        body = {
            "customerId": customer["customerId"],
            "reference": bundle.order["serviceNumber"],
            "orderAddress": address,
        }
        record = build_sales_order(
            self.tenant,
            self.store,
            bundle,
            body,
            uid=self.uid(),
            created_at=self.at(created, age_days, 0.95),
        )
        self.store.next_sales_number += 1
        bundle.sales_orders[record["salesOrderUid"]] = record


def seed_store(seed: int, tenant: Tenant, store_id: str, count: int, hasher: PublicHasher) -> Store:
    """A store with ``count`` seeded orders, numbered in the order they were created."""
    store = Store(tenant_id=tenant.tenant_id, store_id=store_id, index=new_order_index())
    seeder = _StoreSeeder(seed, tenant, store, hasher)
    offsets = sorted((seeder.rng.randint(3600, 180 * DAY) for _ in range(count)), reverse=True)
    store.add_many([seeder.order(offset) for offset in offsets])
    return store
