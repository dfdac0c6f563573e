"""Rule families of the Service Orders API, as one state machine whose check
rules each family switches on: every sequence creates, changes and deletes
orders of its own (tagged by two ``assignedUserId`` values no one else uses, so
that pre-existing records of the scope never matter) and checks the answers
against the oracle."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict

from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from servicestub.contract.behaviour import model as m
from servicestub.contract.behaviour.engine import BehaviourMachine
from servicestub.contract.behaviour.pdf import pdf_text

WORD = st.text(string.ascii_letters + string.digits, min_size=1, max_size=8)
TITLE = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
PICK = st.integers(min_value=0, max_value=10_000)
CENTS = st.integers(min_value=0, max_value=99_999).map(lambda c: Decimal(c) / 100)
DATE = st.dates(min_value=dt.date(2020, 1, 1)).map(lambda d: d.isoformat())
CUSTOMER_KINDS = ("email", "phone", "both", "none")


class NewOrderArgs(TypedDict):
    """The strategy of each argument of :meth:`OrdersMachine.create_order` (a
    TypedDict, so that ``@rule(**NEW_ORDER_ARGS)`` type-checks: its keys are known
    and none of them is ``rule``'s own ``target``/``targets``)."""

    title: st.SearchStrategy[str]
    state: st.SearchStrategy[str | None]
    priority: st.SearchStrategy[str | None]
    tag: st.SearchStrategy[int]
    own_store: st.SearchStrategy[bool]
    customer: st.SearchStrategy[str]
    name: st.SearchStrategy[str]
    due: st.SearchStrategy[str | None]
    kind: st.SearchStrategy[int]
    status: st.SearchStrategy[int | None]


def _as_strategies(arguments: Mapping[str, object]) -> dict[str, st.SearchStrategy[Any]]:
    """A TypedDict of strategies as the plain dict ``fixed_dictionaries`` takes
    (mypy reads a TypedDict's values as ``object``)."""
    plain = {name: s for name, s in arguments.items() if isinstance(s, st.SearchStrategy)}
    if len(plain) != len(arguments):
        raise TypeError(f"not strategies: {sorted(set(arguments) - set(plain))}")
    return plain


#: What a create draws: its fields, or which of the discovered references it names.
NEW_ORDER_ARGS = NewOrderArgs(
    title=TITLE,
    state=st.none() | st.sampled_from(m.STATES),
    priority=st.none() | st.sampled_from(m.PRIORITIES),
    tag=st.integers(0, 1),
    own_store=st.booleans(),
    customer=st.sampled_from(CUSTOMER_KINDS),
    name=WORD,
    due=st.none() | DATE,
    kind=PICK,
    status=st.none() | PICK,
)
NEW_ORDER = st.fixed_dictionaries(_as_strategies(NEW_ORDER_ARGS))
SCOPED = "tenant/store"

#: Every rule of every orders family, in the contract's words.
RULES: dict[str, dict[str, str]] = {
    "lists": {
        "lists.sort": "lists sort by every sortable field both ways (text case-insensitive, "
        "priority/state by rank, missing values last ascending)",
        "lists.filter": "list filters: values within one filter OR, filters AND",
        "lists.pages": "the pages of one listing, walked in order, partition the whole set",
        "lists.past-end": 'a page past the end answers 200 with "data": [] and the true totals',
        "lists.meta": "meta echoes page/perPage; totalPages = ceil(totalItems / perPage)",
    },
    "writes": {
        "writes.create": "a create stores every field sent (and the documented defaults)",
        "writes.update": "PUT replaces the fields present and keeps those absent",
        "writes.read": "every write shows in the next read, list and search",
        "writes.service-number": "serviceNumber is unique and increasing per store",
    },
    "deletes": {
        "deletes.cascade": "a deleted order and everything under it answer 404",
        "deletes.lists": "a deleted order leaves every list and search",
        "deletes.item": "a deleted item leaves its order",
    },
    "isolation": {
        "isolation.records": "a record of one tenant or store answers 404 under another",
        "isolation.lists": "a store's lists hold only its own orders",
        "isolation.public": "a public hash answers 404 under another tenant or store, or tampered",
    },
    "search": {
        "search.text": "search text matches case-insensitively and partially on each field",
        "search.query": "query searches customer name, email, phone, service number and title, "
        "and overrides customer/service",
        "search.filters": "search array filters filter exactly like the list filters",
        "search.dates": "createdFrom/createdTo are inclusive of their UTC days",
    },
    "derived": {
        "derived.totals": "totals = items + billable hours, kept up to date",
        "derived.hours": "an hours entry's amount is hours x the rate's price (0 without a rate)",
        "derived.sales-order": "a sales order's lines are the items and billable hours, its "
        "total the order's totals.total",
        "derived.notifications": "exactly one notification per trigger, by email, else SMS, "
        "else none",
    },
    "reports": {
        "reports.pdf": "the report is a PDF naming the order's number, customer, items and "
        "totals, as <serviceNumber>.pdf",
        "reports.json": "the JSON report decodes to the same file",
    },
}


class OrdersMachine(BehaviourMachine):
    """Orders of one sequence, their predicted state, and the rules that check it."""

    api = "orders"

    def __init__(self) -> None:
        super().__init__()
        ctx = self.context
        number = ctx.next_number()
        self.tags = (f"bh{ctx.run_id}n{number}a", f"bh{ctx.run_id}n{number}b")
        self.base = f"/v1/tenants/{ctx.tenant}/stores/{ctx.store}"
        self.tenant_base = f"/v1/tenants/{ctx.tenant}"
        self.types: list[str] = ctx.found["serviceTypes"]
        self.statuses: list[str] = ctx.found["statuses"]
        self.orders: dict[str, dict[str, Any]] = {}
        #: What the server said about each order (uid, number, createdAt, publicHash).
        self.server: dict[str, dict[str, Any]] = {}
        self.items: dict[str, list[dict[str, Any]]] = {}
        self.hours: dict[str, list[m.Hours]] = {}
        self.notes: dict[str, list[tuple[str, str]]] = {}
        self.events: dict[str, list[str]] = {}

    # -- helpers --------------------------------------------------------------

    def on(self, family: str) -> bool:
        return self.family == family

    def url(self, uid: str, *rest: str) -> str:
        return "/".join([self.base, "service-orders", uid, *rest])

    def pick(self, index: int) -> str:
        uids = sorted(self.orders)
        return uids[index % len(uids)]

    def rates(self, currency: str | None) -> list[dict[str, Any]]:
        """The discovered hourly rates in ``currency`` (none for an unknown one)."""
        return [r for r in self.context.found["rates"] if r["currency"] == currency]

    def predicted_totals(self, uid: str) -> dict[str, Decimal]:
        return m.totals(self.items[uid], self.hours[uid])

    def compare_fields(
        self, rule: str, what: str, got: dict[str, Any], sent: dict[str, Any]
    ) -> None:
        for field, value in sent.items():
            if field == "customer" and isinstance(value, dict):
                theirs = got.get("customer") or {}
                for key, part in value.items():
                    self.expect(
                        theirs.get(key) == part,
                        rule,
                        f"{what}: customer.{key} is {theirs.get(key)!r}, expected {part!r}",
                    )
                continue
            self.expect(
                got.get(field) == value,
                rule,
                f"{what}: {field} is {got.get(field)!r}, expected {value!r}",
            )

    def listing(
        self, path: str, params: dict[str, Any], per_page: int = 100
    ) -> list[dict[str, Any]]:
        """Every item of a listing, walking its pages; checks meta, partition and past-end
        when the lists family runs."""
        pages: list[list[dict[str, Any]]] = []
        page, total = 1, None
        while True:
            query = {**params, "page": page, "perPage": per_page}
            body = self.status(self.send("GET", path, params=query), 200, "lists.meta", path)
            data, meta = body.get("data") or [], body.get("meta") or {}
            if self.on("lists"):
                problem = m.meta_violation(meta, page, per_page, len(data))
                self.expect(problem is None, "lists.meta", f"GET {path} page {page}: {problem}")
            pages.append(data)
            total = meta.get("totalPages", 0)
            if page >= (total or 0) or not data or page > 200:
                break
            page += 1
        if self.on("lists"):
            past = page + 1
            query = {**params, "page": past, "perPage": per_page}
            body = self.status(self.send("GET", path, params=query), 200, "lists.past-end", path)
            self.expect(
                body.get("data") == []
                and (body.get("meta") or {}).get("totalItems") == meta.get("totalItems"),
                "lists.past-end",
                f"GET {path} page {past} of {total}: data {len(body.get('data') or [])} items, "
                f"totalItems {(body.get('meta') or {}).get('totalItems')} (was "
                f"{meta.get('totalItems')})",
            )
        return [item for chunk in pages for item in chunk]

    def uid_pages(self, path: str, params: dict[str, Any], key: str, per_page: int) -> None:
        """Pages of ``per_page`` partition the listing read in one page of 100."""
        whole = [i[key] for i in self.listing(path, params, 100)]
        pages, page = [], 1
        while True:
            query = {**params, "page": page, "perPage": per_page}
            body = self.status(self.send("GET", path, params=query), 200, "lists.pages", path)
            chunk = [i[key] for i in body.get("data") or []]
            if not chunk or page > 100:
                break
            pages.append(chunk)
            page += 1
        problem = m.pages_partition(pages, whole) if len(whole) <= 100 else None
        self.expect(
            problem is None, "lists.pages", f"GET {path} perPage={per_page}, walked: {problem}"
        )

    # -- writes ---------------------------------------------------------------

    @initialize(orders=st.lists(NEW_ORDER, min_size=1, max_size=3))
    def create_some(self, orders: list[dict[str, Any]]) -> None:
        """Each sequence starts with a few orders, so that its checks have data to judge."""
        for order in orders:
            self.create_order(**order)

    @rule(**NEW_ORDER_ARGS)
    def create_order(
        self,
        title: str,
        state: str | None,
        priority: str | None,
        tag: int,
        own_store: bool,
        customer: str,
        name: str,
        due: str | None,
        kind: int,
        status: int | None,
    ) -> None:
        sent: dict[str, Any] = {
            "title": title,
            "serviceTypeUid": self.types[kind % len(self.types)],
            "assignedUserId": self.tags[tag],
            "customer": _customer(customer, name),
        }
        if state:
            sent["state"] = state
        if priority:
            sent["priority"] = priority
        if not own_store:
            sent["createdFromStoreId"] = f"{self.tags[tag]}-origin"
        if due:
            sent["dueDate"] = due
        if status is not None:
            sent["statusUid"] = self.statuses[status % len(self.statuses)]
        path = f"{self.base}/service-orders"
        body = self.status(self.send("POST", path, json=sent), 201, "writes.create", f"POST {path}")
        uid = body["serviceOrderUid"]
        self.session.created(self.url(uid))
        predicted = {**m.ORDER_DEFAULTS, "createdFromStoreId": self.context.store, **sent}
        if "statusUid" not in sent:
            predicted["statusUid"] = body.get("statusUid")
            if self.on("writes"):
                first = self.statuses[0]
                self.expect(
                    body.get("statusUid") == first,
                    "writes.create",
                    f"POST {path} without statusUid: statusUid {body.get('statusUid')!r}, "
                    f"expected the status at position 1 ({first})",
                )
        if self.on("writes"):
            self.compare_fields("writes.create", f"POST {path}", body, predicted)
            number = m.trailing_number(body.get("serviceNumber"))
            last = self.context.found.get("lastNumber")
            self.expect(
                number is not None and (last is None or number > last),
                "writes.service-number",
                f"POST {path}: serviceNumber {body.get('serviceNumber')!r} does not increase "
                f"on the last one created in the store (trailing digits {last})",
            )
        self.context.found["lastNumber"] = m.trailing_number(body.get("serviceNumber"))
        self.orders[uid] = predicted
        self.server[uid] = body
        self.items[uid], self.hours[uid], self.events[uid] = [], [], []
        channel = m.notification_channel(sent["customer"])
        self.notes[uid] = [channel] if channel else []
        if self.on("writes"):
            self.read_back(uid, "writes.read", f"after POST {path}")

    @precondition(lambda self: self.orders)
    @rule(
        pick=PICK,
        title=st.none() | TITLE,
        state=st.none() | st.sampled_from(m.STATES),
        priority=st.none() | st.sampled_from(m.PRIORITIES),
        due=st.none() | DATE,
        customer=st.none() | st.sampled_from(CUSTOMER_KINDS),
        name=WORD,
        status=st.none() | PICK,
        tag=st.none() | st.integers(0, 1),
    )
    def update_order(
        self,
        pick: int,
        title: str | None,
        state: str | None,
        priority: str | None,
        due: str | None,
        customer: str | None,
        name: str,
        status: int | None,
        tag: int | None,
    ) -> None:
        uid = self.pick(pick)
        old = self.orders[uid]
        sent: dict[str, Any] = {}
        for field, value in (("title", title), ("priority", priority), ("dueDate", due)):
            if value is not None:
                sent[field] = value
        # One trigger at most: whether changing both in one PUT notifies once or twice
        # the contract leaves open.
        if state is not None:
            sent["state"] = state
        elif status is not None:
            sent["statusUid"] = self.statuses[status % len(self.statuses)]
        if customer is not None:
            sent["customer"] = _customer(customer, name)
        if tag is not None:
            sent["assignedUserId"] = self.tags[tag]
        path = self.url(uid)
        body = self.status(self.send("PUT", path, json=sent), 200, "writes.update", f"PUT {path}")
        channel = m.notification_channel(sent.get("customer", old.get("customer")))
        if channel:
            self.notes[uid] += [channel] * m.update_triggers(old, sent)
        self.orders[uid] = m.merge_update(old, sent)
        if self.on("writes"):
            self.compare_fields(
                "writes.update", f"PUT {path} {_keys(sent)}", body, self.orders[uid]
            )
            self.read_back(uid, "writes.read", f"after PUT {path}")

    @precondition(lambda self: self.orders)
    @rule(pick=PICK, name=TITLE, quantity=st.integers(1, 5), price=CENTS)
    def add_item(self, pick: int, name: str, quantity: int, price: Decimal) -> None:
        uid = self.pick(pick)
        sent = {"name": name, "quantity": quantity, "unitPrice": float(price)}
        path = self.url(uid, "items")
        body = self.status(self.send("POST", path, json=sent), 201, "writes.create", f"POST {path}")
        if self.on("writes"):
            self.compare_fields("writes.create", f"POST {path}", body, sent)
        self.items[uid].append({**sent, "itemUid": body["itemUid"]})
        self.check_totals(uid, f"after POST {path}")

    @precondition(lambda self: any(self.items.values()))
    @rule(pick=PICK)
    def delete_item(self, pick: int) -> None:
        uid = self.pick(pick)
        if not self.items[uid]:
            return
        item = self.items[uid].pop(pick % len(self.items[uid]))
        path = self.url(uid, "items", item["itemUid"])
        self.status(self.send("DELETE", path), 204, "deletes.item", f"DELETE {path}")
        if self.on("deletes"):
            got = self.status(self.send("GET", self.url(uid)), 200, "deletes.item", "GET order")
            held = [i.get("itemUid") for i in got.get("items") or []]
            self.expect(
                item["itemUid"] not in held,
                "deletes.item",
                f"DELETE {path} answered 204 but the order still holds item {item['itemUid']}",
            )
        self.check_totals(uid, f"after DELETE {path}")

    @precondition(lambda self: self.orders)
    @rule(pick=PICK, hours=st.integers(1, 8), billable=st.booleans(), rate=st.none() | PICK)
    def add_hours(self, pick: int, hours: int, billable: bool, rate: int | None) -> None:
        uid = self.pick(pick)
        currency = (self.server[uid].get("totals") or {}).get("currency")
        rates = self.rates(currency)
        chosen = rates[rate % len(rates)] if rates and rate is not None else None
        sent: dict[str, Any] = {
            "userId": self.tags[0],
            "date": "2026-01-15",
            "hours": hours,
            "billable": billable,
        }
        if chosen:
            sent["hourlyRateUid"] = chosen["hourlyRateUid"]
        path = self.url(uid, "hours")
        body = self.status(self.send("POST", path, json=sent), 201, "writes.create", f"POST {path}")
        entry = m.Hours(hours, billable, chosen["price"] if chosen else None)
        if self.on("derived"):
            self.expect(
                m.answered_money(body.get("amount")) == entry.amount,
                "derived.hours",
                f"POST {path} {hours} hours at {chosen['price'] if chosen else 'no rate'}: "
                f"amount {body.get('amount')}, expected {entry.amount}",
            )
        self.hours[uid].append(entry)
        self.check_totals(uid, f"after POST {path}")

    @precondition(lambda self: self.orders)
    @rule(pick=PICK, kind=st.sampled_from(m.EVENT_TYPES), visible=st.booleans(), message=TITLE)
    def add_event(self, pick: int, kind: str, visible: bool, message: str) -> None:
        uid = self.pick(pick)
        sent = {"type": kind, "message": message, "visibleToCustomer": visible}
        path = self.url(uid, "events")
        body = self.status(self.send("POST", path, json=sent), 201, "writes.create", f"POST {path}")
        if self.on("writes"):
            self.compare_fields("writes.create", f"POST {path}", body, sent)
        self.events[uid].append(body.get("eventUid"))
        channel = m.notification_channel(self.orders[uid].get("customer"))
        if visible and channel:
            self.notes[uid].append(channel)

    @precondition(lambda self: self.orders)
    @rule(pick=PICK)
    def delete_order(self, pick: int) -> None:
        uid = self.pick(pick)
        path = self.url(uid)
        self.status(self.send("DELETE", path), 204, "deletes.cascade", f"DELETE {path}")
        self.session.removed(path)
        order, server = self.orders.pop(uid), self.server.pop(uid)
        events = self.events.pop(uid)
        self.items.pop(uid), self.hours.pop(uid), self.notes.pop(uid)
        if not self.on("deletes"):
            return
        gone = [
            self.url(uid),
            self.url(uid, "events"),
            self.url(uid, "hours"),
            self.url(uid, "notifications"),
            self.url(uid, "sales-orders"),
            self.url(uid, "report"),
            f"{self.base}/public/service-orders/{server['publicHash']}",
            *[self.url(uid, "events", e) for e in events if e],
        ]
        for url in gone:
            answer = self.send("GET", url, headers={"Accept": "application/json"})
            self.expect(
                answer.status_code == 404,
                "deletes.cascade",
                f"GET {url} answered {answer.status_code} after DELETE {path}; expected 404",
            )
        listed = self.listing(f"{self.base}/service-orders", {"assignedUsers": list(self.tags)})
        self.expect(
            uid not in {o["serviceOrderUid"] for o in listed},
            "deletes.lists",
            f"GET service-orders?assignedUsers=… still lists {uid} after DELETE {path}",
        )
        found = self.search({"query": order["title"], "assignedUsers": list(self.tags)})
        self.expect(
            uid not in {o["serviceOrderUid"] for o in found},
            "deletes.lists",
            f"search for {order['title']!r} still finds {uid} after DELETE {path}",
        )

    # -- reading back -----------------------------------------------------------

    def search(self, body: dict[str, Any], rule: str = "writes.read") -> list[dict[str, Any]]:
        path = f"{self.base}/service-orders/search"
        params = {"perPage": 100}
        got = self.status(self.send("POST", path, params=params, json=body), 200, rule, "search")
        return got.get("data") or []

    def read_back(self, uid: str, rule: str, when: str) -> None:
        """The order as predicted in GET, in its list and in search."""
        predicted = self.orders[uid]
        got = self.status(self.send("GET", self.url(uid)), 200, rule, f"GET order {when}")
        self.compare_fields(rule, f"GET {self.url(uid)} {when}", got, predicted)
        listed = self.listing(f"{self.base}/service-orders", {"assignedUsers": list(self.tags)})
        mine = [o for o in listed if o.get("serviceOrderUid") == uid]
        self.expect(bool(mine), rule, f"GET service-orders does not list {uid} {when}")
        self.compare_fields(rule, f"GET service-orders, item {uid}, {when}", mine[0], predicted)
        found = self.search({"query": predicted["title"], "assignedUsers": list(self.tags)})
        mine = [o for o in found if o.get("serviceOrderUid") == uid]
        self.expect(
            bool(mine), rule, f"search query {predicted['title']!r} does not find {uid} {when}"
        )
        self.compare_fields(rule, f"search result {uid} {when}", mine[0], predicted)

    def check_totals(self, uid: str, when: str) -> None:
        if not self.on("derived"):
            return
        got = self.status(self.send("GET", self.url(uid)), 200, "derived.totals", "GET order")
        totals = got.get("totals") or {}
        want = self.predicted_totals(uid)
        for key, value in want.items():
            self.expect(
                m.answered_money(totals.get(key)) == value,
                "derived.totals",
                f"GET {self.url(uid)} {when}: totals.{key} is {totals.get(key)}, expected {value} "
                f"(items {want['items']} + billable hours {want['hours']})",
            )

    # -- lists ------------------------------------------------------------------

    @precondition(lambda self: self.on("lists") and self.orders)
    @rule(
        sort=st.sampled_from(m.ORDER_SORTS),
        descending=st.booleans(),
        per_page=st.integers(1, 4),
        filters=st.fixed_dictionaries(
            {},
            optional={
                "states": st.lists(st.sampled_from(m.STATES), min_size=1, max_size=2),
                "priorities": st.lists(st.sampled_from(m.PRIORITIES), min_size=1, max_size=2),
                "serviceTypes": st.lists(PICK, min_size=1, max_size=2),
                "createdFromStores": st.lists(st.integers(0, 2), min_size=1, max_size=2),
            },
        ),
        both_tags=st.booleans(),
    )
    def check_orders_list(
        self,
        sort: str,
        descending: bool,
        per_page: int,
        filters: dict[str, list[Any]],
        both_tags: bool,
    ) -> None:
        chosen: dict[str, list[str]] = {"assignedUsers": list(self.tags[: 2 if both_tags else 1])}
        for name, values in filters.items():
            if name == "serviceTypes":
                chosen[name] = sorted({self.types[v % len(self.types)] for v in values})
            elif name == "createdFromStores":
                stores = [self.context.store, f"{self.tags[0]}-origin", f"{self.tags[1]}-origin"]
                chosen[name] = sorted({stores[v] for v in values})
            else:
                chosen[name] = sorted(set(values))
        path = f"{self.base}/service-orders"
        params = {**chosen, "sort": sort, "order": "DESC" if descending else "ASC"}
        query = "&".join(
            f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in params.items()
        )
        items = self.listing(path, params, per_page)
        expected = {uid for uid, order in self.orders.items() if m.matches_filters(order, chosen)}
        got = [o.get("serviceOrderUid") for o in items]
        extra = [u for u in got if u not in expected]
        # What the oracle knows of the first extra one (a target may list any value).
        known = self.orders.get(extra[0]) if extra and isinstance(extra[0], str) else None
        self.expect(
            not extra,
            "lists.filter",
            lambda: (
                f"{query}: {extra[0]} is listed but does not match ({_filtered(known, chosen)})"
            ),
        )
        missing = sorted(expected - set(got))
        self.expect(
            not missing,
            "lists.filter",
            lambda: (
                f"{query}: {missing[0]} matches ({_filtered(self.orders[missing[0]], chosen)}) "
                "but is not listed"
            ),
        )
        problem = m.pages_partition([got], sorted(expected)) if len(set(got)) != len(got) else None
        self.expect(problem is None, "lists.pages", f"{query} perPage={per_page}: {problem}")
        query = f"sort={sort}&order={params['order']}"
        problem = m.sort_violation(items, sort, descending, query)
        self.expect(problem is None, "lists.sort", f"{problem} (perPage={per_page})")
        # And over every order of the sequence, both ways: filters may leave too few to judge.
        self.check_sort(path, {"assignedUsers": list(self.tags)}, sort, descending, "")

    def check_sort(
        self,
        path: str,
        params: dict[str, Any],
        sort: str,
        descending: bool,
        label: str,
        per_page: int = 100,
        items: list[dict[str, Any]] | None = None,
    ) -> None:
        """``lists.sort`` over one set both ways, the drawn direction first (``items``:
        its listing, when already read). A list that ignores ``sort`` answers one fixed
        order, which cannot pass both once two items differ in the field."""
        for backwards in (descending, not descending):
            order = "DESC" if backwards else "ASC"
            if items is None:
                items = self.listing(path, {**params, "sort": sort, "order": order}, per_page)
            query = f"{label}sort={sort}&order={order}"
            problem = m.sort_violation(items, sort, backwards, query)
            self.expect(problem is None, "lists.sort", f"{problem} (perPage={per_page})")
            items, per_page = None, 100

    @precondition(lambda self: self.on("lists") and self.orders)
    @rule(pick=PICK, which=st.integers(0, 3), per_page=st.integers(1, 3), descending=st.booleans())
    def check_order_sublists(self, pick: int, which: int, per_page: int, descending: bool) -> None:
        uid = self.pick(pick)
        name, key, sorts = (
            ("events", "eventUid", ("createdAt", "type")),
            ("hours", "hoursUid", ("date", "hours", "createdAt")),
            ("notifications", "notificationUid", ("createdAt",)),
            ("sales-orders", "salesOrderUid", ()),
        )[which]
        path = self.url(uid, name)
        self.uid_pages(path, {}, key, per_page)
        for sort in sorts:
            self.check_sort(path, {}, sort, descending, f"{name} ")

    @precondition(lambda self: self.on("lists"))
    @rule(which=st.integers(0, 2), per_page=st.integers(1, 4), descending=st.booleans())
    def check_tenant_lists(self, which: int, per_page: int, descending: bool) -> None:
        name, key, sorts = (
            ("service-types", "serviceTypeUid", ("name", "createdAt")),
            ("service-statuses", "statusUid", ("position", "name")),
            ("hourly-rates", "hourlyRateUid", ()),
        )[which]
        path = f"{self.tenant_base}/{name}"
        self.uid_pages(path, {}, key, per_page)
        for sort in sorts:
            self.check_sort(path, {}, sort, descending, f"{name} ")

    # -- isolation ----------------------------------------------------------------

    @precondition(lambda self: self.on("isolation") and self.orders)
    @rule(pick=PICK, other_tenant=st.booleans(), part=st.sampled_from(("", "events", "hours")))
    def check_isolation(self, pick: int, other_tenant: bool, part: str) -> None:
        uid = self.pick(pick)
        ctx = self.context
        # Another store is asked only in the run's own tenant: on a target that makes a
        # store exist when read (the mock), it would stay in a tenant the run was given.
        other = (
            f"/v1/tenants/{ctx.other_tenant}/stores/{ctx.store}"
            if other_tenant or ctx.found.get("sharedTenant")
            else f"/v1/tenants/{ctx.tenant}/stores/{ctx.store}-iso"
        )
        url = "/".join(p for p in (other, "service-orders", uid, part) if p)
        answer = self.send("GET", url)
        self.expect(
            answer.status_code == 404,
            "isolation.records",
            f"GET {url} (order {uid} of {ctx.tenant}/{ctx.store}) answered "
            f"{answer.status_code}; expected 404",
        )
        answer = self.send("GET", f"{other}/service-orders", params={"assignedUsers": self.tags})
        leaked = [o.get("serviceOrderUid") for o in answer.json().get("data") or []]
        self.expect(
            answer.status_code != 200 or not leaked,
            "isolation.lists",
            f"GET {other}/service-orders lists {leaked[:1]} of {ctx.tenant}/{ctx.store}",
        )
        public = self.server[uid]["publicHash"]
        own = f"{self.base}/public/service-orders/{public}"
        self.status(self.send("GET", own), 200, "isolation.public", f"GET {own}")
        for url in (
            f"{other}/public/service-orders/{public}",
            f"{self.base}/public/service-orders/{_tamper(public)}",
        ):
            answer = self.send("GET", url)
            self.expect(
                answer.status_code == 404,
                "isolation.public",
                f"GET {url} answered {answer.status_code}; expected 404 (the hash of {uid} "
                f"{'under another scope' if other in url else 'tampered'})",
            )

    # -- search -------------------------------------------------------------------

    @precondition(lambda self: self.on("search") and self.orders)
    @rule(
        pick=PICK,
        field=st.sampled_from(("query", "name", "email", "phone", "title", "serviceNumber")),
        start=st.integers(0, 20),
        length=st.integers(1, 6),
        upper=st.booleans(),
        decoy=st.booleans(),
        states=st.none() | st.lists(st.sampled_from(m.STATES), min_size=1, max_size=2),
    )
    def check_search(
        self,
        pick: int,
        field: str,
        start: int,
        length: int,
        upper: bool,
        decoy: bool,
        states: list[str] | None,
    ) -> None:
        uid = self.pick(pick)
        order = {**self.orders[uid], **_server_fields(self.server[uid])}
        customer = order.get("customer") or {}
        source = {
            "query": order["title"],
            "name": customer.get("name"),
            "email": customer.get("email"),
            "phone": customer.get("phone"),
            "title": order["title"],
            "serviceNumber": order.get("serviceNumber"),
        }[field] or order["title"]
        begin = start % len(source)
        needle = source[begin : begin + length]
        needle = needle.upper() if upper else needle.lower()
        body: dict[str, Any] = {"assignedUsers": list(self.tags)}
        text_rule = "search.text"
        if field == "query":
            body["query"] = needle
            text_rule = "search.query"
            if decoy:  # ignored when query is given
                body["customer"] = {"name": "zzqqxxnomatch"}
        elif field in ("name", "email", "phone"):
            body["customer"] = {field: needle}
        else:
            body["service"] = {field: needle}
        rule_id = text_rule
        if states:
            body["states"] = sorted(set(states))
            rule_id = "search.filters" if rule_id == "search.text" else rule_id
        self.compare_search(body, rule_id, text_rule)

    @precondition(lambda self: self.on("search") and self.orders)
    @rule(pick=PICK, shift_from=st.integers(-1, 1), shift_to=st.integers(-1, 1))
    def check_search_dates(self, pick: int, shift_from: int, shift_to: int) -> None:
        uid = self.pick(pick)
        day = dt.date.fromisoformat(m.utc_day(self.server[uid].get("createdAt")))
        body = {
            "assignedUsers": list(self.tags),
            "createdFrom": (day + dt.timedelta(days=shift_from)).isoformat(),
            "createdTo": (day + dt.timedelta(days=shift_to)).isoformat(),
        }
        self.compare_search(body, "search.dates")

    def compare_search(
        self, body: dict[str, Any], rule_id: str, text_rule: str | None = None
    ) -> None:
        """The search finds exactly the orders the oracle predicts. ``text_rule``: the
        rule an order found against its text criteria breaks (``rule_id`` names the
        rest, e.g. the ``states`` filter combined with them)."""
        found = {o.get("serviceOrderUid") for o in self.search(body, rule_id)}
        for uid, order in self.orders.items():
            whole = {**order, **_server_fields(self.server[uid])}
            wanted = m.matches_search(whole, body)
            self.expect(
                (uid in found) == wanted,
                m.search_rule(whole, body, rule_id, text_rule),
                functools.partial(self.search_miss, body, uid, wanted),
            )

    def search_miss(self, body: dict[str, Any], uid: str, wanted: bool) -> str:
        """Why the search for ``body`` broke its rule on order ``uid``."""
        return (
            f"search {_compact(body)}: order {uid} "
            f"(title {self.orders[uid]['title']!r}, "
            f"customer {self.orders[uid].get('customer')}, "
            f"number {self.server[uid].get('serviceNumber')!r}) "
            f"{'is missing' if wanted else 'is found but does not match'}"
        )

    # -- derived --------------------------------------------------------------------

    @precondition(lambda self: self.on("derived") and self.orders)
    @rule(pick=PICK)
    def check_notifications(self, pick: int) -> None:
        uid = self.pick(pick)
        path = self.url(uid, "notifications")
        got = self.listing(path, {})
        seen = m.sorted_answers((n.get("channel"), n.get("recipient")) for n in got)
        want = m.sorted_answers(self.notes[uid])
        self.expect(
            seen == want,
            "derived.notifications",
            f"GET {path}: {len(seen)} notification(s) {seen}, expected {len(want)} {want} "
            f"(customer {self.orders[uid].get('customer')})",
        )

    @precondition(lambda self: self.on("derived") and self.orders)
    @rule(pick=PICK)
    def create_sales_order(self, pick: int) -> None:
        uid = self.pick(pick)
        sent = {
            "customerId": self.tags[0],
            "orderAddress": {
                "name": "Ann Smith",
                "street": "Main Street 1",
                "postalCode": "12345",
                "city": "Springfield",
                "countryCode": "DE",
            },
        }
        path = self.url(uid, "sales-orders")
        body = self.status(self.send("POST", path, json=sent), 201, "derived.sales-order", path)
        want = self.predicted_totals(uid)
        lines = body.get("lines") or []
        items = m.sorted_answers(
            [m.answered_money(line.get("amount")) for line in lines if line.get("type") == "ITEM"]
        )
        expected = sorted(m.money(i["unitPrice"]) * i["quantity"] for i in self.items[uid])
        hour_amounts = [
            m.answered_money(x.get("amount")) for x in lines if x.get("type") == "HOURS"
        ]
        hours = None if None in hour_amounts else sum(filter(None, hour_amounts), Decimal(0))
        problems = []
        if m.answered_money(body.get("total")) != want["total"]:
            problems.append(f"total {body.get('total')}, expected totals.total {want['total']}")
        if items != expected:
            problems.append(f"item line amounts {items}, expected {expected}")
        if hours != want["hours"]:
            problems.append(f"hours lines sum to {hours}, expected billable hours {want['hours']}")
        self.expect(not problems, "derived.sales-order", f"POST {path}: {'; '.join(problems)}")

    # -- reports ----------------------------------------------------------------------

    @precondition(lambda self: self.on("reports") and self.orders)
    @rule(pick=PICK)
    def check_report(self, pick: int) -> None:
        uid = self.pick(pick)
        path = self.url(uid, "report")
        raw = self.send("GET", path, headers={"Accept": "application/pdf"})
        self.status(raw, 200, "reports.pdf", f"GET {path}")
        got = self.status(self.send("GET", self.url(uid)), 200, "reports.pdf", "GET order")
        number = got.get("serviceNumber", "")
        disposition = raw.headers.get("content-disposition", "")
        self.expect(
            f'filename="{number}.pdf"' in disposition,
            "reports.pdf",
            f'GET {path}: Content-Disposition {disposition!r}, expected filename="{number}.pdf"',
        )
        self.expect(
            raw.content.startswith(b"%PDF"), "reports.pdf", f"GET {path}: the body is not a PDF"
        )
        text = "".join(pdf_text(raw.content).split()).lower()
        answered = m.answered_money((got.get("totals") or {}).get("total"))
        total = self.predicted_totals(uid)["total"] if answered is None else answered
        wanted = {
            "the service number": [number],
            "the customer": [(got.get("customer") or {}).get("name") or ""],
            "the total": [f"{total:.2f}", f"{total:,.2f}", f"{total:.2f}".replace(".", ",")],
            **{f"item {i['name']!r}": [i["name"]] for i in self.items[uid]},
        }
        for what, forms in wanted.items():
            self.expect(
                any("".join(f.split()).lower() in text for f in forms),
                "reports.pdf",
                f"GET {path}: the PDF does not name {what} ({forms[0]!r})",
            )
        answer = self.send("GET", path, headers={"Accept": "application/json"})
        body = self.status(answer, 200, "reports.json", f"GET {path} (Accept: application/json)")
        try:
            decoded = base64.b64decode(body.get("content", ""), validate=True)
        except ValueError:
            decoded = b""
        same = decoded == raw.content or (
            decoded.startswith(b"%PDF") and pdf_text(decoded) == pdf_text(raw.content)
        )
        self.expect(
            same and body.get("fileName") == f"{number}.pdf",
            "reports.json",
            f"GET {path} as JSON: fileName {body.get('fileName')!r}, content decodes to "
            f"{len(decoded)} bytes that are {'' if same else 'not '}the same PDF "
            f"({len(raw.content)} bytes)",
        )


def _customer(kind: str, name: str) -> dict[str, Any]:
    return {
        "customerId": f"c{name}",
        "name": f"{name} Customer",
        "email": f"{name.lower()}@example.com" if kind in ("email", "both") else None,
        "phone": "+49" + "".join(str(ord(c) % 10) for c in name).ljust(8, "0")
        if kind in ("phone", "both")
        else None,
    }


def _keys(sent: dict[str, Any]) -> str:
    return "{" + ", ".join(sent) + "}"


def _compact(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body, separators=(",", ":"))


def _filtered(order: dict[str, Any] | None, filters: dict[str, list[str]]) -> str:
    order = order or {}
    return ", ".join(f"{m.ORDER_FILTERS[n]}={order.get(m.ORDER_FILTERS[n])}" for n in filters)


def _server_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body.get(k) for k in ("serviceNumber", "createdAt", "serviceOrderUid")}


def _tamper(public: str) -> str:
    """The hash with one character changed (still URL-safe)."""
    middle = len(public) // 2
    swapped = "A" if public[middle] != "A" else "B"
    return public[:middle] + swapped + public[middle + 1 :]


def family_machine(family: str) -> type[OrdersMachine]:
    """The orders machine with only ``family``'s checks on."""
    return type(
        f"Orders{family.title()}",
        (OrdersMachine,),
        {"family": family, "rules_checked": RULES[family]},
    )
