"""How a service is read: the paged and list view (stored fields and every
``*Name`` resolved from its lookup) and the detail view (also each lookup as
``{identity, name}`` and the share plans the service is on)."""

from __future__ import annotations

from servicestub.apis.services_v4.search import search
from servicestub.apis.services_v4.state import REFERENCES, CatalogueState
from servicestub.core.shapes import Record
from servicestub.engine.paging import page_slice


def render(state: CatalogueState, service: Record) -> Record:
    """The API view: stored fields plus every ``*Name`` from its lookup."""
    view = dict(service)
    lookups = state.lookups  # inline of lookup_name: every record of every page passes here
    for id_field, (table, name_field, _key) in REFERENCES.items():
        value = service.get(id_field)
        view[name_field] = None if value is None else lookups[table].get(value)
    return view


def details(state: CatalogueState, service: Record) -> Record:
    """Each lookup of ``service`` as ``{identity, name}`` (``None`` for none) and
    the share plans it is on."""
    detail: Record = {}
    for id_field, (_table, _name, key) in REFERENCES.items():
        value = service.get(id_field)
        name = state.lookup_name(id_field, value)
        detail[key] = {"identity": value, "name": name} if name is not None else None
    plans = [
        {"identity": p["identity"], "name": p["name"]} for p in state.plans_of(service["identity"])
    ]
    detail["sharePlans"] = {"totalCount": len(plans), "items": plans}
    return detail


def render_detail(state: CatalogueState, service: Record) -> Record:
    """The detail view: :func:`render` and its :func:`details`."""
    return {**render(state, service), "details": details(state, service)}


def listed(state: CatalogueState, *, active_only: bool = False) -> list[Record]:
    """Every service (only the active ones: those a share plan may take), rendered, by identity."""
    return [render(state, s) for s in state.listing(active_only=active_only)]


def page(
    state: CatalogueState, number: int, size: int, *, detail: bool = False
) -> tuple[list[Record], int]:
    """The rendered services of 1-based page ``number`` and the total count."""
    services = state.listing()
    view = render_detail if detail else render
    return [view(state, s) for s in page_slice(services, number, size)], len(services)


def find(state: CatalogueState, criteria: list[Record], top: int) -> list[Record]:
    """The first ``top`` rendered services meeting every search criterion."""
    return search(listed(state), criteria, top)
