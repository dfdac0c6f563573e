"""DataFlow PATCH: a batch of create/update/delete items applied all or nothing.

The items are applied in order to a copy of the catalogue, each seeing the
effects of those before it; the copy replaces the data only when every item
succeeded, so a failing item (its 400 names its ``patchClientId``) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from servicestub.apis.services_v4 import reports, rules
from servicestub.apis.services_v4.state import CatalogueState
from servicestub.apis.services_v4.views import render
from servicestub.core.errors import BadRequest, NotFound
from servicestub.core.shapes import Record


def _create(state: CatalogueState, _identity: int, item: Record) -> Record:
    return reports.patched("created", rules.create(state, item), item.get("patchClientId"))


def _update(state: CatalogueState, identity: int, item: Record) -> Record:
    return reports.patched(
        "updated", rules.update(state, identity, item), item.get("patchClientId")
    )


def _delete(state: CatalogueState, identity: int, item: Record) -> Record:
    service = state.get(identity)
    rules.delete(state, identity)
    return reports.patched("deleted", service, item.get("patchClientId"))


#: patchType -> how an item of it is applied (to the item's identity, else the path's)
_APPLY: dict[str, Callable[[CatalogueState, int, Record], Record]] = {
    "create": _create,
    "update": _update,
    "delete": _delete,
}


def apply_batch(state: CatalogueState, path_identity: int, items: list[Record]) -> list[Record]:
    """Apply ``items`` to the service catalogue, all or nothing; one result per
    item, in order, each instance rendered. 404 when the path's service does not
    exist; 400 naming the first item that fails."""
    state.get(path_identity)
    trial = state.copy()
    results = []
    for item in items:
        client_id = item.get("patchClientId")
        try:
            results.append(
                _APPLY[item["patchType"]](trial, item.get("identity") or path_identity, item)
            )
        except (BadRequest, NotFound) as error:
            raise BadRequest(
                f"PATCH item with patchClientId {client_id} ({item.get('patchType')}) "
                f"failed: {error.detail} Nothing was changed.",
                patchClientId=client_id,
            ) from None
    state.take(trial)
    return [{**result, "instance": render(state, result["instance"])} for result in results]
