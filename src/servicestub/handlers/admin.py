"""The control plane under ``/_mock`` (section 4)."""

from __future__ import annotations

from typing import Any

from servicestub.control.scenarios import catalog
from servicestub.runtime import current


async def health() -> Any:
    return current().health()


async def reset(body: dict[str, Any] | None = None) -> Any:
    runtime = current()
    runtime.reset((body or {}).get("seed", runtime.settings.seed))
    return runtime.health()


async def export_state() -> Any:
    return current().export_state()


async def import_state(body: dict[str, Any]) -> Any:
    runtime = current()
    runtime.import_state(body)
    return runtime.health()


async def save_state() -> Any:
    path, size = current().save_state()
    return {"path": path, "bytes": size}


async def list_scenarios() -> Any:
    return {"data": catalog(current().settings.fixtures_dir)}


async def load_scenario(name: str) -> Any:
    runtime = current()
    runtime.load_scenario(name)
    return runtime.health()


async def drop_tenant(tenant_id: str) -> Any:
    current().drop_tenant(tenant_id)
    return None, 204


async def list_requests(
    limit: int = 100, method: str | None = None, path: str | None = None
) -> Any:
    return {"data": current().journal.entries(limit=limit, method=method, path=path)}


async def clear_requests() -> Any:
    current().journal.clear()
    return None, 204


async def list_faults() -> Any:
    return {"data": current().faults.rules()}


async def add_fault(body: dict[str, Any]) -> Any:
    return current().faults.add(body), 201


async def clear_faults() -> Any:
    current().faults.clear()
    return None, 204
