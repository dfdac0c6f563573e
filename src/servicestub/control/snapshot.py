"""State snapshots: the whole data state as one versioned JSON document.

Only data is in it (no journal, fault rules or export time), so two exports of
the same state are byte-identical. This module composes the APIs' parts
(:mod:`servicestub.apis.orders.snapshot`, the v4 catalogue's) in the generic
envelope of :mod:`servicestub.engine.snapshot`.

Version 2 keeps the v4 catalogue's identity high-water mark (``lastIdentity``)
and the ``unitPrice`` of hours entries; version 3 the records of collections the
engine serves by itself (``held``, :mod:`servicestub.engine.dispatch`); older
files are migrated on import (:data:`STATE`'s steps).
"""

from __future__ import annotations

from servicestub.apis.orders import snapshot as orders_part
from servicestub.apis.services_v4.catalogue import FIRST_IDENTITY
from servicestub.engine.snapshot import Snapshot, SnapshotError, SnapshotFormat

__all__ = ["FORMAT", "READABLE", "STATE", "VERSION", "Snapshot", "SnapshotError"]


def _v1_to_v2(data: Snapshot) -> None:
    """Version 1 had no v4 identity high-water mark: it is taken from the data (the
    largest identity held, or the seeded start), which is right unless the newest
    services had been deleted before the file was written — those identities can
    then be given again. Only a migration derives a counter from the data; a
    version 2 snapshot keeps its own. Version 1's created uids came from another
    derivation than today's, so they cannot be issued again whatever ``idsIssued``.
    Version 1's hours entries had no ``unitPrice``:
    see :func:`~servicestub.apis.orders.snapshot.booked_prices`."""
    services = data.get("services")
    if isinstance(services, dict) and isinstance(services.get("services"), list):
        identities = [
            s["identity"]
            for s in services["services"]
            if isinstance(s, dict) and type(s.get("identity")) is int
        ]
        services["lastIdentity"] = max(identities, default=FIRST_IDENTITY - 1)
    orders_part.booked_prices(data.get("orders"))


def _v2_to_v3(data: Snapshot) -> None:
    """Version 2 had no collections served by the engine: none were held."""
    data.setdefault("held", {"idsIssued": 0, "groups": []})


STATE = SnapshotFormat("servicestub-state", steps=(_v1_to_v2, _v2_to_v3))
FORMAT = STATE.name
VERSION = STATE.version
READABLE = STATE.readable
