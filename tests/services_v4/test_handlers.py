"""Every operation of the v4 spec has its handler, findable by ``def <name>``."""

from __future__ import annotations

import ast
import inspect

from servicestub.handlers import services_v4
from servicestub.specs import SERVICES, operations


def test_every_operation_id_is_a_literal_async_def_in_the_handlers_module():
    tree = ast.parse(inspect.getsource(services_v4))
    defined = {node.name for node in tree.body if isinstance(node, ast.AsyncFunctionDef)}
    wanted = {
        operation["operationId"].removeprefix("services_v4.")
        for _document, _path, _method, operation in operations([SERVICES])
    }
    assert len(wanted) == 13
    assert wanted <= defined, sorted(wanted - defined)
