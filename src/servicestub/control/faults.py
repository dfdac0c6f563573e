"""Fault rules: make matching requests slow, fail, or both."""

from __future__ import annotations

import fnmatch
import itertools
import random
from typing import Any

from servicestub.core.errors import Conflict

Rule = dict[str, Any]


class Faults:
    """An ordered, bounded set of rules; the first matching rule applies."""

    def __init__(self, capacity: int, seed: int) -> None:
        self.capacity = capacity
        self._rules: list[Rule] = []
        self._ids = itertools.count(1)
        self._chance = random.Random(seed)

    def add(self, body: dict[str, Any]) -> Rule:
        """Add a validated rule; 409 when the table is full."""
        if len(self._rules) >= self.capacity:
            raise Conflict(
                f"There are already {self.capacity} fault rules; "
                "DELETE /_mock/faults before adding more."
            )
        rule = {
            "id": next(self._ids),
            "method": (body.get("method") or "*").upper(),
            "path": body["path"],
            "status": body.get("status"),
            "delayMs": body.get("delayMs", 0),
            "probability": body.get("probability", 1.0),
            "times": body.get("times"),
            "hits": 0,
        }
        self._rules.append(rule)
        return rule

    def rules(self) -> list[Rule]:
        return [dict(rule) for rule in self._rules]

    def clear(self) -> None:
        self._rules.clear()

    def match(self, method: str, path: str) -> Rule | None:
        """The rule that fires for this request, counted; ``None`` when none does."""
        for rule in self._rules:
            if rule["method"] not in ("*", method) or not fnmatch.fnmatchcase(path, rule["path"]):
                continue
            if rule["probability"] < 1 and self._chance.random() >= rule["probability"]:
                continue
            rule["hits"] += 1
            if rule["times"] is not None and rule["hits"] >= rule["times"]:
                self._rules.remove(rule)
            return dict(rule)
        return None
