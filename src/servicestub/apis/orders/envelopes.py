"""The Service Orders API's list envelope: ``{"data": [...], "meta": {...}}``
(section 2.1); the property names are the spec's (read by the engine's model)."""

from __future__ import annotations

from typing import Any

from servicestub.core.shapes import Json
from servicestub.engine.collection import Rules
from servicestub.engine.model import Envelope
from servicestub.engine.paging import Page


def page_meta(page: Page) -> dict[str, int]:
    """The ``meta`` object of a list envelope."""
    return {
        "page": page.page,
        "perPage": page.per_page,
        "totalItems": page.total,
        "totalPages": page.pages,
    }


def data_and_meta(envelope: Envelope, page: Page) -> Json:
    """``page`` in the envelope's array property with its meta beside it."""
    body: Json = {envelope.items: page.items}
    if envelope.meta is not None:
        body[envelope.meta] = page_meta(page)
    return body


def orders_rules(**points: Any) -> Rules[Any]:
    """A collection's rules in this API: what every one of them shares (this list
    envelope; ``""`` in a nullable field stands for null), then ``points``, the
    collection's own (``prepare``, ``after_change``, sorts, a label)."""
    return Rules(envelope=data_and_meta, blank_is_null=True, **points)
