"""The Services v4 catalogue as the runtime, the control plane and scenarios
hold it: its data (:mod:`.state`) with each operation of the modules that own it.

Each method is that module's function, nothing more: seeding
(:mod:`.seeding`), writes (:mod:`.rules`), views (:mod:`.views`), DataFlow
PATCH (:mod:`.patch`) and snapshots (:mod:`.snapshot`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from servicestub.apis.services_v4 import patch, rules, seeding, snapshot, views
from servicestub.apis.services_v4.spec import IDENTITY_MAX, NULLABLE
from servicestub.apis.services_v4.state import FIRST_IDENTITY, REFERENCES, CatalogueState
from servicestub.core.shapes import Record

__all__ = ["FIRST_IDENTITY", "IDENTITY_MAX", "NULLABLE", "REFERENCES", "Catalogue"]


class Catalogue(CatalogueState):
    """All data of the Services API v4, and what can be done with it."""

    @classmethod
    def seeded(cls, seed: int, **options: Any) -> Self:
        """The catalogue seeded from ``seed`` (options: :func:`.seeding.seed_catalogue`)."""
        return cls.adopting(seeding.seed_catalogue(seed, **options))

    @classmethod
    def from_snapshot(cls, data: Record) -> Self:
        return cls.adopting(snapshot.from_snapshot(data))

    def to_snapshot(self) -> Record:
        return snapshot.to_snapshot(self)

    def create(self, body: Record, *, now: datetime | None = None) -> Record:
        return rules.create(self, body, now=now)

    def update(self, identity: int, body: Record) -> Record:
        return rules.update(self, identity, body)

    def delete(self, identity: int) -> list[Record]:
        return rules.delete(self, identity)

    def patch(self, path_identity: int, items: list[Record]) -> list[Record]:
        return patch.apply_batch(self, path_identity, items)

    def render(self, service: Record) -> Record:
        return views.render(self, service)

    def details(self, service: Record) -> Record:
        return views.details(self, service)

    def render_detail(self, service: Record) -> Record:
        return views.render_detail(self, service)

    def page(self, number: int, size: int, *, detail: bool = False) -> tuple[list[Record], int]:
        return views.page(self, number, size, detail=detail)

    def find(self, criteria: list[Record], top: int) -> list[Record]:
        return views.find(self, criteria, top)
