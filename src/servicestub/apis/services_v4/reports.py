"""The rows a DataFlow write reports: what it did to which record.

A delete reports the service and each share plan it was detached from; a PATCH
batch reports each item's service with the client's ``patchClientId``."""

from __future__ import annotations

from typing import Literal

from servicestub.core.shapes import Record

#: What a PATCH item did to its service.
Action = Literal["created", "updated", "deleted"]

SERVICE = "service"
SHARE_PLAN_SERVICE = "sharePlanService"


def deleted(identity: int) -> Record:
    """Service ``identity`` is gone."""
    return {"identity": identity, "action": "deleted", "dtoTypeKey": SERVICE}


def detached(plan: int, service: int) -> Record:
    """Service ``service`` is no longer on share plan ``plan``."""
    return {"lhsId": plan, "rhsId": service, "action": "detached", "dtoTypeKey": SHARE_PLAN_SERVICE}


def patched(action: Action, service: Record, client_id: int | None) -> Record:
    """A PATCH item's result: ``service`` as the item left it (as it was, when deleted)."""
    return {
        "identity": service["identity"],
        "action": action,
        "dtoTypeKey": SERVICE,
        "patchClientId": client_id,
        "instance": service,
    }
