"""The collections under a service order - events, hours, notifications and
sales orders - on the engine's generic collection: the spec gives their fields,
sorts, defaults and paging; what is theirs alone is the rules here.
"""

from __future__ import annotations

from servicestub.apis.orders import money
from servicestub.apis.orders.envelopes import orders_rules
from servicestub.apis.orders.notifications import notify
from servicestub.apis.orders.scopes import OrderScope
from servicestub.apis.orders.service_orders import check_date, order_contents_changed
from servicestub.apis.orders.spec import collection
from servicestub.core.errors import BadRequest
from servicestub.core.shapes import Record
from servicestub.engine.collection import Change, Collection

# -- events ---------------------------------------------------------------


def notify_visible_event(scope: OrderScope, record: Record, change: Change) -> None:
    """A customer-visible event tells the customer when it is created."""
    if change == "created" and record["visibleToCustomer"]:
        notify(scope.orders, scope.bundle, record["message"])


EVENTS: Collection[OrderScope] = Collection(
    collection("events"),
    orders_rules(after_change=notify_visible_event),
)


# -- hours ----------------------------------------------------------------


def price_hours(scope: OrderScope, record: Record, before: Record | None) -> None:
    """Check the rate reference and the date, then price the entry by the money rules."""
    tenant = scope.tenant
    rate_uid = record["hourlyRateUid"]
    rate = tenant.hourly_rates.get(rate_uid) if rate_uid is not None else None
    if rate_uid is not None and rate is None:
        raise BadRequest(
            f"hourlyRateUid '{rate_uid}' is not an hourly rate of tenant '{tenant.tenant_id}'; "
            f"list them with GET /v1/tenants/{tenant.tenant_id}/hourly-rates."
        )
    check_date("date", record["date"])
    try:
        money.price_hours(record, before, rate, tenant.currency)
    except money.CurrencyMismatch as mismatch:
        raise BadRequest(
            f"hourlyRateUid '{rate_uid}' ({mismatch.rate['name']}) is priced in "
            f"{mismatch.rate['currency']}, but service order "
            f"'{scope.bundle.order['serviceOrderUid']}' is in {mismatch.currency}: amounts are "
            f"never converted; book these hours at a rate in {mismatch.currency}."
        ) from None


def hours_changed(scope: OrderScope, record: Record, change: Change) -> None:
    """Any change of hours changes the order's totals."""
    order_contents_changed(scope.orders, scope.tenant, scope.bundle)


HOURS: Collection[OrderScope] = Collection(
    collection("hours"),
    orders_rules(
        label="hours entry",
        prepare=price_hours,
        after_change=hours_changed,
    ),
)


# -- read-only lists --------------------------------------------------------

NOTIFICATIONS: Collection[OrderScope] = Collection(collection("notifications"), orders_rules())
#: Listed only: a sales order is made by :func:`~servicestub.apis.orders.sales.create_sales_order`.
SALES_ORDERS: Collection[OrderScope] = Collection(
    collection("sales-orders"), orders_rules(label="sales order")
)
