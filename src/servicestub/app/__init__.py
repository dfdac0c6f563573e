"""The connexion application of the mock, wired in one package at the ``app``
layer: the factory (:func:`create_app`), the once-decorated operations, the
handler resolver, the body and parameter validators, the URI parser and the
exception handlers. It sits above ``handlers`` (the resolver imports them) and
``middleware`` (the factory stacks them); what middleware needs to know of an
operation is in :mod:`servicestub.middleware.operations`, below it."""

from __future__ import annotations

from servicestub.app.factory import create_app
from servicestub.app.operations import App

__all__ = ["App", "create_app"]
