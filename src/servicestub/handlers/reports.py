"""The PDF report of a service order, negotiated on ``Accept`` (section 2.6)."""

from __future__ import annotations

import base64
from typing import Any

from connexion import context
from starlette.concurrency import run_in_threadpool

from servicestub.apis.orders.report import render_report, sheet_of
from servicestub.handlers._scope import order_scope
from servicestub.middleware.negotiation import NEGOTIATED_KEY


async def get_report(tenant_id: str, store_id: str, service_order_uid: str) -> Any:
    order = order_scope(tenant_id, store_id, service_order_uid)
    media_type = context.scope[NEGOTIATED_KEY]  # one of the spec's, chosen by MediaTypeMiddleware
    # Written off the event loop (a long order or a large font takes a moment),
    # from a copy of the order, so other requests go on meanwhile.
    pdf = await run_in_threadpool(
        render_report, sheet_of(order.tenant, order.store.store_id, order.bundle)
    )
    file_name = f"{order.bundle.order['serviceNumber']}.pdf"
    if media_type == "application/json":
        return (
            {
                "fileName": file_name,
                "contentType": "application/pdf",
                "content": base64.b64encode(pdf).decode("ascii"),
            },
            200,
            {"Content-Type": "application/json"},
        )
    return (
        pdf,
        200,
        {
            "Content-Type": media_type,
            "Content-Disposition": f'attachment; filename="{file_name}"',
        },
    )
