"""``serve --watch``: one ASGI app in front of the app serving now, swapped for a
new one when a ``--spec`` file changes.

A reload builds a whole new app from the files as they are now (:func:`create_app`),
sends it one request so that connexion builds its middleware stack, then moves
the data into it (a snapshot export and import): when the old data no longer
fits the new spec, the new app starts from its seed with a logged warning. The
journal and fault rules carry over as they are. A reload that fails (a file
that no longer parses, a mount that now overlaps) changes nothing: the old app
keeps serving and the reason is logged. Requests in flight finish on the app
they started on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from servicestub.app.factory import create_app, save_on_shutdown
from servicestub.app.operations import App
from servicestub.core.errors import ApiError
from servicestub.core.settings import Settings
from servicestub.specs import stamp_of

log = logging.getLogger("servicestub")

#: Seconds between two looks at the watched files' modification times.
POLL_SECONDS = 0.5


@dataclasses.dataclass(frozen=True)
class Reloaded:
    """What a reload did: ``swapped`` (a new app serves), whether the data was
    ``kept``, and the reason when it was not (or when nothing was swapped)."""

    swapped: bool
    kept: bool
    reason: str | None = None


class Reloading:
    """The ASGI app ``serve --watch`` runs: it hands each request to :attr:`app`,
    which :meth:`reload` replaces. Its own lifespan saves ``--state`` (from the
    app serving at shutdown); the apps behind it get none."""

    def __init__(
        self, app: App, settings: Settings, build: Callable[[Settings], App] = create_app
    ) -> None:
        self.app = app
        self.settings = settings
        self.build = build
        self.stamps = self._stamps()

    def _stamps(self) -> tuple[tuple[int, int], ...]:
        return tuple(stamp_of(file) for file, _mount in self.settings.specs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        await self.app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                save_on_shutdown(self.app.runtime)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def changed(self) -> bool:
        """Whether a watched file changed since the last look (and remember this look)."""
        stamps = self._stamps()
        changed, self.stamps = stamps != self.stamps, stamps
        return changed

    def reload(self) -> Reloaded:
        """Build a new app from the files now and swap it in (see the module docstring)."""
        old = self.app
        # The new app starts from the seed: the data comes from the old app, not
        # from --state or --scenario again; it saves to the --state file as before.
        fresh_settings = dataclasses.replace(self.settings, state_file=None, scenario=None)
        try:
            fresh = self.build(fresh_settings)
            asyncio.run(_first_request(fresh))
        except Exception as error:  # whatever stops the new app, the old one keeps serving
            failure = str(getattr(error, "detail", error))
            log.error("reload failed, the previous spec keeps serving: %s", failure)
            return Reloaded(swapped=False, kept=True, reason=failure)
        fresh.runtime.settings = self.settings
        kept, reason = True, None
        try:
            fresh.runtime.import_state(old.runtime.export_state())
        except ApiError as error:
            kept, reason = False, str(error.detail)
            log.warning("reloaded; the data did not fit the new spec, started afresh: %s", reason)
        fresh.runtime.journal = old.runtime.journal
        fresh.runtime.faults = old.runtime.faults
        self.app = fresh
        if kept:
            log.info("reloaded the spec, data kept")
        return Reloaded(swapped=True, kept=kept, reason=reason)

    @contextlib.contextmanager
    def watching(self, every: float = POLL_SECONDS) -> Iterator[None]:
        """Reload whenever a watched file changes, in a thread, while inside."""
        stop = threading.Event()

        def watch() -> None:
            while not stop.wait(every):
                if self.changed():
                    self.reload()

        thread = threading.Thread(target=watch, name="servicestub-watch", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


async def _first_request(app: App) -> None:
    """Send ``app`` one request (its health check), so that connexion builds every
    API's operations now: one it cannot build fails the reload, not a request later."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/_mock/health",
        "raw_path": b"/_mock/health",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Message) -> None:
        return None

    await app(scope, receive, send)
