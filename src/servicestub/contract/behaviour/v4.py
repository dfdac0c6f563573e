"""The ``v4`` family: Services API v4 behaviour (filled in below)."""

from __future__ import annotations

from typing import ClassVar

from servicestub.contract.behaviour.engine import BehaviourMachine


class ServicesMachine(BehaviourMachine):
    family = "v4"
    api = "services"
    rules_checked: ClassVar[dict[str, str]] = {}
