"""Who may reach the control plane: the browser-facing rules of ``/_mock``.

A web page on any origin can make a browser send requests to the mock on
loopback. The API paths welcome that (CORS is open), the control plane must
not: it would let any page read or wipe the mock's state. So ``/_mock``
answers only

* requests whose ``Origin`` (when sent) is the server's own origin, as the
  request reached it (``scheme://Host``), or one configured with
  ``--admin-origin``; a request the browser marks ``Sec-Fetch-Site:
  cross-site`` or ``same-site`` must carry such an ``Origin``;
* while it listens on loopback, requests whose ``Host`` is a loopback name
  (``localhost``, ``*.localhost``, a loopback address such as ``127.0.0.1`` or
  ``[::1]``, any port) or one configured with ``--allow-host``: a page that
  makes its own name resolve to 127.0.0.1 (DNS rebinding) is same-origin with
  itself, but sends its own name as ``Host``.

Requests without ``Origin`` or ``Sec-Fetch-Site`` (curl, test clients, the
browser's own navigation) are not a web page's and pass; so do requests
without a ``Host`` (no browser sends one without it).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.types import Scope

from servicestub.core.errors import Forbidden
from servicestub.core.memo import KeptWhenShort
from servicestub.middleware.wire import headers

DEFAULT_PORTS = {"http": 80, "https": 443}
#: Host names that always mean this machine (RFC 6761 reserves ``localhost`` and below it).
LOOPBACK_NAMES = ("localhost", "*.localhost")
#: ``Sec-Fetch-Site`` values of a request made by a page of another origin.
FOREIGN_SITES = frozenset({"cross-site", "same-site"})
_SHOWN = 100
#: How many requests' verdicts a policy keeps, and how long their facts may be.
VERDICTS_KEPT = 256
VERDICT_KEPT_LENGTH = 512
#: The request headers the rules read.
_READ = (b"host", b"origin", b"sec-fetch-site")


@dataclasses.dataclass(frozen=True)
class Origin:
    """A web origin, normalised: lowercase scheme and host, the port always given."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = DEFAULT_PORTS.get(self.scheme) == self.port
        return f"{self.scheme}://{host}" if default else f"{self.scheme}://{host}:{self.port}"


def parse_origin(text: str) -> Origin | None:
    """``scheme://host[:port]`` as an :class:`Origin`; ``None`` for anything else
    (``null``, a path or query, a scheme without a default port and none given)."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if not scheme or not host or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    port = port if port is not None else DEFAULT_PORTS.get(scheme)
    return None if port is None else Origin(scheme, host, port)


def host_name(value: str) -> str:
    """The name of a ``Host`` header (or of an ``--allow-host`` value): lowercase,
    without the port, the brackets of an IPv6 address or a trailing dot."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    if value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def is_loopback(name: str) -> bool:
    """``name`` is a loopback address (127.0.0.0/8, ::1, ::ffff:127.0.0.1) or a loopback name."""
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return _matches(name, LOOPBACK_NAMES)
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _matches(name: str, patterns: Iterable[str]) -> bool:
    """``name`` equals a pattern, or ends in a ``*.suffix`` pattern's ``.suffix``."""
    for pattern in patterns:
        suffix = pattern[1:] if pattern.startswith("*.") else None
        if name == pattern or (suffix and name.endswith(suffix) and name != suffix):
            return True
    return False


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


class ControlPlanePolicy:
    """The rules above, configured with ``--admin-origin`` and ``--allow-host``."""

    def __init__(
        self, admin_origins: Iterable[str] = (), allowed_hosts: Iterable[str] = ()
    ) -> None:
        origins = []
        for text in admin_origins:
            origin = parse_origin(text)
            if origin is None:
                raise ValueError(
                    f"--admin-origin {text!r} is not an origin; give scheme://host[:port], "
                    "e.g. http://localhost:5173."
                )
            origins.append(origin)
        self.admin_origins = frozenset(origins)
        self.allowed_hosts = tuple(host_name(host) for host in allowed_hosts if host.strip())
        #: :meth:`refusal_detail` of the facts of recent requests: clients send any
        #: headers, so it keeps at most :data:`VERDICTS_KEPT`, each of facts at most
        #: :data:`VERDICT_KEPT_LENGTH` characters long.
        self._verdict = KeptWhenShort(self.refusal_detail, VERDICTS_KEPT, VERDICT_KEPT_LENGTH)
        self._kept = self._verdict.kept

    def refusal(self, scope: Scope) -> Forbidden | None:
        """Why this request to ``/_mock`` is refused, or ``None`` when it may pass."""
        host, origin, site = headers(scope["headers"], _READ)
        server = scope.get("server")
        facts = (scope.get("scheme", "http"), tuple(server) if server else None, host, origin, site)
        detail = self._verdict(*facts)
        return None if detail is None else Forbidden(detail)

    def refusal_detail(
        self,
        scheme: str,
        server: tuple[Any, ...] | None,
        host: str | None,
        sent: str | None,
        site: str | None,
    ) -> str | None:
        """Why a request with these facts is refused (the ``detail`` of its 403), or
        ``None``: the request's ``scheme``, the ``server`` (address, port) it
        reached and its ``Host``, ``Origin`` and ``Sec-Fetch-Site`` headers."""
        if host is not None and _listens_on_loopback(server):
            name = host_name(host)
            if not is_loopback(name) and not _matches(name, self.allowed_hosts):
                return (
                    "While the server listens on loopback, the control plane answers only "
                    "loopback Host names (localhost, *.localhost, 127.0.0.1, [::1]), so that no "
                    f"web page reaches it by DNS rebinding; this request named "
                    f"'{_shown(name)}'. If a proxy forwards /_mock under that name, start the "
                    f"server with --allow-host {_shown(name)} (or SERVICESTUB_ALLOW_HOSTS)."
                )
        own = _own_origin(scheme, server, host)
        if sent is not None:
            origin = parse_origin(sent)
            if origin is None or (origin != own and origin not in self.admin_origins):
                return (
                    "The control plane answers no web page of another origin, so that no page "
                    f"can read or change the mock's state; this request came from "
                    f"'{_shown(sent)}', the server's own origin is {own}. Use /_mock from "
                    f"{own} (Swagger UI at {own}/_mock/ui/), or, if a dev proxy forwards /_mock, "
                    f"start the server with --admin-origin {_shown(sent)} "
                    "(or SERVICESTUB_ADMIN_ORIGINS)."
                )
            return None
        site = (site or "").strip().lower()
        if site in FOREIGN_SITES:
            return (
                f"The browser marked this request {site} (Sec-Fetch-Site) and sent no Origin; "
                "the control plane answers no web page of another site. Open "
                f"{own}/_mock/ui/ directly."
            )
        return None


def _listens_on_loopback(server: tuple[Any, ...] | None) -> bool:
    """The request came in on a loopback address (``server``, the ASGI server's
    local end); ``True`` when the server does not say, so that the guard fails closed."""
    if not server:
        return True
    return is_loopback(host_name(str(server[0])))


def _own_origin(scheme: str, server: tuple[Any, ...] | None, host: str | None) -> Origin:
    """The origin the request reached: its scheme and ``Host`` (or the server's address)."""
    if host is None:
        server = server or ("localhost", DEFAULT_PORTS.get(scheme, 80))
        address = str(server[0])
        host = f"[{address}]:{server[1]}" if ":" in address else f"{address}:{server[1]}"
    origin = parse_origin(f"{scheme}://{host}")
    return origin if origin is not None else Origin(scheme, host_name(host), 0)
