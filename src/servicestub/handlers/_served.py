"""The handlers of the operations the engine serves by itself: an operation of a
spec's collection with no handler function written for it
(:mod:`servicestub.engine.dispatch`). Each is as thin as a written one: read the
scope from the path, get its owner from the runtime, call the collection."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

import orjson
from connexion import context
from starlette.responses import Response

from servicestub.core.errors import UnsupportedMediaType
from servicestub.engine.collection import Collection, Owner
from servicestub.engine.dispatch import WRITES, ServedOperation
from servicestub.engine.documented import JSON_MEDIA
from servicestub.engine.model import python_name
from servicestub.runtime import current

Handler = Callable[..., Awaitable[Any]]
#: An operation's answer made as a handler makes it, without awaiting anything (the
#: engine's work is all in memory): ``answer(**arguments)``.
Answerer = Callable[..., Any]


#: The actions on one record, at the collection's item path.
_ON_ONE = frozenset({"get", "update", "replace", "delete"})


def _created(
    collection: Collection[Any], owner: Owner, body: Any, scope: dict[str, str]
) -> tuple[Any, int]:
    if isinstance(body, list):  # a bulk create: an array of records
        return collection.create_many(owner, body, scope=scope), collection.model.created_status
    return collection.create(owner, body, scope=scope), collection.model.created_status


#: The keyword connexion passes a request body as (OpenAPI 3, no ``x-body-name``).
_BODY = "body"


def _upload(value: Any) -> Any:
    """A multipart file part as a record holds it: its file name (a list for a list)."""
    if isinstance(value, list):
        return [_upload(v) for v in value]
    return getattr(value, "filename", None) or ""


def _is_upload(value: Any) -> bool:
    first = value[0] if isinstance(value, list) and value else value
    return hasattr(first, "filename") and hasattr(first, "read")


def _is_record_json(body: Any) -> bool:
    """Whether a parsed JSON body holds a record (an object) or records (an array of them)."""
    if isinstance(body, list):
        return all(isinstance(item, dict) for item in body)
    return isinstance(body, dict)


def request_body(arguments: Mapping[str, Any]) -> Any:
    """The body a write stores, whatever media type it came in: JSON as parsed, a
    form (urlencoded or multipart) as its fields (connexion types them by the
    schema) with each file part as its file name, nothing at all as ``{}`` (a create
    whose spec documents no body); JSON that is not an object nor an array of
    objects (``"deploy-key"``, ``[1, 2]``) holds no field, so it writes ``{}`` too
    (connexion passes any other media type as bytes); any other media type (XML,
    text) is refused with a 415, since it cannot be read as a record."""
    body = arguments.get(_BODY)
    files = {name: _upload(v) for name, v in arguments.items() if _is_upload(v)}
    if isinstance(body, bytes | bytearray):
        raise UnsupportedMediaType(
            "servicestub stores records sent as JSON or as a form (urlencoded or multipart); "
            "this body is neither, so it cannot be read as a record. Send it as "
            "application/json, or as a form, where the spec allows it."
        )
    if body is None or not _is_record_json(body):
        return files
    if files and isinstance(body, dict):
        return {**body, **files}
    return body


def _location(record: Any, id_field: str) -> dict[str, str]:
    """The ``Location`` of a created record: the request's path (the collection's)
    and the record's id; none when the answer holds no id."""
    uid = record.get(id_field) if isinstance(record, dict) else None
    if uid is None or isinstance(uid, dict | list):
        return {}
    scope = context.scope
    path = f"{scope.get('root_path', '')}{scope['path']}".rstrip("/")
    return {"Location": f"{path}/{quote(str(uid), safe='')}"}


def _deleted(collection: Collection[Any], owner: Owner, uid: str) -> tuple[Any, int]:
    """204 and nothing, or the status the spec documents with the record deleted."""
    status = collection.model.deleted_status
    record = collection.get(owner, uid) if status != 204 else None
    collection.delete(owner, uid)
    return record, status


#: The actions whose request carries the record (or the part of it) written.
_WITH_BODY = frozenset({"create", "update", "replace"})


def _here() -> str:
    """The request's own path (a PUT that created the record it names)."""
    scope = context.scope
    return f"{scope.get('root_path', '')}{scope['path']}"


#: Where a handler puts the scope's values (path parameter -> value) among the arguments.
_SCOPE = "servicestub.scope"

#: What each action does: (collection, owner, arguments, record id) -> the answer.
_ACTIONS: dict[str, Callable[[Collection[Any], Owner, dict[str, Any], str], Any]] = {
    "list": lambda c, owner, arguments, _uid: c.list(owner, arguments),
    "create": lambda c, owner, arguments, _uid: _created(
        c, owner, arguments[_BODY], arguments[_SCOPE]
    ),
    "get": lambda c, owner, _arguments, uid: c.get(owner, uid),
    "update": lambda c, owner, arguments, uid: c.update(owner, uid, arguments[_BODY]),
    "replace": lambda c, owner, arguments, uid: c.replace(owner, uid, arguments[_BODY]),
    "delete": lambda c, owner, _arguments, uid: _deleted(c, owner, uid),
}


def _with_headers(responded: tuple[Any, ...], headers: dict[str, str]) -> tuple[Any, ...]:
    """An answer of :meth:`Collection.respond` with ``headers`` added (a JSON body
    given as ``(body, status)`` then names its media type itself)."""
    body, status, *rest = responded
    sent = dict(rest[0]) if rest else {}
    if not rest and isinstance(body, dict | list):
        sent["Content-Type"] = "application/json"
    return body, status, {**sent, **headers}


def _in_range(responded: tuple[Any, ...]) -> Response:
    """An answer whose operation documents a media range (``*/*``) sent as JSON
    (``application/json``, which the range holds), as a generated answer is. connexion
    insists a handler's ``Content-Type`` be one the operation names verbatim, and a
    range is no media type a body goes out in: a response made here is sent as it is."""
    body, status, *rest = responded
    headers = {k: v for k, v in (rest[0] if rest else {}).items() if k.lower() != "content-type"}
    if body is None:
        return Response(status_code=status, headers=headers)
    content = body if isinstance(body, str | bytes) else orjson.dumps(body)
    return Response(content, status_code=status, headers=headers, media_type=JSON_MEDIA)


def _path_text(value: Any) -> str:
    """A path parameter's value as it was written (``17`` of a ``number`` path that
    connexion read as ``17.0``), the key records are held by."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def served_answer(api: str, collection: Collection[Any], action: str, name: str) -> Answerer:
    """What answers ``action`` on ``collection`` of the API ``api``, named ``name``."""
    model = collection.model
    scope = tuple(python_name(parameter) for parameter in model.scope)
    # The item path's parameter names the record (get, update, replace, delete).
    param = model.item_params.get(action, model.id_param)
    record_id = python_name(param) if param and action in _ON_ONE else None
    act = _ACTIONS[action]
    write = action in WRITES
    #: The property the answer holds the record in, if it is wrapped.
    wrapper = model.wrappers.get(action)
    # Where no POST creates, a PUT on the item path does (it is the replace, or
    # the update when no PATCH is).
    puts = model.put_creates is not None and (
        action == "replace" or (action == "update" and not model.merges)
    )
    if puts:
        replace = action == "replace"

        def act(c: Collection[Any], owner: Owner, arguments: dict[str, Any], uid: str) -> Any:
            return c.put(owner, uid, arguments[_BODY], replace=replace, scope=arguments[_SCOPE])

    writes_body = action in _WITH_BODY
    # Only a create (by POST, or a PUT that may create) sets the scope's values.
    scoped = action == "create" or puts
    locates = model.put_creates is not None and action in _ON_ONE
    # A create answers where the record it made is, where an item path names it.
    located = action == "create" and model.item_path is not None
    documented = collection.answers.get(action)
    ranged = documented is not None and documented.ranged

    def answer(**arguments: Any) -> Any:
        values = tuple([_path_text(arguments[parameter]) for parameter in scope]) if scope else ()
        if writes_body:
            arguments[_BODY] = request_body(arguments)
        owner = current().held_owner(api, model, values, write=write)
        uid = "" if record_id is None else collection.named(owner, _path_text(arguments[record_id]))
        if scoped:
            arguments[_SCOPE] = dict(zip(model.scope, values, strict=True))
        if wrapper is not None:
            body = arguments.get(_BODY)
            if isinstance(body, dict) and set(body) == {wrapper}:
                arguments[_BODY] = body[wrapper]  # a body wrapped like the answer
        done = act(collection, owner, arguments, uid)
        record, status = done if isinstance(done, tuple) else (done, None)
        headers: dict[str, str] | None = None
        if located:
            headers = _location(record, model.id_field)
        elif locates and status == 201:
            headers = {"Location": _here()}
        if wrapper is not None and record is not None:
            record = {wrapper: record}
        # The documented status, media type and answer shape (Collection.respond).
        responded = collection.respond(action, record if status is None else (record, status))
        if headers:
            responded = _with_headers(responded, headers)
        return _in_range(responded) if ranged else responded

    answer.__name__ = answer.__qualname__ = name
    return answer


def handler_of(answer: Answerer) -> Handler:
    """``answer`` as a handler (what connexion calls and awaits)."""

    @functools.wraps(answer)
    async def handler(**arguments: Any) -> Any:
        return answer(**arguments)

    return handler


def served_answers(
    api: str,
    operations: Mapping[str, ServedOperation],
    serve: Callable[[str, Any], Collection[Any]],
) -> dict[str, Answerer]:
    """``operationId -> answerer`` for ``operations`` (of the API ``api``); ``serve``
    gives the collection serving a model (:meth:`servicestub.runtime.Runtime.serve`)."""
    collections: dict[str, Collection[Any]] = {}
    answers = {}
    for operation_id, operation in operations.items():
        model = operation.collection
        if model.path not in collections:
            collections[model.path] = serve(api, model)
        name = operation_id.rpartition(".")[2]
        answers[operation_id] = served_answer(api, collections[model.path], operation.action, name)
    return answers


def served_handlers(
    api: str,
    operations: Mapping[str, ServedOperation],
    serve: Callable[[str, Any], Collection[Any]],
) -> dict[str, Handler]:
    """:func:`served_answers` as handlers."""
    return {op: handler_of(answer) for op, answer in served_answers(api, operations, serve).items()}
