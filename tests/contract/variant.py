"""An independent, correct implementation of the Service Orders API, written from
``api-surface.md`` alone (nothing of servicestub's code): its own ids
(``ord_000017``), numbering (``R-7``), timestamps (microseconds, ``+00:00``),
and no seeded data beyond the reference data a tenant must have. The behaviour
phase must pass on it: whatever it relies on that this variant does differently
is a false alarm."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fpdf import FPDF
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

STATES = ["NEW", "IN_PROGRESS", "WAITING", "DONE", "CLOSED", "CANCELLED"]
PRIORITIES = ["NONE", "LOW", "NORMAL", "HIGH", "URGENT"]
SECRET = b"variant-secret"
FILTERS = {
    "states": "state",
    "serviceTypes": "serviceTypeUid",
    "assignedUsers": "assignedUserId",
    "createdFromStores": "createdFromStoreId",
    "priorities": "priority",
}


def problem(status: int, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "title": "Error", "status": status, "detail": detail}
    return JSONResponse(body, status, media_type="application/problem+json")


class NotFound(Exception):
    pass


class Variant:
    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.tenants: dict[str, dict[str, Any]] = {}
        self.stores: dict[tuple[str, str], dict[str, Any]] = {}

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self.ids):06d}"

    @staticmethod
    def now() -> str:
        return datetime.now(UTC).isoformat()

    def tenant(self, tid: str) -> dict[str, Any]:
        if tid not in self.tenants:
            at = self.now()
            types = [
                {
                    "serviceTypeUid": self.new_id("typ"),
                    "name": name,
                    "description": None,
                    "defaultPriority": "NORMAL",
                    "active": True,
                    "createdAt": at,
                }
                for name in ("Repair", "inspection")
            ]
            statuses = [
                {
                    "statusUid": self.new_id("sts"),
                    "name": name,
                    "position": n,
                    "color": None,
                    "isFinal": n == 3,
                }
                for n, name in enumerate(("Open", "Working", "Finished"), start=1)
            ]
            rates = [
                {
                    "hourlyRateUid": self.new_id("rat"),
                    "name": name,
                    "price": price,
                    "currency": "USD",
                    "code": None,
                    "active": True,
                }
                for name, price in (("Bench", 42.5), ("Field", 80.0))
            ]
            self.tenants[tid] = {"types": types, "statuses": statuses, "rates": rates}
        return self.tenants[tid]

    def store(self, tid: str, sid: str) -> dict[str, Any]:
        self.tenant(tid)
        return self.stores.setdefault((tid, sid), {"orders": {}, "number": 0})

    def order(self, request: Request) -> dict[str, Any]:
        p = request.path_params
        found = self.store(p["tenantId"], p["storeId"])["orders"].get(p["serviceOrderUid"])
        if found is None:
            raise NotFound(p["serviceOrderUid"])
        return found


V = Variant()


def _key(field: str, value: Any) -> Any:
    if field == "priority":
        return PRIORITIES.index(value)
    if field == "state":
        return STATES.index(value)
    if field == "serviceNumber":
        return int(value.split("-")[-1])
    if isinstance(value, str):
        return value.lower()
    return value


def listing(
    request: Request, items: list[dict], id_field: str, default: str | None
) -> JSONResponse:
    q = request.query_params
    page, per_page = int(q.get("page", 1)), int(q.get("perPage", 20))
    sort, order = q.get("sort", default), q.get("order", "ASC")
    if sort:
        present = [i for i in items if i.get(sort) is not None]
        missing = [i for i in items if i.get(sort) is None]
        present.sort(key=lambda i: (_key(sort, i[sort]), i[id_field]))
        missing.sort(key=lambda i: i[id_field])
        items = present + missing
        if order == "DESC":
            items = items[::-1]
    else:
        items = sorted(items, key=lambda i: i[id_field])
    total = len(items)
    data = items[(page - 1) * per_page : page * per_page]
    meta = {
        "page": page,
        "perPage": per_page,
        "totalItems": total,
        "totalPages": -(-total // per_page),
    }
    return JSONResponse({"data": [public_view(i) for i in data], "meta": meta})


def public_view(item: dict) -> dict:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def refresh_totals(order: dict) -> None:
    items = sum((Decimal(str(i["unitPrice"])) * i["quantity"] for i in order["items"]), Decimal(0))
    hours = sum(
        (Decimal(str(h["amount"])) for h in order["_hours"].values() if h["billable"]), Decimal(0)
    )
    order["totals"] = {
        "items": money(items),
        "hours": money(hours),
        "total": money(items + hours),
        "currency": "USD",
    }


def notify(order: dict, message: str) -> None:
    customer = order.get("customer") or {}
    if customer.get("email"):
        channel, to = "EMAIL", customer["email"]
    elif customer.get("phone"):
        channel, to = "SMS", customer["phone"]
    else:
        return
    uid = V.new_id("ntf")
    order["_notifications"][uid] = {
        "notificationUid": uid,
        "channel": channel,
        "recipient": to,
        "message": message,
        "status": "SENT",
        "createdAt": V.now(),
    }


def public_hash(tid: str, sid: str, uid: str) -> str:
    text = f"{tid}/{sid}/{uid}".encode()
    tag = hmac.new(SECRET, text, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(tag + text[::-1]).decode().rstrip("=")


def from_hash(value: str) -> tuple[str, str, str] | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None
    tag, text = raw[:12], raw[12:][::-1]
    if not hmac.compare_digest(tag, hmac.new(SECRET, text, hashlib.sha256).digest()[:12]):
        return None
    parts = text.decode(errors="replace").split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


ORDER_FIELDS = (
    "title",
    "description",
    "state",
    "statusUid",
    "serviceTypeUid",
    "priority",
    "assignedUserId",
    "createdFromStoreId",
    "customer",
    "dueDate",
)


def _customer(value: Any) -> Any:
    if value is None:
        return None
    return {k: value.get(k) for k in ("customerId", "name", "email", "phone")}


async def orders(request: Request) -> Response:
    p = request.path_params
    store = V.store(p["tenantId"], p["storeId"])
    tenant = V.tenant(p["tenantId"])
    if request.method == "GET":
        wanted = {
            f: request.query_params.getlist(f) for f in FILTERS if request.query_params.getlist(f)
        }
        found = [o for o in store["orders"].values() if matches(o, wanted)]
        return listing(request, found, "serviceOrderUid", "serviceOrderUid")
    body = await request.json()
    if body.get("serviceTypeUid") not in {t["serviceTypeUid"] for t in tenant["types"]}:
        return problem(400, "serviceTypeUid: no such service type")
    store["number"] += 1
    uid, at = V.new_id("ord"), V.now()
    first = min(tenant["statuses"], key=lambda s: s["position"])
    order = {
        "serviceOrderUid": uid,
        "serviceNumber": f"R-{store['number']}",
        "title": body["title"],
        "description": body.get("description"),
        "state": body.get("state", "NEW"),
        "statusUid": body.get("statusUid", first["statusUid"]),
        "serviceTypeUid": body["serviceTypeUid"],
        "priority": body.get("priority", "NONE"),
        "assignedUserId": body.get("assignedUserId"),
        "createdFromStoreId": body.get("createdFromStoreId", p["storeId"]),
        "customer": _customer(body.get("customer")),
        "dueDate": body.get("dueDate"),
        "items": [],
        "totals": {},
        "publicHash": public_hash(p["tenantId"], p["storeId"], uid),
        "createdAt": at,
        "updatedAt": at,
        "_events": {},
        "_hours": {},
        "_notifications": {},
        "_sales": {},
    }
    refresh_totals(order)
    store["orders"][uid] = order
    notify(order, f"Order {order['serviceNumber']} received")
    return JSONResponse(public_view(order), 201, headers={"Location": str(request.url) + "/" + uid})


def matches(order: dict, wanted: dict[str, list[str]]) -> bool:
    return all(order.get(FILTERS[f]) in values for f, values in wanted.items())


def _has(value: Any, needle: str) -> bool:
    return needle.lower() in str(value or "").lower()


async def search(request: Request) -> Response:
    p = request.path_params
    body = await request.json()
    found = []
    for order in V.store(p["tenantId"], p["storeId"])["orders"].values():
        customer = order.get("customer") or {}
        if body.get("query"):
            fields = [
                customer.get("name"),
                customer.get("email"),
                customer.get("phone"),
                order["serviceNumber"],
                order["title"],
            ]
            if not any(_has(v, body["query"]) for v in fields):
                continue
        else:
            if any(
                w and not _has(customer.get(k), w) for k, w in (body.get("customer") or {}).items()
            ):
                continue
            if any(w and not _has(order.get(k), w) for k, w in (body.get("service") or {}).items()):
                continue
        if not matches(order, {f: body[f] for f in FILTERS if body.get(f)}):
            continue
        day = datetime.fromisoformat(order["createdAt"]).astimezone(UTC).date().isoformat()
        if (body.get("createdFrom") and day < body["createdFrom"]) or (
            body.get("createdTo") and day > body["createdTo"]
        ):
            continue
        found.append(order)
    return listing(request, found, "serviceOrderUid", "serviceOrderUid")


async def one_order(request: Request) -> Response:
    order = V.order(request)
    if request.method == "GET":
        return JSONResponse(public_view(order))
    p = request.path_params
    if request.method == "DELETE":
        del V.store(p["tenantId"], p["storeId"])["orders"][order["serviceOrderUid"]]
        return Response(status_code=204)
    body = await request.json()
    before = {k: order[k] for k in ("state", "statusUid")}
    for field in ORDER_FIELDS:
        if field in body:
            order[field] = _customer(body[field]) if field == "customer" else body[field]
    order["updatedAt"] = V.now()
    for field, old in before.items():
        if order[field] != old:
            notify(order, f"Order {order['serviceNumber']}: {field} is now {order[field]}")
    return JSONResponse(public_view(order))


async def items(request: Request) -> Response:
    order = V.order(request)
    body = await request.json()
    item = {
        "itemUid": V.new_id("itm"),
        "articleNumber": body.get("articleNumber"),
        "name": body["name"],
        "quantity": body.get("quantity", 1),
        "unitPrice": body.get("unitPrice", 0),
        "serialNumber": body.get("serialNumber"),
        "comment": body.get("comment"),
    }
    order["items"].append(item)
    refresh_totals(order)
    return JSONResponse(item, 201)


async def one_item(request: Request) -> Response:
    order = V.order(request)
    uid = request.path_params["itemUid"]
    found = [i for i in order["items"] if i["itemUid"] == uid]
    if not found:
        return problem(404, f"no item {uid}")
    if request.method == "DELETE":
        order["items"].remove(found[0])
        refresh_totals(order)
        return Response(status_code=204)
    found[0].update(await request.json())
    refresh_totals(order)
    return JSONResponse(found[0])


def _children(kind: str) -> Any:
    """List/create (and get/update/delete) of an order's events, hours, notifications."""
    key, id_field, default = {
        "events": ("_events", "eventUid", "createdAt"),
        "hours": ("_hours", "hoursUid", "date"),
        "notifications": ("_notifications", "notificationUid", "createdAt"),
        "sales-orders": ("_sales", "salesOrderUid", None),
    }[kind]

    async def collection(request: Request) -> Response:
        order = V.order(request)
        if request.method == "GET":
            return listing(request, list(order[key].values()), id_field, default)
        body = await request.json()
        uid = V.new_id(kind[:3])
        if kind == "events":
            child = {
                "eventUid": uid,
                "type": body.get("type", "NOTE"),
                "message": body["message"],
                "userId": body.get("userId"),
                "visibleToCustomer": body.get("visibleToCustomer", False),
                "createdAt": V.now(),
            }
            if child["visibleToCustomer"]:
                notify(order, body["message"])
        elif kind == "hours":
            rates = V.tenant(request.path_params["tenantId"])["rates"]
            rate = next((r for r in rates if r["hourlyRateUid"] == body.get("hourlyRateUid")), None)
            if body.get("hourlyRateUid") and rate is None:
                return problem(400, "hourlyRateUid: no such rate")
            price = Decimal(str(rate["price"])) if rate else Decimal(0)
            child = {
                "hoursUid": uid,
                "userId": body["userId"],
                "hourlyRateUid": body.get("hourlyRateUid"),
                "date": body["date"],
                "hours": body["hours"],
                "description": body.get("description"),
                "billable": body.get("billable", True),
                "amount": money(price * Decimal(str(body["hours"]))),
                "createdAt": V.now(),
            }
        else:
            lines = [
                {
                    "type": "ITEM",
                    "description": i["name"],
                    "quantity": i["quantity"],
                    "unitPrice": i["unitPrice"],
                    "amount": money(Decimal(str(i["unitPrice"])) * i["quantity"]),
                }
                for i in order["items"]
            ] + [
                {
                    "type": "HOURS",
                    "description": h["description"] or "Labour",
                    "quantity": h["hours"],
                    "unitPrice": 0,
                    "amount": h["amount"],
                }
                for h in order["_hours"].values()
                if h["billable"]
            ]
            child = {
                "salesOrderUid": uid,
                "orderNumber": f"SAL{len(order['_sales']) + 1}",
                "customerId": body["customerId"],
                "reference": body.get("reference"),
                "orderAddress": body["orderAddress"],
                "invoiceAddress": body.get("invoiceAddress"),
                "lines": lines,
                "total": order["totals"]["total"],
                "currency": "USD",
                "createdAt": V.now(),
            }
        order[key][uid] = child
        refresh_totals(order)
        return JSONResponse(child, 201)

    async def single(request: Request) -> Response:
        order = V.order(request)
        child = order[key].get(request.path_params["childUid"])
        if child is None:
            return problem(404, "no such record")
        if request.method == "DELETE":
            del order[key][child[id_field]]
            refresh_totals(order)
            return Response(status_code=204)
        if request.method == "PUT":
            child.update(await request.json())
            refresh_totals(order)
        return JSONResponse(child)

    return collection, single


def pdf(order: dict) -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    lines = [
        f"Service order {order['serviceNumber']}",
        f"Customer: {(order['customer'] or {}).get('name', '')}",
    ]
    lines += [f"{i['quantity']} x {i['name']} at {i['unitPrice']:.2f}" for i in order["items"]]
    lines += [f"Total: {order['totals']['total']:.2f} USD"]
    for line in lines:
        doc.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    doc.set_creation_date(datetime(2020, 1, 1, tzinfo=UTC))
    return bytes(doc.output())


async def report(request: Request) -> Response:
    order = V.order(request)
    data, name = pdf(order), f"{order['serviceNumber']}.pdf"
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {
                "fileName": name,
                "contentType": "application/pdf",
                "content": base64.b64encode(data).decode(),
            }
        )
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def public(request: Request) -> Response:
    p = request.path_params
    found = from_hash(p["publicHash"])
    if found is None or found[:2] != (p["tenantId"], p["storeId"]):
        return problem(404, "no such order")
    order = V.store(p["tenantId"], p["storeId"])["orders"].get(found[2])
    if order is None:
        return problem(404, "no such order")
    view = {k: order[k] for k in ("serviceNumber", "title", "state", "items", "totals", "dueDate")}
    return JSONResponse({**view, "customer": {"name": (order["customer"] or {}).get("name")}})


def _tenant_lists(kind: str) -> Any:
    key, id_field, default = {
        "service-types": ("types", "serviceTypeUid", "name"),
        "service-statuses": ("statuses", "statusUid", "position"),
        "hourly-rates": ("rates", "hourlyRateUid", None),
    }[kind]

    async def collection(request: Request) -> Response:
        records = V.tenant(request.path_params["tenantId"])[key]
        if request.method == "GET":
            return listing(request, records, id_field, default)
        body = await request.json()
        record = {id_field: V.new_id(kind[:3]), **body}
        records.append(record)
        if kind == "service-statuses":
            place(records, record, body["position"])
        return JSONResponse(record, 201)

    async def single(request: Request) -> Response:
        records = V.tenant(request.path_params["tenantId"])[key]
        found = [r for r in records if r[id_field] == request.path_params["childUid"]]
        if not found:
            return problem(404, "no such record")
        body = await request.json()
        found[0].update({k: v for k, v in body.items() if k != "position"})
        if kind == "service-statuses" and "position" in body:
            place(records, found[0], body["position"])
        return JSONResponse(found[0])

    return collection, single


def place(statuses: list[dict], moved: dict, position: int) -> None:
    ordered = sorted((s for s in statuses if s is not moved), key=lambda s: s["position"])
    ordered.insert(min(position, len(ordered) + 1) - 1, moved)
    for n, status in enumerate(ordered, start=1):
        status["position"] = n


def app() -> Starlette:
    prefix = "/v1/tenants/{tenantId}/stores/{storeId}"
    order = prefix + "/service-orders/{serviceOrderUid}"
    routes = [
        Route(prefix + "/service-orders", orders, methods=["GET", "POST"]),
        Route(prefix + "/service-orders/search", search, methods=["POST"]),
        Route(order, one_order, methods=["GET", "PUT", "DELETE"]),
        Route(order + "/items", items, methods=["POST"]),
        Route(order + "/items/{itemUid}", one_item, methods=["PUT", "DELETE"]),
        Route(order + "/report", report, methods=["GET"]),
        Route(prefix + "/public/service-orders/{publicHash}", public, methods=["GET"]),
    ]
    for kind in ("events", "hours", "notifications", "sales-orders"):
        collection, single = _children(kind)
        routes.append(Route(f"{order}/{kind}", collection, methods=["GET", "POST"]))
        routes.append(
            Route(f"{order}/{kind}/{{childUid}}", single, methods=["GET", "PUT", "DELETE"])
        )
    for kind in ("service-types", "service-statuses", "hourly-rates"):
        collection, single = _tenant_lists(kind)
        routes.append(
            Route(f"/v1/tenants/{{tenantId}}/{kind}", collection, methods=["GET", "POST"])
        )
        routes.append(
            Route(f"/v1/tenants/{{tenantId}}/{kind}/{{childUid}}", single, methods=["PUT"])
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        return problem(404, "no such record")

    global V
    V = Variant()
    return Starlette(routes=routes, exception_handlers={NotFound: not_found, 404: not_found})
