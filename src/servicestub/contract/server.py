"""A real uvicorn server of the mock on a free loopback port, in a thread
(built by :mod:`servicestub.server`, with the limits every servicestub server has)."""

from __future__ import annotations

from servicestub.server import free_port, serving

__all__ = ["free_port", "serving"]
