"""The handlers of the operations the engine serves by itself: an operation of a
spec's collection with no handler function written for it
(:mod:`servicestub.engine.dispatch`). Each is as thin as a written one: read the
scope from the path, get its owner from the runtime, call the collection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from servicestub.engine.collection import Collection, Owner
from servicestub.engine.dispatch import WRITES, ServedOperation
from servicestub.engine.model import python_name
from servicestub.runtime import current

Handler = Callable[..., Awaitable[Any]]


#: The actions on one record, at the collection's item path.
_ON_ONE = frozenset({"get", "update", "replace", "delete"})


def _created(
    collection: Collection[Any], owner: Owner, body: Any, scope: dict[str, str]
) -> tuple[Any, int]:
    return collection.create(owner, body, scope=scope), collection.model.created_status


def _deleted(collection: Collection[Any], owner: Owner, uid: str) -> tuple[Any, int]:
    """204 and nothing, or the status the spec documents with the record deleted."""
    status = collection.model.deleted_status
    record = collection.get(owner, uid) if status != 204 else None
    collection.delete(owner, uid)
    return record, status


#: Where a handler puts the scope's values (path parameter -> value) among the arguments.
_SCOPE = "servicestub.scope"

#: What each action does: (collection, owner, arguments, record id) -> the answer.
_ACTIONS: dict[str, Callable[[Collection[Any], Owner, dict[str, Any], str], Any]] = {
    "list": lambda c, owner, arguments, _uid: c.list(owner, arguments),
    "create": lambda c, owner, arguments, _uid: _created(
        c, owner, arguments["body"], arguments[_SCOPE]
    ),
    "get": lambda c, owner, _arguments, uid: c.get(owner, uid),
    "update": lambda c, owner, arguments, uid: c.update(owner, uid, arguments["body"]),
    "replace": lambda c, owner, arguments, uid: c.replace(owner, uid, arguments["body"]),
    "delete": lambda c, owner, _arguments, uid: _deleted(c, owner, uid),
}


def served_handler(api: str, collection: Collection[Any], action: str, name: str) -> Handler:
    """The handler of ``action`` on ``collection`` of the API ``api``, named ``name``."""
    model = collection.model
    scope = tuple(python_name(parameter) for parameter in model.scope)
    # The item path's parameter names the record (get, update, replace, delete).
    record_id = python_name(model.id_param) if model.id_param and action in _ON_ONE else None
    act = _ACTIONS[action]
    write = action in WRITES
    #: The property the answer holds the record in, if it is wrapped.
    wrapper = model.wrappers.get(action)
    # Where no POST creates, a PUT on the item path does (it is the replace, or
    # the update when no PATCH is).
    if model.put_creates is not None and (
        action == "replace" or (action == "update" and not model.merges)
    ):
        replace = action == "replace"

        def act(c: Collection[Any], owner: Owner, arguments: dict[str, Any], uid: str) -> Any:
            return c.put(owner, uid, arguments["body"], replace=replace, scope=arguments[_SCOPE])

    async def handler(**arguments: Any) -> Any:
        values = tuple(str(arguments[parameter]) for parameter in scope)
        owner = current().held_owner(api, model, values, write=write)
        uid = "" if record_id is None else str(arguments[record_id])
        arguments[_SCOPE] = dict(zip(model.scope, values, strict=True))
        if wrapper is not None:
            body = arguments.get("body")
            if isinstance(body, dict) and set(body) == {wrapper}:
                arguments["body"] = body[wrapper]  # a body wrapped like the answer
            answer = act(collection, owner, arguments, uid)
            if isinstance(answer, tuple):
                answer = ({wrapper: answer[0]} if answer[0] is not None else None), answer[1]
            else:
                answer = {wrapper: answer}
            return collection.respond(action, answer)
        return collection.respond(action, act(collection, owner, arguments, uid))

    handler.__name__ = handler.__qualname__ = name
    return handler


def served_handlers(
    api: str,
    operations: Mapping[str, ServedOperation],
    serve: Callable[[str, Any], Collection[Any]],
) -> dict[str, Handler]:
    """``operationId -> handler`` for ``operations`` (of the API ``api``); ``serve``
    gives the collection serving a model (:meth:`servicestub.runtime.Runtime.serve`)."""
    collections: dict[str, Collection[Any]] = {}
    handlers = {}
    for operation_id, operation in operations.items():
        model = operation.collection
        if model.path not in collections:
            collections[model.path] = serve(api, model)
        name = operation_id.rpartition(".")[2]
        handlers[operation_id] = served_handler(
            api, collections[model.path], operation.action, name
        )
    return handlers
