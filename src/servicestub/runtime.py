"""The live state of one server: its settings and data stores.

The runtime is created by :func:`servicestub.app.create_app` and placed in every
request's ASGI scope, so handlers reach it through :func:`current` and each app
(each test) has its own state — there is no module-level store.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from connexion.context import scope as _scope

from servicestub.settings import Settings

if TYPE_CHECKING:
    from servicestub.catalogue.store import Catalogue
    from servicestub.store.orders import OrdersStore

SCOPE_KEY = "servicestub.runtime"
TRACKING_KEY = "servicestub.tracking_id"


class Runtime:
    """Settings plus the in-memory state of both APIs."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.reset(self.settings.seed)

    def reset(self, seed: int) -> None:
        """Drop all data and start again from ``seed``."""
        from servicestub.catalogue.store import Catalogue
        from servicestub.store.orders import OrdersStore

        self.seed = seed
        self.orders: OrdersStore = OrdersStore(self.settings, seed)
        self.catalogue: Catalogue = Catalogue.seeded(seed)


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
