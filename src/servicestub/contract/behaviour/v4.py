"""The ``v4`` family: Services API v4 behaviour on services the run creates.

Its lookups are discovered from the target's own services (the Detail views
name each lookup id and its name); each sequence names its services with a
prefix no one else uses and scopes every search with ``name startsWith`` it.
Share plans: the API offers no way for a client to attach one, so a created
service has none; the delete report is checked against the share plans its
Detail view listed (none, for services the run can create)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from servicestub.contract.behaviour import model as m
from servicestub.contract.behaviour.engine import BehaviourMachine, Context
from servicestub.contract.behaviour.orders import PICK, TITLE, WORD

BASE = "/api/v4/Service"
NEW_SERVICE = st.fixed_dictionaries(
    {
        "name": TITLE,
        "description": WORD,
        "frequency": st.integers(0, 60),
        "picks": st.lists(PICK, min_size=len(m.V4_LOOKUPS), max_size=len(m.V4_LOOKUPS)),
        "flags": st.lists(st.booleans(), min_size=3, max_size=3),
    }
)
#: Fields a criterion is drawn on: text, number, boolean, date; ids and resolved names.
SEARCH_FIELDS = (
    "name",
    "description",
    "serviceTypeName",
    "usageFrequency",
    "serviceTypeId",
    "identity",
    "isActive",
    "isTaxExempt",
    "created",
)
FLAGS = ("isActive", "isTaxExempt", "isInclusiveTaxes")


class ServicesMachine(BehaviourMachine):
    family = "v4"
    api = "services"
    rules_checked: ClassVar[dict[str, str]] = {
        "v4.tracking": "trackingId is echoed from X-Tracking-Id in the body and the header",
        "v4.write": "a create or update stores the fields sent",
        "v4.names": "every *Name field (and Detail lookup) follows its lookup id",
        "v4.unknown-lookup": "a write naming an id not in its lookup table answers 400 naming "
        "the field",
        "v4.search": "every Search operator on every field type; criteria AND; top and itemCount",
        "v4.paged": "Paged pages partition the set and echo pageNumber, pageSize, "
        "excludeTotalCount",
        "v4.patch": "PATCH is all or nothing, echoes patchClientId and reports the right actions",
        "v4.delete": "DELETE reports the service and each share plan detached; the service then "
        "answers 404 and leaves lists and search",
    }

    @staticmethod
    def prepare(ctx: Context) -> str | None:
        """Lookup tables from the Detail views of the target's own services."""
        tables: dict[str, dict[int, str | None]] = {field: {} for field in m.V4_LOOKUPS}
        for page in range(1, 4):
            answer = ctx.client.get(
                f"{ctx.origin}{BASE}/Paged/Detail", params={"pageNumber": page, "pageSize": 200}
            )
            if answer.status_code != 200:
                return f"GET {BASE}/Paged/Detail answered {answer.status_code}"
            items = (answer.json().get("pagedResults") or {}).get("items") or []
            for item in items:
                for field, detail in m.V4_LOOKUPS.items():
                    found = (item.get("details") or {}).get(detail) or {}
                    if found.get("identity") is not None:
                        tables[field][found["identity"]] = found.get("name")
            if len(items) < 200:
                break
        if not tables["serviceTypeId"]:
            return "no existing service names a service type to create services with"
        ctx.found["v4"] = {field: sorted(t.items()) for field, t in tables.items() if t}
        return None

    def __init__(self) -> None:
        super().__init__()
        self.prefix = f"BH{self.context.run_id}N{self.context.next_number()} "
        self.tables: dict[str, list[tuple[int, str]]] = self.context.found["v4"]
        self.services: dict[int, dict[str, Any]] = {}
        self.next_client_id = 1

    def v4(self, method: str, path: str, rule: str, **kwargs: Any) -> tuple[httpx.Response, Any]:
        """A request with a fresh X-Tracking-Id, checking it comes back in body and header."""
        # Derived from the run id, so that the same run sends the same requests.
        tracking = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.prefix}{self.context.next_number()}"))
        answer = self.send(method, BASE + path, headers={"X-Tracking-Id": tracking}, **kwargs)
        try:
            body = answer.json()
        except ValueError:
            body = None
        echoed = body.get("trackingId") if isinstance(body, dict) else None
        header = answer.headers.get("x-tracking-id")
        self.expect(
            echoed == tracking and header == tracking,
            "v4.tracking",
            f"{method} {BASE}{path} with X-Tracking-Id {tracking}: body trackingId {echoed!r}, "
            f"header {header!r}",
        )
        return answer, body

    def pick_service(self, index: int) -> int:
        ids = sorted(self.services)
        return ids[index % len(ids)]

    def check_fields(self, rule: str, what: str, got: dict[str, Any], sent: dict[str, Any]) -> None:
        for field, value in sent.items():
            self.expect(
                got.get(field) == value,
                rule,
                f"{what}: {field} is {got.get(field)!r}, expected {value!r}",
            )
        for field, table in self.tables.items():
            if got.get(field) is None:
                continue
            name_field = m.V4_LOOKUPS[field] + "Name"
            want = dict(table).get(got[field])
            self.expect(
                want is None or got.get(name_field) == want,
                "v4.names",
                f"{what}: {field} {got[field]} but {name_field} {got.get(name_field)!r}, "
                f"expected {want!r}",
            )

    # -- writes -------------------------------------------------------------------

    @initialize(services=st.lists(NEW_SERVICE, min_size=2, max_size=3))
    def create_some(self, services: list[dict[str, Any]]) -> None:
        for service in services:
            self.create_service(**service)

    @rule(service=NEW_SERVICE)
    def create(self, service: dict[str, Any]) -> None:
        self.create_service(**service)

    def create_service(
        self, name: str, description: str, frequency: int, picks: list[int], flags: list[bool]
    ) -> None:
        sent: dict[str, Any] = {
            "name": self.prefix + name,
            "description": description,
            "usageFrequency": frequency,
        }
        for (field, table), pick in zip(sorted(self.tables.items()), picks, strict=False):
            sent[field] = table[pick % len(table)][0]
        sent.update(zip(FLAGS, flags, strict=True))
        answer, body = self.v4("POST", "/", "v4.write", json=sent)
        self.expect(
            answer.status_code == 200, "v4.write", f"POST {BASE}/ answered {answer.status_code}"
        )
        item = ((body.get("results") or {}).get("items") or [{}])[0]
        identity = item.get("identity")
        self.session.created(f"{BASE}/{identity}")
        self.check_fields("v4.write", f"POST {BASE}/", item, sent)
        _, got = self.v4("GET", f"/{identity}", "v4.write")
        self.check_fields(
            "v4.write", f"GET {BASE}/{identity}", (got or {}).get("instance") or {}, sent
        )
        self.services[identity] = (got or {}).get("instance") or item

    @precondition(lambda self: self.services)
    @rule(pick=PICK, field=st.sampled_from(sorted(m.V4_LOOKUPS)), patch=st.booleans())
    def unknown_lookup(self, pick: int, field: str, patch: bool) -> None:
        unknown = max(i for i, _ in self.tables.get(field, [(0, "")])) + 1_000_000
        if patch:
            identity = self.pick_service(pick)
            before = self.services[identity]
            items = [
                {"patchType": "update", "patchClientId": 7, "usageFrequency": 61},
                {"patchType": "update", "patchClientId": 8, field: unknown},
            ]
            path = f"/{identity}"
            answer, body = self.v4("PATCH", path, "v4.patch", json={"services": {"items": items}})
            detail = str((body or {}).get("detail", ""))
            self.expect(
                answer.status_code == 400 and "8" in detail,
                "v4.patch",
                f"PATCH {BASE}{path} whose item 8 names {field} {unknown}: answered "
                f"{answer.status_code} {detail[:120]!r}, expected 400 naming patchClientId 8",
            )
            _, got = self.v4("GET", path, "v4.patch")
            now = (got or {}).get("instance") or {}
            self.expect(
                now.get("usageFrequency") == before.get("usageFrequency"),
                "v4.patch",
                f"PATCH {BASE}{path} failed on item 8 but item 7 changed usageFrequency to "
                f"{now.get('usageFrequency')} (all or nothing)",
            )
            return
        sent = {"name": self.prefix + "bad", "serviceTypeId": self.tables["serviceTypeId"][0][0]}
        sent[field] = unknown
        answer, body = self.v4("POST", "/", "v4.unknown-lookup", json=sent)
        if answer.status_code == 200:
            created = ((body.get("results") or {}).get("items") or [{}])[0].get("identity")
            self.session.created(f"{BASE}/{created}")
        detail = str((body or {}).get("detail", ""))
        self.expect(
            answer.status_code == 400 and field in detail,
            "v4.unknown-lookup",
            f"POST {BASE}/ with {field} {unknown}: answered {answer.status_code} "
            f"{detail[:120]!r}, expected 400 naming {field}",
        )

    @precondition(lambda self: self.services)
    @rule(pick=PICK, frequency=st.integers(0, 60), active=st.booleans(), create=st.booleans())
    def patch(self, pick: int, frequency: int, active: bool, create: bool) -> None:
        identity = self.pick_service(pick)
        first, second = self.next_client_id, self.next_client_id + 1
        self.next_client_id += 2
        items: list[dict[str, Any]] = [
            {
                "patchType": "update",
                "patchClientId": first,
                "usageFrequency": frequency,
                "isActive": active,
            }
        ]
        if create:
            items.append(
                {
                    "patchType": "create",
                    "patchClientId": second,
                    "name": self.prefix + "patched",
                    "serviceTypeId": self.tables["serviceTypeId"][0][0],
                    "description": "p",
                }
            )
        path = f"/{identity}"
        answer, body = self.v4("PATCH", path, "v4.patch", json={"services": {"items": items}})
        self.expect(
            answer.status_code == 200,
            "v4.patch",
            f"PATCH {BASE}{path} answered {answer.status_code}",
        )
        results = {
            r.get("patchClientId"): r for r in (body.get("results") or {}).get("items") or []
        }
        wanted = {first: "updated", **({second: "created"} if create else {})}
        got = {cid: r.get("action") for cid, r in results.items()}
        self.expect(
            got == wanted,
            "v4.patch",
            f"PATCH {BASE}{path}: result actions by patchClientId {got}, expected {wanted}",
        )
        if create:
            made = results[second].get("identity")
            self.session.created(f"{BASE}/{made}")
            _, fetched = self.v4("GET", f"/{made}", "v4.patch")
            self.services[made] = (fetched or {}).get("instance") or results[second]["instance"]
        _, fetched = self.v4("GET", path, "v4.patch")
        now = (fetched or {}).get("instance") or {}
        self.check_fields(
            "v4.patch",
            f"GET {BASE}{path} after PATCH",
            now,
            {"usageFrequency": frequency, "isActive": active},
        )
        self.services[identity] = now

    @precondition(lambda self: self.services)
    @rule(pick=PICK)
    def delete(self, pick: int) -> None:
        identity = self.pick_service(pick)
        path = f"/{identity}"
        _, detail = self.v4("GET", f"{path}/Detail", "v4.delete")
        plans = (((detail or {}).get("instance") or {}).get("details") or {}).get(
            "sharePlans"
        ) or {}
        plan_ids = m.sorted_answers(p.get("identity") for p in plans.get("items") or [])
        answer, body = self.v4("DELETE", path, "v4.delete")
        self.expect(
            answer.status_code == 200,
            "v4.delete",
            f"DELETE {BASE}{path} answered {answer.status_code}",
        )
        self.session.removed(BASE + path)
        reported = (body.get("results") or {}).get("items") or []
        deleted = [
            r
            for r in reported
            if r.get("identity") == identity
            and r.get("action") == "deleted"
            and r.get("dtoTypeKey") == "service"
        ]
        detached = m.sorted_answers(
            r.get("lhsId")
            for r in reported
            if r.get("action") == "detached" and r.get("rhsId") == identity
        )
        self.expect(
            len(deleted) == 1 and detached == plan_ids,
            "v4.delete",
            f"DELETE {BASE}{path} reported {reported}; expected the service deleted and share "
            f"plans {plan_ids} detached",
        )
        del self.services[identity]
        gone, _ = self.v4("GET", path, "v4.delete")
        self.expect(
            gone.status_code == 404,
            "v4.delete",
            f"GET {BASE}{path} answered {gone.status_code} after DELETE; expected 404",
        )
        found = self.search([{"name": "identity", "operator": "equals", "value": identity}])
        self.expect(
            identity not in {s.get("identity") for s in found},
            "v4.delete",
            f"Search identity equals {identity} still finds it after DELETE",
        )

    # -- reads ------------------------------------------------------------------------

    def search(self, criteria: list[dict[str, Any]], top: int = 1000) -> list[dict[str, Any]]:
        scoped = [{"name": "name", "operator": "startsWith", "value": self.prefix}, *criteria]
        body = {"query": {"top": top, "search": scoped}}
        answer, got = self.v4("POST", "/Search", "v4.search", json=body)
        self.expect(
            answer.status_code == 200,
            "v4.search",
            f"POST {BASE}/Search {scoped} answered {answer.status_code}",
        )
        items = (got or {}).get("items") or []
        self.expect(
            (got or {}).get("itemCount") == len(items),
            "v4.search",
            f"POST {BASE}/Search: itemCount {(got or {}).get('itemCount')} for {len(items)} items",
        )
        return items

    @precondition(lambda self: self.services)
    @rule(
        pick=PICK,
        fields=st.lists(st.sampled_from(SEARCH_FIELDS), min_size=1, max_size=2),
        operators=st.lists(PICK, min_size=2, max_size=2),
        cut=st.integers(1, 4),
        upper=st.booleans(),
        top=st.none() | st.integers(1, 3),
    )
    def check_search(
        self,
        pick: int,
        fields: list[str],
        operators: list[int],
        cut: int,
        upper: bool,
        top: int | None,
    ) -> None:
        model = self.services[self.pick_service(pick)]
        criteria = []
        for field, op in zip(fields, operators, strict=False):
            choices = m.v4_operators(field)
            operator = choices[op % len(choices)]
            value = model.get(field)
            if value is None:
                continue
            if m.v4_kind(field) == "text":
                text = str(value)
                value = {
                    "contains": text[1 : 1 + cut],
                    "startsWith": text[:cut],
                    "endsWith": text[-cut:],
                }.get(operator, text)
                value = value.upper() if upper else value.lower()
            criteria.append({"name": field, "operator": operator, "value": value})
        found = self.search(criteria, top or 1000)
        got = {s.get("identity") for s in found}
        scoped = [{"name": "name", "operator": "startsWith", "value": self.prefix}, *criteria]
        wanted = {i for i, s in self.services.items() if m.v4_matches(s, scoped)}
        if top is not None:
            self.expect(
                len(found) == min(top, len(wanted)) and got <= wanted,
                "v4.search",
                f"Search top {top} {criteria}: {len(found)} items {m.sorted_answers(got)}, "
                f"expected {min(top, len(wanted))} of {sorted(wanted)}",
            )
            return
        self.expect(
            got == wanted,
            "v4.search",
            lambda: (
                f"Search {criteria}: found {m.sorted_answers(got)}, expected {sorted(wanted)} "
                f"(missing {sorted(wanted - got)}, extra {m.sorted_answers(got - wanted)})"
            ),
        )

    @precondition(lambda self: self.services)
    @rule(size=st.sampled_from((7, 50, 101)), exclude=st.booleans(), detail=st.booleans())
    def check_paged(self, size: int, exclude: bool, detail: bool) -> None:
        path = "/Paged/Detail" if detail else "/Paged"
        _, whole = self.v4("GET", path, "v4.paged", params={"pageSize": 1000})
        total = (whole.get("pagedResults") or {}).get("totalCount")
        everything = [
            s.get("identity") for s in (whole.get("pagedResults") or {}).get("items") or []
        ]
        if total is None or total > 1000:
            return  # a catalogue beyond one page of 1000 is not walked here
        pages, number = [], 1
        while number <= total // size + 2:
            params = {
                "pageNumber": number,
                "pageSize": size,
                "excludeTotalCount": str(exclude).lower(),
            }
            _answer, body = self.v4("GET", path, "v4.paged", params=params)
            echo = body.get("pagination") or {}
            self.expect(
                echo == {"pageNumber": number, "pageSize": size, "excludeTotalCount": exclude},
                "v4.paged",
                f"GET {BASE}{path} {params}: pagination {echo}",
            )
            results = body.get("pagedResults") or {}
            self.expect(
                ("totalCount" in results) != exclude,
                "v4.paged",
                f"GET {BASE}{path} excludeTotalCount={exclude}: totalCount "
                f"{'present' if 'totalCount' in results else 'absent'}",
            )
            chunk = [s.get("identity") for s in results.get("items") or []]
            if not chunk:
                break
            pages.append(chunk)
            number += 1
        problem = m.pages_partition(pages, everything)
        self.expect(
            problem is None, "v4.paged", f"GET {BASE}{path} pageSize={size}, walked: {problem}"
        )
        mine = set(self.services) - set(everything)
        self.expect(not mine, "v4.paged", f"GET {BASE}{path} does not list {sorted(mine)[:3]}")
