"""Deliberately broken implementations: the real mock with one thing broken each.

Each is a small ASGI wrapper; the contract run must fail against every one of
them and name the check that caught it."""

from __future__ import annotations

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


#: name -> (app factory, --api, the check that must name the break)
BROKEN = {
    "wrong-envelope-key": (
        lambda: rewriting(_json_rewrite(_rename_data)),
        "orders",
        "response_schema_conformance",
    ),
    "missing-tracking-id": (
        lambda: rewriting(_json_rewrite(_drop_tracking)),
        "services",
        "tracking_id_present",
    ),
    "pattern-broken": (
        lambda: rewriting(_bad_service_number),
        "orders",
        "response_schema_conformance",
    ),
    "create-answers-200": (
        lambda: rewriting(_create_answers_200),
        "orders",
        "status_code_conformance",
    ),
    "server-error-on-one-input": (crashes_on_demo_service_types, "orders", "not_a_server_error"),
    "wrong-total-pages": (
        lambda: rewriting(_json_rewrite(_wrong_total_pages)),
        "orders",
        "list_meta_arithmetic",
    ),
    "deleted-still-readable": (keeps_deleted_orders, "orders", "use_after_free"),
    "errors-as-plain-text": (
        lambda: rewriting(_errors_as_text),
        "orders",
        "errors_are_problem_json",
    ),
}
