"""Services API v4: the ``Service`` catalogue in its ``trackingId`` envelopes."""

from __future__ import annotations

from typing import Any

from servicestub.apis.services_v4.catalogue import Catalogue
from servicestub.runtime import current, tracking_id


def _catalogue() -> Catalogue:
    return current().catalogue


def _listing(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"trackingId": tracking_id(), "totalCount": len(items), "items": items}


def _results(kind: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "trackingId": tracking_id(),
        "type": kind,
        "results": {"totalCount": len(items), "items": items},
    }


async def list_services() -> Any:
    catalogue = _catalogue()
    return _listing([catalogue.render(s) for s in catalogue.listing()])


async def available_for_share_plans() -> Any:
    catalogue = _catalogue()
    return _listing([catalogue.render(s) for s in catalogue.listing(active_only=True)])


def _paged(page_number: int, page_size: int, exclude_total_count: bool, detail: bool) -> Any:
    items, total = _catalogue().page(page_number, page_size, detail=detail)
    results: dict[str, Any] = {"items": items}
    if not exclude_total_count:
        results = {"totalCount": total, **results}
    return {
        "trackingId": tracking_id(),
        "pagination": {
            "pageNumber": page_number,
            "pageSize": page_size,
            "excludeTotalCount": exclude_total_count,
        },
        "pagedResults": results,
    }


async def paged(
    page_number: int = 1, page_size: int = 20, exclude_total_count: bool = False
) -> Any:
    return _paged(page_number, page_size, exclude_total_count, detail=False)


async def paged_detail(
    page_number: int = 1, page_size: int = 20, exclude_total_count: bool = False
) -> Any:
    return _paged(page_number, page_size, exclude_total_count, detail=True)


async def get_service(id_: int) -> Any:
    catalogue = _catalogue()
    return {"trackingId": tracking_id(), "instance": catalogue.render(catalogue.get(id_))}


async def get_service_detail(id_: int) -> Any:
    catalogue = _catalogue()
    return {"trackingId": tracking_id(), "instance": catalogue.render_detail(catalogue.get(id_))}


async def create_service(body: dict[str, Any]) -> Any:
    catalogue = _catalogue()
    return _results("create", [catalogue.render(catalogue.create(body))])


async def update_service(id_: int, body: dict[str, Any]) -> Any:
    catalogue = _catalogue()
    return _results("update", [catalogue.render(catalogue.update(id_, body))])


async def patch_service(id_: int, body: dict[str, Any]) -> Any:
    return _results("patch", _catalogue().patch(id_, body["services"]["items"]))


async def delete_service(id_: int) -> Any:
    return _results("delete", _catalogue().delete(id_))


async def search_services(body: dict[str, Any]) -> Any:
    query = body.get("query") or {}
    items = _catalogue().find(query.get("search") or [], query.get("top", 20))
    return {"trackingId": tracking_id(), "itemCount": len(items), "items": items}


# The collection answers with and without the trailing slash (two paths in the spec).
list_services_slash = list_services
create_service_slash = create_service
