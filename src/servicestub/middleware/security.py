"""Security schemes of third-party specs, honoured as a mock should: a request
to an operation whose effective ``security`` asks for credentials, arriving
with none of any alternative's, is a 401 naming what to send; any value is
accepted.

An operation's effective security is its own ``security``, else the spec's;
an empty alternative (``{}``) or an empty list (``[]``) lets anyone in. A
credential is present when:

* ``apiKey``: the header, query parameter or cookie of its ``name`` is sent
  (not empty);
* ``http``: ``Authorization`` carries its ``scheme`` (``Bearer x``,
  ``Basic x``, any other scheme by its name);
* ``oauth2`` / ``openIdConnect``: ``Authorization: Bearer ...``.

The 401 comes whether or not the operation documents one (a real server
answers it all the same); it is an error answer, which response validation
leaves alone. A scheme the spec names but does not define asks for nothing.

connexion's own security middleware is left out of the stack
(:func:`without_connexion_security`): it needs an ``x-*InfoFunc`` naming a
Python function to call, which a third-party spec does not have (and which the
mock should not import from a spec it is given), and it refuses outright what
it does not support, such as two OAuth2 schemes in one alternative (Google's
specs AND theirs). The built-in APIs declare no security, so this middleware
alone decides, and the document served to Swagger UI keeps its ``security``
(its Authorize button sends what this middleware asks for).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Iterable
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

from connexion.middleware.security import SecurityMiddleware as ConnexionSecurity
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from servicestub.core.errors import Unauthorized
from servicestub.middleware.operations import routed_operation_id, spec_operation_id
from servicestub.specs import ApiSpec, operations


@dataclasses.dataclass(frozen=True)
class Credential:
    """What one security scheme asks a request to carry."""

    #: The scheme's name in ``components/securitySchemes``.
    name: str
    #: ``header``, ``query``, ``cookie`` or ``authorization``.
    where: str
    #: The header, parameter or cookie name; for ``authorization``, the auth scheme.
    key: str

    def describe(self) -> str:
        if self.where == "authorization":
            return f"'Authorization: {self.key.capitalize()} <credentials>'"
        if self.where == "header":
            return f"the header {self.key}"
        return f"the {self.where} parameter {self.key}"

    def challenge(self) -> str:
        """This scheme's ``WWW-Authenticate`` challenge."""
        if self.where == "authorization":
            return f'{self.key.capitalize()} realm="{self.name}"'
        return f'ApiKey realm="{self.name}", {self.where}="{self.key}"'


#: One alternative: every credential of it must be present (empty: anyone).
Alternative = tuple[Credential, ...]


def credential_of(name: str, scheme: Any) -> Credential | None:
    """What the security scheme ``scheme`` (called ``name``) asks for, or ``None``
    when it is not one a request can carry (or not defined)."""
    if not isinstance(scheme, dict):
        return None
    kind = scheme.get("type")
    if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
        key = scheme.get("name")
        return Credential(name, scheme["in"], key) if isinstance(key, str) and key else None
    if kind == "http" and isinstance(scheme.get("scheme"), str) and scheme["scheme"]:
        return Credential(name, "authorization", scheme["scheme"].lower())
    if kind in ("oauth2", "openIdConnect"):
        return Credential(name, "authorization", "bearer")
    return None


def requirements(document: Any, operation: Any) -> tuple[Alternative, ...] | None:
    """The alternatives of ``operation``'s effective security, or ``None`` when
    anyone may call it."""
    security = operation.get("security", document.get("security"))
    if not isinstance(security, list) or not security:
        return None
    schemes = ((document.get("components") or {}).get("securitySchemes")) or {}
    alternatives: list[Alternative] = []
    for requirement in security:
        if not isinstance(requirement, dict):
            continue
        found = [credential_of(name, schemes.get(name)) for name in requirement]
        alternative = tuple(credential for credential in found if credential is not None)
        if not alternative:
            return None  # {} or only undefined schemes: anyone
        alternatives.append(alternative)
    return tuple(alternatives) or None


def security_table(apis: Iterable[ApiSpec]) -> dict[str, tuple[Alternative, ...]]:
    """``operationId -> alternatives`` of every operation of the third-party
    specs of ``apis`` that asks for credentials."""
    third = [api for api in apis if api.third_party]
    table = {}
    for document, _path, _method, operation in operations(third):
        needed = requirements(document, operation)
        if needed is not None:
            table[operation["operationId"]] = needed
    return table


class _Sent:
    """The credentials a request carries, read once."""

    def __init__(self, scope: Scope) -> None:
        self.headers = Headers(scope=scope)
        self._query: dict[str, str] | None = None
        self._cookies: dict[str, str] | None = None
        self.scope = scope

    def has(self, credential: Credential) -> bool:
        if credential.where == "authorization":
            auth_scheme, _, value = self.headers.get("authorization", "").strip().partition(" ")
            return auth_scheme.lower() == credential.key and bool(value.strip())
        if credential.where == "header":
            return bool(self.headers.get(credential.key, "").strip())
        if credential.where == "query":
            return bool(self.query().get(credential.key))
        return bool(self.cookies().get(credential.key))

    def query(self) -> dict[str, str]:
        if self._query is None:
            raw = self.scope.get("query_string", b"").decode("latin-1")
            self._query = dict(parse_qsl(raw, keep_blank_values=True))
        return self._query

    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            jar: SimpleCookie = SimpleCookie()
            with contextlib.suppress(CookieError):
                jar.load(self.headers.get("cookie", ""))
            self._cookies = {key: morsel.value for key, morsel in jar.items()}
        return self._cookies


def missing_credentials(alternatives: tuple[Alternative, ...]) -> Unauthorized:
    """The 401 of a request that carries no alternative's credentials."""
    ways = [" and ".join(c.describe() for c in alternative) for alternative in alternatives]
    challenges = dict.fromkeys(c.challenge() for alt in alternatives for c in alt)
    return Unauthorized(
        "This operation needs credentials; send "
        + " or ".join(ways)
        + " (any value is accepted by the mock).",
        headers={"WWW-Authenticate": ", ".join(challenges)},
    )


class SecurityMiddleware:
    """After routing: a request to an operation of a third-party spec that asks
    for credentials and carries none of any alternative's is a 401."""

    def __init__(self, app: ASGIApp, apis: tuple[ApiSpec, ...]) -> None:
        self.app = app
        self.table = security_table(apis)

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        """Whether ``operation_id`` (as connexion resolved it) asks for credentials."""
        return spec_operation_id(operation_id) in self.table

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        operation_id = routed_operation_id(scope) if self.table else None
        alternatives = self.table.get(operation_id) if operation_id else None
        if alternatives is not None:
            sent = _Sent(scope)
            if not any(all(sent.has(c) for c in alt) for alt in alternatives):
                raise missing_credentials(alternatives)
        return self.app(scope, receive, send)


def without_connexion_security(middlewares: Iterable[Any]) -> list[Any]:
    """connexion's middleware stack ``middlewares`` without its security
    middleware (see the module's docstring); :class:`SecurityMiddleware` takes
    its place."""
    return [middleware for middleware in middlewares if middleware is not ConnexionSecurity]
