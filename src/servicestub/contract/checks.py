"""Checks schemathesis does not have, for what these specs promise.

Plain functions registered with schemathesis; each raises ``AssertionError``
with a message a person can act on."""

from __future__ import annotations

import math
import uuid
from typing import Any

import schemathesis

from servicestub.specs import ORDERS, SERVICES

PROBLEM_JSON = "application/problem+json"


def _api(case: Any) -> str:
    return str(case.operation.schema.base_path).rstrip("/")


def _header(response: Any, name: str) -> str:
    for key, value in response.headers.items():
        if key.lower() == name:
            return value[0] if isinstance(value, list) else value
    return ""


def _json(response: Any) -> Any:
    if "json" not in _header(response, "content-type"):
        return None
    try:
        return response.json()
    except Exception:
        return None


def _query_int(case: Any, name: str, default: int) -> int:
    value = (case.query or {}).get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@schemathesis.check
def list_meta_arithmetic(ctx: Any, response: Any, case: Any) -> bool | None:
    """``meta`` of a Service Orders list adds up and echoes page/perPage; a v4
    ``Paged`` answer echoes its ``pagination``."""
    body = _json(response)
    if not isinstance(body, dict) or response.status_code >= 400:
        return None
    meta = body.get("meta")
    if _api(case) == ORDERS.base_path and isinstance(meta, dict) and "data" in body:
        page, per_page = _query_int(case, "page", 1), _query_int(case, "perPage", 20)
        total = meta.get("totalItems")
        if meta.get("page") != page or meta.get("perPage") != per_page:
            raise AssertionError(
                f"meta echoes page={meta.get('page')}, perPage={meta.get('perPage')} "
                f"but the request asked for page={page}, perPage={per_page}"
            )
        if isinstance(total, int) and meta.get("totalPages") != math.ceil(total / per_page):
            raise AssertionError(
                f"meta.totalPages is {meta.get('totalPages')} but {total} items at "
                f"{per_page} per page make {math.ceil(total / per_page)} pages"
            )
        if isinstance(total, int) and isinstance(body["data"], list):
            expected = max(0, min(per_page, total - (page - 1) * per_page))
            if len(body["data"]) != expected:
                raise AssertionError(
                    f"page {page} of {total} items at {per_page} per page should hold "
                    f"{expected} items, it holds {len(body['data'])}"
                )
    pagination = body.get("pagination")
    if _api(case) == SERVICES.base_path and isinstance(pagination, dict):
        asked = {
            "pageNumber": _query_int(case, "pageNumber", 1),
            "pageSize": _query_int(case, "pageSize", 20),
        }
        for key, value in asked.items():
            if pagination.get(key) != value:
                raise AssertionError(
                    f"pagination.{key} is {pagination.get(key)}; the request asked for {value}"
                )
        results = body.get("pagedResults") or {}
        if pagination.get("excludeTotalCount") and "totalCount" in results:
            raise AssertionError(
                "excludeTotalCount is true but pagedResults still carries totalCount"
            )
        if not pagination.get("excludeTotalCount") and "totalCount" not in results:
            raise AssertionError(
                "pagedResults has no totalCount although excludeTotalCount is false"
            )
    return None


@schemathesis.check
def tracking_id_present(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every Services v4 body carries a UUID ``trackingId``."""
    if _api(case) != SERVICES.base_path or not response.content:
        return None
    body = _json(response)
    if not isinstance(body, dict) or "trackingId" not in body:
        raise AssertionError(f"the {response.status_code} body has no trackingId")
    try:
        uuid.UUID(str(body["trackingId"]))
    except ValueError:
        raise AssertionError(f"trackingId {body['trackingId']!r} is not a UUID") from None
    return None


@schemathesis.check
def errors_are_problem_json(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx/5xx of the Service Orders API is ``application/problem+json``."""
    if _api(case) != ORDERS.base_path or response.status_code < 400:
        return None
    media = _header(response, "content-type").split(";")[0].strip()
    if media != PROBLEM_JSON:
        raise AssertionError(
            f"a {response.status_code} answered as {media or 'no content type'}, not {PROBLEM_JSON}"
        )
    return None


CUSTOM_CHECKS = ("list_meta_arithmetic", "tracking_id_present", "errors_are_problem_json")
