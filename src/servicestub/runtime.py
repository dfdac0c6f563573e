"""The live state of one server: its settings, data stores and control plane.

The runtime is created by :func:`servicestub.app.create_app` and placed in every
request's ASGI scope, so handlers reach it through :func:`current` and each app
(each test) has its own state — there is no module-level store.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from connexion.context import scope as _scope

from servicestub.apis.orders import served as orders_served
from servicestub.apis.orders import snapshot as orders_part
from servicestub.apis.orders.seeding import orders_store
from servicestub.apis.orders.state import OrdersStore
from servicestub.apis.services_v4.catalogue import Catalogue
from servicestub.control import scenarios
from servicestub.control.documented import ResponseCatalog
from servicestub.control.faults import Faults
from servicestub.control.journal import Journal
from servicestub.control.snapshot import STATE
from servicestub.control.snapshot_schema import snapshot_problem
from servicestub.core.errors import BadRequest, Conflict, NotFound
from servicestub.core.files import write_atomic
from servicestub.core.problems import TRACKING_KEY
from servicestub.core.settings import Settings, format_reference_time
from servicestub.core.shapes import Json
from servicestub.engine import dispatch as held_part
from servicestub.engine.collection import Collection, Owner
from servicestub.engine.dispatch import HeldOwner, HeldRecordsByScope, Plugins, Scope, Seeding
from servicestub.engine.ids import UidCodec
from servicestub.engine.model import CollectionModel
from servicestub.engine.snapshot import (
    Refused,
    SnapshotError,
    check_writable,
    dumps,
    path_text,
    reference_time_of,
)
from servicestub.specs import ORDERS, ApiSpec, served_apis
from servicestub.specs.pruning import Dropped

SCOPE_KEY = "servicestub.runtime"

#: What each API with a state of its own plugs into the collections the engine
#: serves for it, and its state among the runtime's.
_PLUGGED: dict[str, Plugins[Any]] = {ORDERS.name: orders_served.PLUGINS}
_STATES: dict[str, Callable[[OrdersStore], Any]] = {ORDERS.name: lambda orders: orders}


def _no_parent(scope: Scope) -> None:
    """The parent of a scope of an API that plugs in none: none (standalone)."""


@dataclasses.dataclass(frozen=True)
class ServedParts:
    """How the operations of one served API are served: by the engine (its
    collections' state), answered from the spec, or dropped (each with its reason)."""

    stateful: int
    answered: int
    dropped: tuple[Dropped, ...] = ()
    #: operationId -> why the engine does not serve it though it is a collection's
    #: (its records cannot be seeded): it is answered from the spec instead.
    unserved: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: operationId -> its collection, for the operations counted ``stateful`` whose
    #: collection's records are checked on its first request, not at start-up (a
    #: third-party spec's: see :meth:`Runtime.decided`).
    deferred: Mapping[str, CollectionModel] = dataclasses.field(default_factory=dict)


class Runtime:
    """Settings, the in-memory data of both APIs, and the control plane's state."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        #: The specs served (the packaged ones unless ``Settings.spec_files`` names others).
        self.apis: tuple[ApiSpec, ...] = served_apis(self.settings.spec_files, self.settings.specs)
        #: (API name, collection path) -> the collections the engine serves itself,
        #: registered when the app is built (:meth:`serve`).
        self.served: dict[tuple[str, str], Collection[Any]] = {}
        self.journal = Journal(self.settings.journal_size)
        self.faults = Faults(self.settings.max_fault_rules, self.settings.seed)
        self.responses: ResponseCatalog | None = None
        #: API name -> how its operations are served (set when the app is built).
        self.parts: dict[str, ServedParts] = {}
        self.scenario: str | None = None
        self._reference_kept: tuple[datetime, str] | None = None
        self.reset(self.settings.seed)
        if self.settings.scenario:
            self.load_scenario(self.settings.scenario)
        state_file = self.settings.state_file
        if state_file is not None:
            check_writable(state_file)  # refuse now, not when the writes are to be saved
            if state_file.exists():
                self.import_state(STATE.read_file(state_file))

    def reset(self, seed: int) -> None:
        """Drop all data, fault rules and the journal; start again from ``seed``."""
        self.seed = seed
        #: Seeded data is laid out before it: the settings' (``--now``), or a snapshot's.
        self.reference_time = self.settings.reference_time
        self.orders: OrdersStore = orders_store(self.settings, seed, self.reference_time)
        self.held = self._held(seed, self.reference_time)
        self._catalogue: Catalogue | None = None
        self.faults = Faults(self.settings.max_fault_rules, seed)
        self.journal.clear()
        self.scenario = None

    @property
    def catalogue(self) -> Catalogue:
        """The Services API's data, seeded from :attr:`seed` on first use (a server
        whose clients only use the Service Orders API never pays for it)."""
        if self._catalogue is None:
            self._catalogue = Catalogue.seeded(self.seed, reference_time=self.reference_time)
        return self._catalogue

    @catalogue.setter
    def catalogue(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    # -- collections the engine serves --------------------------------------------

    def serve(self, api: str, model: CollectionModel) -> Collection[Any]:
        """Serve ``api``'s collection ``model`` by the engine, with the rules the API
        plugs in for it (if any); the :class:`Collection` its handlers use."""
        plugins = _PLUGGED.get(api)
        rules = None if plugins is None else plugins.rules_of(model.path)
        collection: Collection[Any] = Collection(model, rules)
        if not self._spec(api).third_party:
            self.held.check(api, model)  # a built-in spec that cannot be seeded fails now
        # A third-party collection's records are checked on its first request
        # (:meth:`unseedable`): drawing them all costs a big spec seconds at start-up.
        self.served[(api, model.path)] = collection
        return collection

    def unseedable(self, api: str, model: CollectionModel) -> str | None:
        """Why the records of ``api``'s collection ``model`` cannot be seeded (so it
        is served without state), or ``None``: decided for the current seed when
        first asked, then kept (:meth:`Seeding.unseedable`)."""
        seeding = self.held.seeding
        return None if seeding is None else seeding.unseedable(api, model)

    def decided(self, api: str) -> ServedParts:
        """How ``api``'s operations are served with every deferred check made: the
        operations of a collection that cannot be seeded moved from ``stateful`` to
        ``answered``, with why (what ``servicestub inspect`` reports)."""
        parts = self.parts[api]
        unserved = dict(parts.unserved)
        for operation_id, model in parts.deferred.items():
            why = self.unseedable(api, model)
            if why is not None:
                unserved[operation_id] = why
        moved = len(unserved) - len(parts.unserved)
        return dataclasses.replace(
            parts,
            stateful=parts.stateful - moved,
            answered=parts.answered + moved,
            unserved=unserved,
            deferred={},
        )

    def _spec(self, api: str) -> ApiSpec:
        return next(spec for spec in self.apis if spec.name == api)

    def _document(self, api: str) -> Json:
        """The spec served as ``api`` (parsed once)."""
        return self._spec(api).parsed()

    def _held(self, seed: int, reference_time: datetime) -> HeldRecordsByScope:
        """No held records; clean groups seeded from ``seed`` before ``reference_time``."""
        return HeldRecordsByScope(UidCodec(seed), Seeding(seed, reference_time, self._document))

    def held_owner(
        self, api: str, model: CollectionModel, values: tuple[str, ...], *, write: bool
    ) -> HeldOwner[Owner]:
        """The owner of the records of the engine-served collection ``model`` under
        the scope ``values``: its parent is the API's owner of the scope (404 when
        it does not exist) when the API plugs one in, else standalone."""
        if api not in _PLUGGED:  # a third-party spec's: every scope standalone
            return self.held.owner(api, model, values, _no_parent)
        return self.held.owner(
            api, model, values, lambda scope: self._parent(api, scope, write, self.orders)
        )

    @staticmethod
    def _parent(api: str, scope: Scope, write: bool, orders: OrdersStore) -> Owner | None:
        """The owner ``api`` plugs in for ``scope`` (its state: ``orders``), or ``None``."""
        plugins = _PLUGGED.get(api)
        return None if plugins is None else plugins.parent(_STATES[api](orders), scope, write)

    # -- state snapshots -----------------------------------------------------

    def export_state(self) -> dict[str, Any]:
        """The whole data state as a versioned snapshot (no journal, faults or export
        time). It records the reference time: tenants left out of it are seeded again
        from the seed and that time. Held records whose parent is gone are let go."""
        self.held.prune(lambda api, scope: self._parent(api, scope, False, self.orders))
        return STATE.envelope(
            self.seed,
            format_reference_time(self.reference_time),
            orders=orders_part.to_snapshot(self.orders),
            services=self.catalogue.to_snapshot(),
            held=held_part.to_snapshot(self.held),
        )

    def import_state(self, data: Any) -> None:
        """Replace all data with ``data``; validated first, so a bad one changes nothing."""
        try:
            STATE.check_envelope(data)
        except SnapshotError as error:
            raise BadRequest(f"The snapshot was refused: {error}.") from None
        fresh = STATE.migrate(data)  # a copy: the stores take ownership of its records
        problem = snapshot_problem(fresh)
        if problem is not None:
            raise BadRequest(f"The snapshot was refused: {problem}. Nothing was changed.")
        try:
            reference_time = reference_time_of(fresh)
        except SnapshotError as error:
            raise BadRequest(f"The snapshot was refused: {error}. Nothing was changed.") from None
        orders = orders_store(self.settings, fresh["seed"], reference_time)
        held = self._held(fresh["seed"], reference_time)
        try:
            orders_part.restore(orders, fresh["orders"])
            catalogue = Catalogue.from_snapshot(fresh["services"])
            held_part.restore(
                held,
                fresh["held"],
                self.served,
                lambda api, scope: self._parent(api, scope, False, orders),
                {ORDERS.name: (orders.uids, orders.ids_issued, "orders.idsIssued")},
                self._document,
            )
        except Refused as refused:
            raise BadRequest(
                f"The snapshot was refused: {path_text(refused.path)}: {refused.message}. "
                "Nothing was changed."
            ) from None
        except (KeyError, TypeError, ValueError) as error:
            raise BadRequest(f"The snapshot was refused: inconsistent data ({error!r}).") from None
        self.seed, self.orders, self.catalogue = fresh["seed"], orders, catalogue
        self.held = held
        self.reference_time = reference_time

    def save_state(self) -> tuple[str, int]:
        """Write the state to the ``--state`` file atomically; (path, bytes).

        A write that fails (disk full, folder removed) raises :class:`Conflict`
        saying why; the file keeps its previous content (``write_atomic``)."""
        path = self.settings.state_file
        if path is None:
            raise Conflict("The server runs without --state FILE; there is no file to save to.")
        payload = dumps(self.export_state())
        try:
            write_atomic(path, payload)
        except OSError as error:
            raise Conflict(
                f"The state could not be written to {path}: {error.strerror or error}. "
                "The file keeps its previous content (if any); fix the folder or free "
                "space, then save again."
            ) from None
        return str(path), len(payload)

    def load_scenario(self, name: str) -> None:
        """Replace all data with the scenario ``name`` (or a path to one)."""
        try:
            path = scenarios.find(name, self.settings.fixtures_dir)
        except FileNotFoundError as error:
            raise NotFound(str(error)) from None
        try:
            seed, orders, catalogue = scenarios.build(
                path, self.settings, self.seed, self.reference_time
            )
        except scenarios.ScenarioError as error:
            raise BadRequest(str(error)) from None
        self.seed, self.orders, self.catalogue = seed, orders, catalogue
        self.held = self._held(seed, self.reference_time)
        self.scenario = path.stem

    def drop_tenant(self, tenant_id: str) -> None:
        """Forget a Service Orders tenant, or 404 when none is held under that id."""
        if not self.orders.drop(tenant_id):
            raise NotFound(
                f"The mock holds no tenant '{tenant_id}': it was never used, or was only read "
                "and already let go (its next use provisions it as new either way)."
            )
        self.held.drop(ORDERS.name, orders_served.TENANT_PARAMETER, tenant_id)

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "seed": self.seed,
            "referenceTime": self._reference_text(),
            "scenario": self.scenario,
            "counts": self.counts(),
        }

    def _reference_text(self) -> str:
        """:attr:`reference_time` as health writes it, formatted once per value."""
        kept = self._reference_kept
        if kept is None or kept[0] != self.reference_time:
            kept = self._reference_kept = (
                self.reference_time,
                format_reference_time(self.reference_time),
            )
        return kept[1]

    def counts(self) -> dict[str, Any]:
        """How much data is held, for health checks."""
        tenants = self.orders.tenants()
        written = stores = orders = 0
        for tenant in tenants:
            if tenant.dirty:
                written += 1
            for store in tenant.stores.values():
                stores += 1
                orders += len(store.orders)
        return {
            "tenants": len(tenants),
            "writtenTenants": written,
            "stores": stores,
            "serviceOrders": orders,
            "services": self.catalogue.count(),
            "journal": len(self.journal),
            "faultRules": len(self.faults.rules()),
        }


def current() -> Runtime:
    """The runtime of the app serving the current request."""
    runtime: Runtime = _scope[SCOPE_KEY]
    return runtime


def tracking_id() -> str:
    """The Services v4 tracking id of the current request (echoed or generated)."""
    value: str | None = _scope.get(TRACKING_KEY)
    if value is None:
        value = str(uuid.uuid4())
        _scope[TRACKING_KEY] = value
    return value
