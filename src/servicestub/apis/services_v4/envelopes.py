"""Every body the Services API v4 answers with: the records in their envelope,
with the request's ``trackingId``."""

from __future__ import annotations

from typing import Literal

from servicestub.core.shapes import Record

#: What a write's results report (the ``type`` of ``ServiceWriteResults``,
#: ``PatchResults`` and ``DeleteResults``).
WriteKind = Literal["create", "update", "patch", "delete"]


def listing(tracking_id: str, items: list[Record]) -> Record:
    """Every item (``ServiceList``)."""
    return {"trackingId": tracking_id, "totalCount": len(items), "items": items}


def instance(tracking_id: str, item: Record) -> Record:
    """One record (``ServiceInstance``, ``ServiceDetailInstance``)."""
    return {"trackingId": tracking_id, "instance": item}


def results(tracking_id: str, kind: WriteKind, items: list[Record]) -> Record:
    """What a write did (``ServiceWriteResults``, ``PatchResults``, ``DeleteResults``)."""
    return {
        "trackingId": tracking_id,
        "type": kind,
        "results": {"totalCount": len(items), "items": items},
    }


def paged(
    tracking_id: str,
    *,
    page_number: int,
    page_size: int,
    exclude_total_count: bool,
    items: list[Record],
    total: int,
) -> Record:
    """One page of ``total`` records (``ServicePaged``, ``ServicePagedDetail``);
    ``totalCount`` left out when the request asked so."""
    counted: Record = {} if exclude_total_count else {"totalCount": total}
    return {
        "trackingId": tracking_id,
        "pagination": {
            "pageNumber": page_number,
            "pageSize": page_size,
            "excludeTotalCount": exclude_total_count,
        },
        "pagedResults": {**counted, "items": items},
    }


def found(tracking_id: str, items: list[Record]) -> Record:
    """What a search found (``SearchResults``)."""
    return {"trackingId": tracking_id, "itemCount": len(items), "items": items}
