"""Deliberately broken implementations: the real mock with one thing broken each.

Each is a small ASGI wrapper; the contract run must fail against every one of
them and name the check that caught it."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

from servicestub import create_app

Headers = list[tuple[bytes, bytes]]
Rewrite = Callable[[dict, int, Headers, bytes], tuple[int, Headers, bytes]]


async def read_body(receive: Any) -> bytes:
    """The whole request body of an ASGI exchange."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def rewriting(rewrite: Rewrite) -> Any:
    """The mock, with every response passed through ``rewrite``."""
    app = create_app()
    wrapped = rewriting_app(app, rewrite)

    async def broken(scope: dict, receive: Any, send: Any) -> None:
        await (app if scope["type"] != "http" else wrapped)(scope, receive, send)

    return broken


def _json_rewrite(change: Callable[[dict, Any], None]) -> Rewrite:
    def rewrite(
        scope: dict, status: int, headers: Headers, body: bytes
    ) -> tuple[int, Headers, bytes]:
        try:
            data = json.loads(body)
        except ValueError:
            return status, headers, body
        change(scope, data)
        return status, headers, json.dumps(data).encode()

    return rewrite


def _rename_data(scope: dict, data: Any) -> None:
    if isinstance(data, dict) and "data" in data and "meta" in data:
        data["items"] = data.pop("data")


def _drop_tracking(scope: dict, data: Any) -> None:
    if isinstance(data, dict):
        data.pop("trackingId", None)


def _wrong_total_pages(scope: dict, data: Any) -> None:
    if isinstance(data, dict) and isinstance(data.get("meta"), dict):
        data["meta"]["totalPages"] += 1


def _bad_service_number(
    scope: dict, status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    return status, headers, re.sub(rb'"serviceNumber":\s*"SO-', b'"serviceNumber":"ORDER_', body)


def _create_answers_200(
    scope: dict, status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    if scope["method"] == "POST" and scope["path"].endswith("/service-orders") and status == 201:
        status = 200
    return status, headers, body


def _errors_as_text(
    scope: dict, status: int, headers: Headers, body: bytes
) -> tuple[int, Headers, bytes]:
    if status >= 400 and scope["path"].startswith("/v1/"):
        headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
        headers.append((b"content-type", b"text/plain; charset=utf-8"))
        body = b"Error: something went wrong"
    return status, headers, body


def crashes_on_demo_service_types() -> Any:
    app = create_app()

    async def broken(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/tenants/demo/service-types":
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/problem+json")],
                }
            )
            await send(
                {
                    "type": "http.response.body",
                    "body": b'{"type":"about:blank","title":"Internal Server Error",'
                    b'"status":500,"detail":"boom"}',
                }
            )
            return
        await app(scope, receive, send)

    return broken


def keeps_deleted_orders() -> Any:
    app = create_app()
    order = re.compile(r"^/v1/tenants/[^/]+/stores/[^/]+/service-orders/[^/]+$")

    async def broken(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "DELETE" and order.match(scope["path"]):
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return broken


@dataclasses.dataclass(frozen=True)
class Break:
    """A broken implementation and what the contract run must name."""

    app: Callable[[], Any]
    api: str
    check: str
    operation: str


ORDERS_LIST = "GET /tenants/{tenantId}/stores/{storeId}/service-orders"
ORDER = "/tenants/{tenantId}/stores/{storeId}/service-orders/{serviceOrderUid}"

BROKEN = {
    "wrong-envelope-key": Break(
        lambda: rewriting(_json_rewrite(_rename_data)),
        "orders",
        "response_schema_conformance",
        ORDERS_LIST,
    ),
    "missing-tracking-id": Break(
        lambda: rewriting(_json_rewrite(_drop_tracking)),
        "services",
        "tracking_id_present",
        "GET /Service/{id}",
    ),
    "pattern-broken": Break(
        lambda: rewriting(_bad_service_number),
        "orders",
        "response_schema_conformance",
        f"GET {ORDER}",
    ),
    "create-answers-200": Break(
        lambda: rewriting(_create_answers_200),
        "orders",
        "status_code_conformance",
        "POST /tenants/{tenantId}/stores/{storeId}/service-orders",
    ),
    "server-error-on-one-input": Break(
        crashes_on_demo_service_types,
        "orders",
        "not_a_server_error",
        "GET /tenants/{tenantId}/service-types",
    ),
    "wrong-total-pages": Break(
        lambda: rewriting(_json_rewrite(_wrong_total_pages)),
        "orders",
        "list_meta_arithmetic",
        ORDERS_LIST,
    ),
    "deleted-still-readable": Break(
        keeps_deleted_orders, "orders", "use_after_free", f"DELETE {ORDER}"
    ),
    "errors-as-plain-text": Break(
        lambda: rewriting(_errors_as_text),
        "orders",
        "errors_are_problem_json",
        f"GET {ORDER}",
    ),
}


# -- behaviour breaks: every answer schema-valid, one promised behaviour broken --------

Request = Callable[[dict, bytes, dict], tuple[dict, bytes]]


def intercepting(
    request: Request | None = None, response: Callable[[dict, int, Any, dict], Any] | None = None
) -> Any:
    """The mock with each request passed through ``request(scope, body, memo)`` and each
    JSON response body through ``response(scope, status, data, memo)`` (``memo`` is
    state the break keeps between requests)."""
    app = create_app()
    memo: dict = {}

    async def broken(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        body = await read_body(receive)
        scope, body = request(dict(scope), body, memo) if request else (scope, body)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        if response is None:
            await app(scope, replay, send)
            return

        def rewrite(
            s: dict, status: int, headers: Headers, raw: bytes
        ) -> tuple[int, Headers, bytes]:
            try:
                data = json.loads(raw)
            except ValueError:
                return status, headers, raw
            result = response(s, status, data, memo)
            if isinstance(result, tuple):  # a new status as well: answer plain JSON
                status, result = result
                headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
                headers.append((b"content-type", b"application/json"))
            return status, headers, json.dumps(result).encode()

        await rewriting_app(app, rewrite)(scope, replay, send)

    return broken


def rewriting_app(app: Any, rewrite: Rewrite) -> Any:
    """``app`` with every response passed through ``rewrite`` (as :func:`rewriting`)."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, headers, body = rewrite(
                scope, start["status"], list(start.get("headers", [])), b"".join(chunks)
            )
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped


ORDER_LIST_PATH = re.compile(r"^/v1/tenants/[^/]+/stores/[^/]+/service-orders$")
ORDER_PATH = re.compile(r"^(/v1/tenants/[^/]+/stores/[^/]+)/service-orders/([^/]+)(/.*)?$")


def _drop_query(*names: str) -> Request:
    """A list that ignores the query parameters ``names`` (e.g. its sort, one filter)."""

    def change(scope: dict, body: bytes, memo: dict) -> tuple[dict, bytes]:
        if scope["method"] == "GET" and ORDER_LIST_PATH.match(scope["path"]):
            pairs = [p for p in scope["query_string"].split(b"&") if p.split(b"=")[0] not in names]
            scope["query_string"] = b"&".join(pairs)
        return scope, body

    return change


def _put_wipes_absent(scope: dict, body: bytes, memo: dict) -> tuple[dict, bytes]:
    found = ORDER_PATH.match(scope["path"])
    if scope["method"] == "PUT" and found and not found.group(3) and body:
        sent = json.loads(body)
        for field in ("description", "assignedUserId", "dueDate", "customer"):
            sent.setdefault(field, None)
        body = json.dumps(sent).encode()
    return scope, body


def _stale_reads(scope: dict, status: int, data: Any, memo: dict) -> Any:
    """GET of an order answers what the first GET answered, whatever changed since."""
    found = ORDER_PATH.match(scope["path"])
    if scope["method"] == "GET" and found and not found.group(3) and status == 200:
        return memo.setdefault(scope["path"], data)
    return data


def _remember_deletes(scope: dict, body: bytes, memo: dict) -> tuple[dict, bytes]:
    found = ORDER_PATH.match(scope["path"])
    if found and scope["method"] == "DELETE" and not found.group(3):
        memo.setdefault("deleted", set()).add(found.group(2))
    return scope, body


def _events_outlive_order(scope: dict, status: int, data: Any, memo: dict) -> Any:
    """A deleted order's events list still answers 200 (empty)."""
    found = ORDER_PATH.match(scope["path"])
    if found and found.group(3) == "/events" and found.group(2) in memo.get("deleted", ()):
        return 200, {
            "data": [],
            "meta": {"page": 1, "perPage": 20, "totalItems": 0, "totalPages": 0},
        }
    return data


def _shared_orders(scope: dict, body: bytes, memo: dict) -> tuple[dict, bytes]:
    """Orders are found by uid in whichever tenant and store created them."""
    found = ORDER_PATH.match(scope["path"])
    owners = memo.setdefault("owners", {})
    if found and scope["method"] == "GET" and found.group(2) in owners:
        path = f"{owners[found.group(2)]}/service-orders/{found.group(2)}{found.group(3) or ''}"
        scope["path"], scope["raw_path"] = path, path.encode()
    return scope, body


def _note_owner(scope: dict, status: int, data: Any, memo: dict) -> Any:
    if scope["method"] == "POST" and ORDER_LIST_PATH.match(scope["path"]) and status == 201:
        memo.setdefault("owners", {})[data["serviceOrderUid"]] = scope["path"].rsplit("/", 1)[0]
    return data


def _search_ignores_customer(scope: dict, body: bytes, memo: dict) -> tuple[dict, bytes]:
    if scope["method"] == "POST" and scope["path"].endswith("/service-orders/search") and body:
        sent = json.loads(body)
        sent.pop("customer", None)
        body = json.dumps(sent).encode()
    return scope, body


def _totals_ignore_hours(scope: dict, status: int, data: Any, memo: dict) -> Any:
    totals = data.get("totals") if isinstance(data, dict) else None
    if isinstance(totals, dict) and "items" in totals:
        totals["hours"], totals["total"] = 0.0, totals["items"]
    return data


def _status_positions_gap(scope: dict, status: int, data: Any, memo: dict) -> Any:
    listed = data.get("data") if isinstance(data, dict) else None
    if scope["path"].endswith("/service-statuses") and listed and len(listed) > 8:
        listed[-1]["position"] += 1  # once the run has created some
    return data


def _json_report_differs(scope: dict, status: int, data: Any, memo: dict) -> Any:
    if scope["path"].endswith("/report") and isinstance(data, dict) and "content" in data:
        data["content"] = "JVBERi0xLjMKJSVFT0YK"  # "%PDF-1.3\n%%EOF\n"
    return data


def _both(*requests: Request) -> Request:
    def change(scope: dict, body: bytes, memo: dict) -> tuple[dict, bytes]:
        for one in requests:
            scope, body = one(scope, body, memo)
        return scope, body

    return change


V4_ONE = re.compile(r"^/api/v4/Service/\d+$")


def _v4_search_first_criterion_only(scope: dict, body: bytes, memo: dict) -> tuple[dict, bytes]:
    if scope["method"] == "POST" and scope["path"] == "/api/v4/Service/Search" and body:
        sent = json.loads(body)
        query = sent.get("query") or {}
        query["search"] = (query.get("search") or [])[:1]
        body = json.dumps(sent).encode()
    return scope, body


def _v4_empty_delete_report(scope: dict, status: int, data: Any, memo: dict) -> Any:
    if scope["method"] == "DELETE" and V4_ONE.match(scope["path"]) and status == 200:
        data["results"] = {"totalCount": 0, "items": []}
    return data


def _v4_names_stuck(scope: dict, status: int, data: Any, memo: dict) -> Any:
    """Every serviceTypeName is the one of the first lookup, whatever the id."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("serviceTypeName"):
                node["serviceTypeName"] = "Recurring"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return data


def _v4_fresh_tracking_ids(scope: dict, status: int, data: Any, memo: dict) -> Any:
    if isinstance(data, dict) and "trackingId" in data:
        data["trackingId"] = "6f0c3a1e-2b4d-4c8e-9f10-a1b2c3d4e5f6"
    return data


@dataclasses.dataclass(frozen=True)
class BehaviourBreak:
    """A schema-valid server that breaks one behaviour, and the rule that must catch it."""

    app: Callable[[], Any]
    api: str
    family: str
    rule: str


BEHAVIOUR_BROKEN = {
    "sort-ignored": BehaviourBreak(
        lambda: intercepting(_drop_query(b"sort", b"order")), "orders", "lists", "lists.sort"
    ),
    "filter-dropped": BehaviourBreak(
        lambda: intercepting(_drop_query(b"priorities")), "orders", "lists", "lists.filter"
    ),
    "put-wipes-absent-fields": BehaviourBreak(
        lambda: intercepting(_put_wipes_absent), "orders", "writes", "writes.update"
    ),
    "stale-read-after-write": BehaviourBreak(
        lambda: intercepting(response=_stale_reads), "orders", "writes", "writes.read"
    ),
    "events-outlive-their-order": BehaviourBreak(
        lambda: intercepting(_remember_deletes, _events_outlive_order),
        "orders",
        "deletes",
        "deletes.cascade",
    ),
    "other-scope-order-visible": BehaviourBreak(
        lambda: intercepting(_shared_orders, _note_owner),
        "orders",
        "isolation",
        "isolation.records",
    ),
    "search-ignores-customer": BehaviourBreak(
        lambda: intercepting(_search_ignores_customer), "orders", "search", "search.text"
    ),
    "totals-ignore-hours": BehaviourBreak(
        lambda: intercepting(response=_totals_ignore_hours), "orders", "derived", "derived.totals"
    ),
    "status-positions-gap": BehaviourBreak(
        lambda: intercepting(response=_status_positions_gap),
        "orders",
        "statuses",
        "statuses.positions",
    ),
    "v4-criteria-ignored": BehaviourBreak(
        lambda: intercepting(_v4_search_first_criterion_only), "services", "v4", "v4.search"
    ),
    "v4-empty-delete-report": BehaviourBreak(
        lambda: intercepting(response=_v4_empty_delete_report), "services", "v4", "v4.delete"
    ),
    "v4-names-do-not-follow-ids": BehaviourBreak(
        lambda: intercepting(response=_v4_names_stuck), "services", "v4", "v4.names"
    ),
    "v4-tracking-id-not-echoed": BehaviourBreak(
        lambda: intercepting(response=_v4_fresh_tracking_ids), "services", "v4", "v4.tracking"
    ),
    "json-report-differs": BehaviourBreak(
        lambda: intercepting(response=_json_report_differs), "orders", "reports", "reports.json"
    ),
}
