"""The live state of one server: its settings, data stores and control plane.

The runtime is created by :func:`servicestub.app.create_app` and placed in every
request's ASGI scope, so handlers reach it through :func:`current` and each app
(each test) has its own state — there is no module-level store.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from connexion.context import scope as _scope

from servicestub.control.faults import Faults
from servicestub.control.journal import Journal
from servicestub.settings import Settings

if TYPE_CHECKING:
    from servicestub.control.documented import ResponseCatalog
    from servicestub.store.orders import OrdersStore

SCOPE_KEY = "servicestub.runtime"
TRACKING_KEY = "servicestub.tracking_id"


class Runtime:
    """Settings, the in-memory data of both APIs, and the control plane's state."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.journal = Journal(self.settings.journal_size)
        self.faults = Faults(self.settings.max_fault_rules, self.settings.seed)
        self.responses: ResponseCatalog | None = None
        self.scenario: str | None = None
        self.reset(self.settings.seed)

    def reset(self, seed: int) -> None:
        """Drop all data, fault rules and the journal; start again from ``seed``."""
        from servicestub.catalogue.store import Catalogue
        from servicestub.store.orders import OrdersStore

        self.seed = seed
        self.orders: OrdersStore = OrdersStore(self.settings, seed)
        self.catalogue: Catalogue = Catalogue.seeded(seed)
        self.faults = Faults(self.settings.max_fault_rules, seed)
        self.journal.clear()
        self.scenario = None

    def counts(self) -> dict[str, Any]:
        """How much data is held, for health checks."""
        tenants = self.orders.tenants()
        stores = [store for tenant in tenants for store in tenant.stores.values()]
        return {
            "tenants": len(tenants),
            "writtenTenants": sum(1 for tenant in tenants if tenant.dirty),
            "stores": len(stores),
            "serviceOrders": sum(len(store.orders) for store in stores),
            "services": self.catalogue.count(),
            "journal": len(self.journal),
            "faultRules": len(self.faults.rules()),
        }


def current() -> Runtime:
    """The runtime of the app serving the current request."""
    return _scope[SCOPE_KEY]


def tracking_id() -> str:
    """The Services v4 tracking id of the current request (echoed or generated)."""
    value = _scope.get(TRACKING_KEY)
    if value is None:
        value = str(uuid.uuid4())
        _scope[TRACKING_KEY] = value
    return value
