"""In-memory state of the Service Orders API: tenants, their stores and orders.

Tenants and stores are provisioned on first use from ``(seed, tenantId[, storeId])``
by the :class:`Seeder` the store is given (this module knows no seeding).
A tenant that was only ever read is *clean*: it may be dropped when too many
are held and is regenerated identically on its next use. A write that succeeds
marks the tenant *dirty* (:meth:`OrdersStore.writing`), and dirty tenants are
never dropped; one that fails leaves it clean, so failing requests under
invented tenants hold no memory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Protocol

from servicestub.apis.orders.public_hash import PublicHasher
from servicestub.core.errors import NotFound
from servicestub.core.settings import Settings
from servicestub.core.shapes import Record
from servicestub.engine.ids import COUNTER_MAX, UidCodec, next_count
from servicestub.engine.index import NO_CRITERIA, Criteria, RecordIndex
from servicestub.engine.seeding import epoch, iso

#: The most ids one write issues (an order or event and its notification).
IDS_PER_WRITE = 2
#: The numbering counters of a store, and what they number.
_COUNTERS = {"next_number": "service number", "next_sales_number": "sales order number"}


class _Deferred:
    """A collection of a bundle that seeding may leave to be made on first use."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = f"_{name}"

    def __get__(self, bundle: OrderBundle | None, owner: type | None = None) -> Any:
        if bundle is None:
            return self
        bundle.settle()
        return getattr(bundle, self.attribute)

    def __set__(self, bundle: OrderBundle, value: dict[str, Record]) -> None:
        bundle.settle()
        setattr(bundle, self.attribute, value)


class OrderBundle:
    """A service order with everything that lives under it (deleted together).

    Seeding may pass ``deferred``: a function that fills the hours, events,
    notifications and sales orders the first time anything reads or replaces
    one of them. A store of 100,000 seeded orders then holds only what clients
    look at. Code that changes an order calls :meth:`settle` first, so what is
    made late still describes the order as it was seeded.
    """

    __slots__ = (
        "_deferred",
        "_events",
        "_home",
        "_hours",
        "_notifications",
        "_sales_orders",
        "order",
    )
    events = _Deferred()
    hours = _Deferred()
    notifications = _Deferred()
    sales_orders = _Deferred()

    def __init__(
        self,
        order: Record,
        events: dict[str, Record] | None = None,
        hours: dict[str, Record] | None = None,
        notifications: dict[str, Record] | None = None,
        sales_orders: dict[str, Record] | None = None,
        *,
        deferred: Callable[[OrderBundle], None] | None = None,
    ) -> None:
        self.order = order
        self._home: weakref.ref[Store] | None = None
        # Deferred collections are made when filled (four empty dicts less per seeded order).
        self._events = events
        self._hours = hours
        self._notifications = notifications
        self._sales_orders = sales_orders
        self._deferred = deferred
        if deferred is None:
            self._fill_empty()

    def _fill_empty(self) -> None:
        for attribute in ("_events", "_hours", "_notifications", "_sales_orders"):
            if getattr(self, attribute) is None:
                setattr(self, attribute, {})

    @property
    def home(self) -> Store | None:
        """The store holding the order, told of every change to keep its indexes
        right (held weakly: seeded data has no reference cycles, see
        :func:`~servicestub.engine.seeding.bulk_allocation`)."""
        return None if self._home is None else self._home()

    @home.setter
    def home(self, store: Store | None) -> None:
        self._home = None if store is None else weakref.ref(store)

    def settle(self) -> None:
        """Make the deferred collections now (a no-op once made)."""
        fill, self._deferred = self._deferred, None
        if fill is not None:
            self._fill_empty()
            fill(self)

    def changed(self) -> None:
        """Call after changing ``order``: re-indexes it in its store."""
        store = self.home
        if store is not None:
            store.index.update(self.order["serviceOrderUid"], self.order)


@dataclasses.dataclass
class Store:
    """One store of a tenant: its service orders and their indexes."""

    tenant_id: str
    store_id: str
    index: RecordIndex
    orders: dict[str, OrderBundle] = dataclasses.field(default_factory=dict)
    next_number: int = 10001
    next_sales_number: int = 50001

    def number_to_issue(self, counter: str) -> int:
        """What counter ``next_number`` or ``next_sales_number`` issues now (409
        once it has issued :data:`COUNTER_MAX`); the caller sets the counter past
        it once its write cannot fail any more."""
        what = _COUNTERS[counter]
        return next_count(getattr(self, counter) - 1, COUNTER_MAX, f"{what} of this store")

    def add(self, bundle: OrderBundle) -> None:
        uid = bundle.order["serviceOrderUid"]
        self.orders[uid] = bundle
        self.index.add(uid, bundle.order)
        bundle.home = self

    def add_many(self, bundles: list[OrderBundle]) -> None:
        """Add many orders, indexing them in one pass."""
        for bundle in bundles:
            self.orders[bundle.order["serviceOrderUid"]] = bundle
            bundle.home = self
        self.index.add_many([(b.order["serviceOrderUid"], b.order) for b in bundles])

    def remove(self, order_uid: str) -> None:
        self.bundle(order_uid).home = None
        del self.orders[order_uid]
        self.index.remove(order_uid)

    def query(
        self,
        filters: dict[str, frozenset[Any]],
        criteria: Criteria = NO_CRITERIA,
        *,
        sort: str,
        descending: bool,
        page: int,
        per_page: int,
    ) -> tuple[list[Record], int]:
        """One page of the orders passing ``filters`` and ``criteria``, with their total."""
        start = (page - 1) * per_page
        uids, total = self.index.query(
            filters, criteria, sort=sort, descending=descending, start=start, stop=start + per_page
        )
        return [self.orders[uid].order for uid in uids], total

    def bundle(self, order_uid: str) -> OrderBundle:
        """The order ``order_uid`` of this store, or 404."""
        found = self.orders.get(order_uid)
        if found is None:
            raise NotFound(
                f"Service order '{order_uid}' does not exist in store '{self.store_id}' "
                f"of tenant '{self.tenant_id}'."
            )
        return found


@dataclasses.dataclass
class Tenant:
    """A tenant: its workflow set-up and its stores."""

    tenant_id: str
    currency: str
    staff: list[str]
    service_types: dict[str, Record] = dataclasses.field(default_factory=dict)
    statuses: dict[str, Record] = dataclasses.field(default_factory=dict)
    hourly_rates: dict[str, Record] = dataclasses.field(default_factory=dict)
    stores: dict[str, Store] = dataclasses.field(default_factory=dict)
    dirty: bool = False

    def first_status_uid(self) -> str:
        """The status at workflow position 1."""
        first: str = min(self.statuses.values(), key=lambda s: s["position"])["statusUid"]
        return first


class Seeder(Protocol):
    """What provisions a tenant or a store on its first use, from the store's seed
    and reference time alone (:mod:`servicestub.apis.orders.seeding` is the one
    used; it is given to :class:`OrdersStore`, which knows no seeding)."""

    def tenant(self, orders: OrdersStore, tenant_id: str) -> Tenant:
        """A new tenant's set-up."""
        ...

    def store(self, orders: OrdersStore, tenant: Tenant, store_id: str) -> Store:
        """A new store of ``tenant`` with its seeded orders."""
        ...


class OrdersStore:
    """All tenants of the Service Orders API under one global seed."""

    def __init__(
        self,
        settings: Settings,
        seed: int,
        reference_time: datetime | None = None,
        *,
        seeder: Seeder,
    ) -> None:
        self.settings = settings
        self.seed = seed
        self.seeder = seeder
        #: Seeded data is laid out before this instant (the settings' unless given).
        self.reference_time = reference_time or settings.reference_time
        self.reference = epoch(self.reference_time)
        self.hasher = PublicHasher.from_secret(settings.secret, seed)
        self.uids = UidCodec(seed)
        #: How many ids clients' writes have used: a high-water mark, kept in
        #: snapshots, so a restored state goes on with fresh ids.
        self.ids_issued = 0
        self._tenants: OrderedDict[str, Tenant] = OrderedDict()

    # -- ids and clock -------------------------------------------------------

    def new_uid(self) -> str:
        """A fresh lowercase UUID4 for count ``ids_issued + 1``: reproducible runs,
        and never one issued before (see :mod:`servicestub.engine.ids`)."""
        self.ids_issued = next_count(self.ids_issued, COUNTER_MAX, "id")
        return self.uids.uid(self.ids_issued)

    @staticmethod
    def now() -> str:
        """The wall-clock time of a client's write, to the second."""
        return iso(datetime.now(UTC))

    # -- tenants and stores --------------------------------------------------

    def tenant(self, tenant_id: str) -> Tenant:
        """The tenant, provisioned on first use."""
        found = self._tenants.get(tenant_id)
        if found is None:
            found = self.seeder.tenant(self, tenant_id)
            self._tenants[tenant_id] = found
            self._evict_clean()
        else:
            self._tenants.move_to_end(tenant_id)
        return found

    @contextlib.contextmanager
    def writing(self, tenant: Tenant) -> Iterator[None]:
        """Around a write to ``tenant``: refused first (409) when the ids a write
        may need are used up, and the tenant is pinned only when the write
        succeeds — a write that raises leaves a clean tenant clean."""
        if self.ids_issued > COUNTER_MAX - IDS_PER_WRITE:
            next_count(COUNTER_MAX, COUNTER_MAX, "id")
        yield
        tenant.dirty = True

    def store(self, tenant_id: str, store_id: str) -> tuple[Tenant, Store]:
        """The tenant and its store, each provisioned on first use."""
        tenant = self.tenant(tenant_id)
        found = tenant.stores.get(store_id)
        if found is None:
            found = self.seeder.store(self, tenant, store_id)
            tenant.stores[store_id] = found
        return tenant, found

    def adopt(self, tenant: Tenant) -> None:
        """Hold ``tenant`` (restored from a snapshot or a scenario) as written."""
        tenant.dirty = True
        self._tenants[tenant.tenant_id] = tenant

    def tenants(self) -> list[Tenant]:
        """Tenants held in memory now."""
        return list(self._tenants.values())

    def drop(self, tenant_id: str) -> bool:
        """Forget ``tenant_id`` (its stores, orders and set-up); its next use provisions
        it again as if new. False when no such tenant is held."""
        return self._tenants.pop(tenant_id, None) is not None

    def _evict_clean(self) -> None:
        clean = [t for t in self._tenants.values() if not t.dirty]
        excess = len(clean) - self.settings.max_clean_tenants
        for tenant in clean[: max(excess, 0)]:
            del self._tenants[tenant.tenant_id]
