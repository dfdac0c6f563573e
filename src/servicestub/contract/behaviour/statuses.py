"""The ``statuses`` family: workflow positions are exactly 1..n, in the predicted
order, after any sequence of creates and moves (a position past the end means
last). It creates statuses and moves only those, and runs only in the run's own
tenant: every create or move shifts the tenant's other statuses."""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from servicestub.contract.behaviour import model as m
from servicestub.contract.behaviour.engine import BehaviourMachine, Context
from servicestub.contract.behaviour.orders import PICK, TITLE


class StatusesMachine(BehaviourMachine):
    family = "statuses"
    api = "orders"
    rules_checked: ClassVar[dict[str, str]] = {
        "statuses.positions": "a tenant's workflow positions are exactly 1..n after creates "
        "and moves, a position past the end meaning last",
    }

    @staticmethod
    def prepare(ctx: Context) -> str | None:
        if ctx.found.get("sharedTenant"):
            return "moving statuses shifts everyone's; it runs only in the run's own tenant"
        return None

    def __init__(self) -> None:
        super().__init__()
        self.path = f"/v1/tenants/{self.context.tenant}/service-statuses"
        self.order = [s["statusUid"] for s in self.read()]
        self.mine: list[str] = []

    def read(self) -> list[dict[str, Any]]:
        body = self.status(
            self.send("GET", self.path, params={"perPage": 100, "sort": "position"}),
            200,
            "statuses.positions",
            f"GET {self.path}",
        )
        return body.get("data") or []

    def compare(self, after: str) -> None:
        listed = self.read()
        positions = [s.get("position") for s in listed]
        self.expect(
            positions == list(range(1, len(listed) + 1)),
            "statuses.positions",
            f"after {after}: positions {positions}, expected 1..{len(listed)}",
        )
        got = [s.get("statusUid") for s in listed]
        names = {s.get("statusUid"): s.get("name") for s in listed}
        if got != self.order:
            first = next(n for n, (a, b) in enumerate(zip(got, self.order, strict=False)) if a != b)
            self.expect(
                False,
                "statuses.positions",
                f"after {after}: position {first + 1} holds {names.get(got[first])!r}, "
                f"expected {names.get(self.order[first], self.order[first])!r}",
            )

    @precondition(lambda self: len(self.mine) < 4)
    @rule(name=TITLE, position=st.integers(1, 12))
    def create_status(self, name: str, position: int) -> None:
        sent = {"name": name, "position": position}
        body = self.status(
            self.send("POST", self.path, json=sent), 201, "statuses.positions", f"POST {self.path}"
        )
        uid = body["statusUid"]
        self.mine.append(uid)
        self.order = m.place(self.order, uid, position)
        self.compare(f"POST {self.path} at position {position}")

    @precondition(lambda self: self.mine)
    @rule(pick=PICK, position=st.integers(1, 12))
    def move_status(self, pick: int, position: int) -> None:
        uid = self.mine[pick % len(self.mine)]
        url = f"{self.path}/{uid}"
        self.status(
            self.send("PUT", url, json={"position": position}), 200, "statuses.positions", url
        )
        self.order = m.place(self.order, uid, position)
        self.compare(f"PUT {url} to position {position}")
