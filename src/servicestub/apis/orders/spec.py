"""The Service Orders spec's collections, as the engine reads them (once)."""

from __future__ import annotations

from servicestub.engine.model import CollectionModel, read_model
from servicestub.specs import ORDERS

#: Every collection of ``service-orders.yaml``.
MODEL = read_model(ORDERS.parsed())


def collection(name: str) -> CollectionModel:
    """The collection whose path ends in ``name`` (``events``, ``hourly-rates``)."""
    return MODEL.by_name(name)
