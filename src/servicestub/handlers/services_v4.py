"""Services API v4: the ``Service`` catalogue in its ``trackingId`` envelopes.

Each handler reads its arguments, calls the rule or view that does the work and
wraps the answer (:mod:`servicestub.apis.services_v4.envelopes`); paging
defaults are the spec's, filled in by the request validation.
"""

from __future__ import annotations

from servicestub.apis.services_v4 import envelopes, rules, views
from servicestub.apis.services_v4.patch import apply_batch
from servicestub.apis.services_v4.spec import SEARCH_TOP
from servicestub.apis.services_v4.state import CatalogueState
from servicestub.core.shapes import Record
from servicestub.runtime import current, tracking_id


def _catalogue() -> CatalogueState:
    return current().catalogue


async def list_services() -> Record:
    return envelopes.listing(tracking_id(), views.listed(_catalogue()))


async def list_services_slash() -> Record:
    """The collection answers with and without the trailing slash (two paths in the spec)."""
    return await list_services()


async def available_for_share_plans() -> Record:
    return envelopes.listing(tracking_id(), views.listed(_catalogue(), active_only=True))


def _paged(page_number: int, page_size: int, exclude_total_count: bool, *, detail: bool) -> Record:
    items, total = views.page(_catalogue(), page_number, page_size, detail=detail)
    return envelopes.paged(
        tracking_id(),
        page_number=page_number,
        page_size=page_size,
        exclude_total_count=exclude_total_count,
        items=items,
        total=total,
    )


async def paged(page_number: int, page_size: int, exclude_total_count: bool) -> Record:
    return _paged(page_number, page_size, exclude_total_count, detail=False)


async def paged_detail(page_number: int, page_size: int, exclude_total_count: bool) -> Record:
    return _paged(page_number, page_size, exclude_total_count, detail=True)


async def get_service(id_: int) -> Record:
    catalogue = _catalogue()
    return envelopes.instance(tracking_id(), views.render(catalogue, catalogue.get(id_)))


async def get_service_detail(id_: int) -> Record:
    catalogue = _catalogue()
    return envelopes.instance(tracking_id(), views.render_detail(catalogue, catalogue.get(id_)))


async def create_service(body: Record) -> Record:
    catalogue = _catalogue()
    created = views.render(catalogue, rules.create(catalogue, body))
    return envelopes.results(tracking_id(), "create", [created])


async def create_service_slash(body: Record) -> Record:
    """The collection answers with and without the trailing slash (two paths in the spec)."""
    return await create_service(body)


async def update_service(id_: int, body: Record) -> Record:
    catalogue = _catalogue()
    updated = views.render(catalogue, rules.update(catalogue, id_, body))
    return envelopes.results(tracking_id(), "update", [updated])


async def patch_service(id_: int, body: Record) -> Record:
    results = apply_batch(_catalogue(), id_, body["services"]["items"])
    return envelopes.results(tracking_id(), "patch", results)


async def delete_service(id_: int) -> Record:
    return envelopes.results(tracking_id(), "delete", rules.delete(_catalogue(), id_))


async def search_services(body: Record) -> Record:
    query = body["query"]
    items = views.find(_catalogue(), query.get("search", []), query.get("top", SEARCH_TOP))
    return envelopes.found(tracking_id(), items)
