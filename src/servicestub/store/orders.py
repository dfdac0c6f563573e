"""In-memory state of the Service Orders API: tenants, their stores and orders.

Tenants and stores are provisioned on first use from ``(seed, tenantId[, storeId])``.
A tenant that was only ever read is *clean*: it may be dropped when too many
are held and is regenerated identically on its next use. Any write marks the
tenant *dirty*, and dirty tenants are never dropped.
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from servicestub.domain.public_hash import PublicHasher
from servicestub.errors import NotFound
from servicestub.seed.common import derive_seed, iso
from servicestub.settings import Settings

Record = dict[str, Any]


@dataclasses.dataclass
class OrderBundle:
    """A service order with everything that lives under it (deleted together)."""

    order: Record
    events: dict[str, Record] = dataclasses.field(default_factory=dict)
    hours: dict[str, Record] = dataclasses.field(default_factory=dict)
    notifications: dict[str, Record] = dataclasses.field(default_factory=dict)
    sales_orders: dict[str, Record] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Store:
    """One store of a tenant and its service orders."""

    tenant_id: str
    store_id: str
    orders: dict[str, OrderBundle] = dataclasses.field(default_factory=dict)
    next_number: int = 10001
    next_sales_number: int = 50001

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
        return min(self.statuses.values(), key=lambda s: s["position"])["statusUid"]


class OrdersStore:
    """All tenants of the Service Orders API under one global seed."""

    def __init__(self, settings: Settings, seed: int) -> None:
        self.settings = settings
        self.seed = seed
        self.hasher = PublicHasher.from_secret(settings.secret, seed)
        self._ids = random.Random(derive_seed(seed, "created-ids"))
        self._tenants: OrderedDict[str, Tenant] = OrderedDict()

    # -- ids and clock -------------------------------------------------------

    def new_uid(self) -> str:
        """A fresh lowercase UUID4, drawn from a seeded generator (reproducible runs)."""
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    @staticmethod
    def now() -> str:
        """The wall-clock time of a client's write, to the second."""
        return iso(datetime.now(UTC))

    # -- tenants and stores --------------------------------------------------

    def tenant(self, tenant_id: str, *, write: bool = False) -> Tenant:
        """The tenant, provisioned on first use; ``write`` pins it in memory."""
        found = self._tenants.get(tenant_id)
        if found is None:
            from servicestub.seed.orders import seed_tenant

            found = seed_tenant(self.seed, tenant_id)
            self._tenants[tenant_id] = found
            self._evict_clean()
        else:
            self._tenants.move_to_end(tenant_id)
        if write:
            found.dirty = True
        return found

    def store(self, tenant_id: str, store_id: str, *, write: bool = False) -> tuple[Tenant, Store]:
        """The tenant and its store, each provisioned on first use."""
        tenant = self.tenant(tenant_id, write=write)
        found = tenant.stores.get(store_id)
        if found is None:
            from servicestub.seed.orders import seed_store

            found = seed_store(
                self.seed, tenant, store_id, self.settings.orders_per_store, self.hasher
            )
            tenant.stores[store_id] = found
        return tenant, found

    def tenants(self) -> list[Tenant]:
        """Tenants held in memory now."""
        return list(self._tenants.values())

    def _evict_clean(self) -> None:
        clean = [t for t in self._tenants.values() if not t.dirty]
        excess = len(clean) - self.settings.max_clean_tenants
        for tenant in clean[: max(excess, 0)]:
            del self._tenants[tenant.tenant_id]
