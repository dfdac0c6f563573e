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


def rewriting(rewrite: Rewrite) -> Any:
    """The mock, with every response passed through ``rewrite``."""
    app = create_app()

    async def broken(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
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
