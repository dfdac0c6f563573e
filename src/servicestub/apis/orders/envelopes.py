"""The Service Orders API's list envelope: ``{"data": [...], "meta": {...}}``
(section 2.1); the property names are the spec's (read by the engine's model)."""

from __future__ import annotations

from servicestub.core.shapes import Json
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
