"""The OpenAPI documents servicestub serves, and where each is mounted."""

from __future__ import annotations

import dataclasses
from pathlib import Path

_PACKAGED = Path(__file__).parent / "openapi"
_CHECKOUT = Path(__file__).resolve().parents[2] / "openapi"

#: Specs ship inside the wheel; in a checkout they are read from ``openapi/``.
SPEC_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@dataclasses.dataclass(frozen=True)
class ApiSpec:
    name: str
    file: str
    base_path: str

    @property
    def path(self) -> Path:
        return SPEC_DIR / self.file


ORDERS = ApiSpec("orders", "service-orders.yaml", "/v1")
SERVICES = ApiSpec("services", "services-v4.yaml", "/api/v4")
APIS = (ORDERS, SERVICES)
