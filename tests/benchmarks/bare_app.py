"""The stack's limit for `make bench`: bare Starlette answering with orjson, no middleware.

It serves the answers servicestub gave (``BENCH_BARE_ANSWERS``: a JSON file of
``{"list": <page>, "orders": {uid: <order>}}``), re-serialising them with orjson on
each request as servicestub does, at the same two paths. Run by uvicorn with
servicestub's settings (httptools, access log on); see ``peers.py``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ANSWERS: dict[str, Any] = orjson.loads(Path(os.environ["BENCH_BARE_ANSWERS"]).read_bytes())
BASE = "/v1/tenants/{tenant}/stores/{store}/service-orders"


async def listing(request: Request) -> Response:
    return Response(orjson.dumps(ANSWERS["list"]), media_type="application/json")


async def one(request: Request) -> Response:
    order = ANSWERS["orders"].get(request.path_params["uid"])
    if order is None:
        return Response(b'{"title":"Not Found"}', 404, media_type="application/problem+json")
    return Response(orjson.dumps(order), media_type="application/json")


app = Starlette(routes=[Route(BASE, listing), Route(BASE + "/{uid}", one)])
