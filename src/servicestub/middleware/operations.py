"""What the middleware knows of a request's operation: its operationId, as the
spec names it (connexion's routing leaves the resolved handler's name in the
scope), and the ``Location`` of what a create made.

Handlers are ``module.function`` under :data:`HANDLERS` (operationId
``events.list_events`` is :func:`servicestub.handlers.events.list_events`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from connexion.middleware.abstract import ROUTING_CONTEXT
from starlette.types import Scope

from servicestub.specs import APIS, ApiSpec, created_resources

HANDLERS = "servicestub.handlers"


def spec_operation_id(resolved: str) -> str:
    """The spec's operationId of an operation connexion resolved to ``resolved``."""
    return resolved.removeprefix(HANDLERS + ".")


def routed_operation_id(scope: Scope) -> str | None:
    """The operationId of the operation connexion routed this request to, or
    ``None`` before routing (or when no operation matched)."""
    routing = scope.get("extensions", {}).get(ROUTING_CONTEXT, {})
    resolved = routing.get("operation_id") if scope.get("type") == "http" else None
    return spec_operation_id(resolved) if resolved else None


def created_location(
    operation_id: str | None, request_path: str, body: Any, apis: tuple[ApiSpec, ...] = APIS
) -> str | None:
    """The ``Location`` of what ``operation_id`` of ``apis``, posted to ``request_path``,
    created: that path and the new id (``body[<item parameter>]``); ``None`` for an
    operation whose 201 declares none (or a body without the id)."""
    parameter = created_resources(apis).get(operation_id or "")
    if parameter is None or not isinstance(body, dict) or parameter not in body:
        return None
    return f"{request_path.rstrip('/')}/{quote(str(body[parameter]), safe='')}"
