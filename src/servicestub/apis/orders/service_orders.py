"""Rules of service orders and their items: creation, partial updates, totals.

Every write validates everything first and mutates only after, so a failed
write changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from servicestub.apis.orders import money, records
from servicestub.apis.orders.notifications import change_text, notify, received_text
from servicestub.apis.orders.state import OrderBundle, OrdersStore, Store, Tenant
from servicestub.core.errors import BadRequest, NotFound
from servicestub.core.shapes import Record

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
ITEM_FIELDS = ("articleNumber", "name", "quantity", "unitPrice", "serialNumber", "comment")
#: Optional fields a client may send as ``""`` (stored as null).
_ITEM_BLANKS = ("articleNumber", "serialNumber", "comment")
_CUSTOMER_BLANKS = ("customerId", "email", "phone")


def blank_to_none(value: Any) -> Any:
    """Optional references may be sent as ``""``; the mock stores them as null."""
    return None if value == "" else value


def blanks_to_none(body: Record, fields: tuple[str, ...]) -> Record:
    """``body`` with :func:`blank_to_none` applied to ``fields``."""
    return {f: blank_to_none(v) if f in fields else v for f, v in body.items()}


def check_date(field: str, value: str | None) -> None:
    """400 unless ``value`` is a real calendar date (``2026-02-30`` is not)."""
    if value is None:
        return
    try:
        date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{field} '{value}' is not a valid date (YYYY-MM-DD).") from None


def _customer(value: Record | None) -> Record | None:
    if value is None:
        return None
    return records.customer(blanks_to_none(value, _CUSTOMER_BLANKS))


def _check_references(tenant: Tenant, changes: Record) -> None:
    type_uid = changes.get("serviceTypeUid")
    if type_uid is not None and type_uid not in tenant.service_types:
        raise BadRequest(
            f"serviceTypeUid '{type_uid}' is not a service type of tenant '{tenant.tenant_id}'; "
            f"list them with GET /v1/tenants/{tenant.tenant_id}/service-types."
        )
    status_uid = changes.get("statusUid")
    if status_uid is not None and status_uid not in tenant.statuses:
        raise BadRequest(
            f"statusUid '{status_uid}' is not a workflow status of tenant '{tenant.tenant_id}'; "
            f"list them with GET /v1/tenants/{tenant.tenant_id}/service-statuses."
        )
    check_date("dueDate", changes.get("dueDate"))


def _order_changes(body: Record) -> Record:
    changes = {field: body[field] for field in ORDER_FIELDS if field in body}
    if "customer" in changes:
        changes["customer"] = _customer(changes["customer"])
    for field in ("assignedUserId", "description"):
        if field in changes:
            changes[field] = blank_to_none(changes[field])
    if changes.get("statusUid") == "":
        raise BadRequest("statusUid must name a workflow status; it cannot be empty.")
    if changes.get("createdFromStoreId") is None:
        changes.pop("createdFromStoreId", None)
    return changes


def refresh_totals(tenant: Tenant, bundle: OrderBundle) -> None:
    """Recompute ``totals`` from the items and the billable hours."""
    billable = (h["amount"] for h in bundle.hours.values() if h["billable"])
    bundle.order["totals"] = money.order_totals(tenant.currency, bundle.order["items"], billable)


def status_name(tenant: Tenant, status_uid: str) -> str:
    status = tenant.statuses.get(status_uid)
    return status["name"] if status else ""


def create_order(orders: OrdersStore, tenant: Tenant, store: Store, body: Record) -> Record:
    """Create a service order from a validated request body."""
    changes = _order_changes(body)
    _check_references(tenant, changes)
    now = orders.now()
    number = store.number_to_issue("next_number")
    uid = orders.new_uid()
    fields = {
        **changes,
        "statusUid": changes.get("statusUid") or tenant.first_status_uid(),
        "createdFromStoreId": changes.get("createdFromStoreId", store.store_id),
    }
    order = records.service_order(
        uid=uid,
        number=number,
        fields=fields,
        items=[],
        billable_hours=(),
        currency=tenant.currency,
        public_hash=orders.hasher.seal(tenant.tenant_id, store.store_id, uid),
        created_at=now,
        updated_at=now,
    )
    bundle = OrderBundle(order=order)
    store.next_number = number + 1
    store.add(bundle)
    notify(orders, bundle, received_text(order["serviceNumber"], order["title"]))
    return order


def update_order(orders: OrdersStore, tenant: Tenant, bundle: OrderBundle, body: Record) -> Record:
    """Replace the fields present in ``body``; notify on a state or status change."""
    changes = _order_changes(body)
    if "title" in changes and changes["title"] is None:
        raise BadRequest("title cannot be null; send a title of 1 to 200 characters.")
    if "serviceTypeUid" in changes and changes["serviceTypeUid"] is None:
        raise BadRequest("serviceTypeUid cannot be null; it must name a service type.")
    if "statusUid" in changes and changes["statusUid"] is None:
        raise BadRequest("statusUid cannot be null; it must name a workflow status.")
    _check_references(tenant, changes)
    order = bundle.order
    state_changed = "state" in changes and changes["state"] != order["state"]
    status_changed = "statusUid" in changes and changes["statusUid"] != order["statusUid"]
    order.update(changes)
    order["updatedAt"] = orders.now()
    bundle.changed()
    if state_changed or status_changed:
        message = change_text(
            order["serviceNumber"],
            state=order["state"] if state_changed else None,
            status=status_name(tenant, order["statusUid"]) if status_changed else None,
        )
        notify(orders, bundle, message)
    return order


def delete_order(store: Store, order_uid: str) -> None:
    """Delete the order and everything under it."""
    store.remove(order_uid)


def _item(orders: OrdersStore, body: Record) -> Record:
    return records.ITEM.build(orders.new_uid(), blanks_to_none(body, _ITEM_BLANKS))


def find_item(bundle: OrderBundle, item_uid: str) -> Record:
    item: Record
    for item in bundle.order["items"]:
        if item["itemUid"] == item_uid:
            return item
    raise NotFound(
        f"Item '{item_uid}' does not exist on service order '{bundle.order['serviceOrderUid']}'."
    )


def order_contents_changed(orders: OrdersStore, tenant: Tenant, bundle: OrderBundle) -> None:
    """After items or hours change: totals, ``updatedAt`` and the store's indexes."""
    refresh_totals(tenant, bundle)
    bundle.order["updatedAt"] = orders.now()
    bundle.changed()


def add_item(orders: OrdersStore, tenant: Tenant, bundle: OrderBundle, body: Record) -> Record:
    item = _item(orders, body)
    bundle.order["items"].append(item)
    order_contents_changed(orders, tenant, bundle)
    return item


def update_item(
    orders: OrdersStore, tenant: Tenant, bundle: OrderBundle, item_uid: str, body: Record
) -> Record:
    item = find_item(bundle, item_uid)
    changes = {field: body[field] for field in ITEM_FIELDS if field in body}
    for field in ("name", "quantity", "unitPrice"):
        if field in changes and changes[field] is None:
            raise BadRequest(f"{field} cannot be null.")
    for field in _ITEM_BLANKS:
        if field in changes:
            changes[field] = blank_to_none(changes[field])
    if "unitPrice" in changes:
        changes["unitPrice"] = money.cents(changes["unitPrice"])
    item.update(changes)
    order_contents_changed(orders, tenant, bundle)
    return item


def delete_item(orders: OrdersStore, tenant: Tenant, bundle: OrderBundle, item_uid: str) -> None:
    item = find_item(bundle, item_uid)
    bundle.order["items"].remove(item)
    order_contents_changed(orders, tenant, bundle)
