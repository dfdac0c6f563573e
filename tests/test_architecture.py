"""The architecture of ARCHITECTURE.md, checked.

Each rule is a function over a source tree that returns what breaks it, one
line per offence naming the module (and line) to change; the rule's test asserts
that list is empty for this checkout. Each rule is also run on a small
synthetic tree in ``tmp_path`` that breaks it, so that no check here can pass
by being unable to fail.

The mypy check takes a while: run it alone with ``-m typecheck``, or skip it
with ``-m "not typecheck"``.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import grimp
import pytest
import yaml

from servicestub.engine.model import read_model

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "servicestub"
SPECS = sorted((ROOT / "openapi").glob("*.yaml"))
BIN = Path(sys.executable).parent

#: The only modules that may import ``servicestub`` modules inside a function: the
#: lazy start-up ones (the CLI and the pytest plugin must start fast and load the
#: app only when used; the package root defers ``create_app`` to first use).
LAZY_START_UP = frozenset({PACKAGE, f"{PACKAGE}.cli", f"{PACKAGE}.pytest_plugin"})

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# -- the tree ----------------------------------------------------------------


def modules_of(src: Path, package: str) -> Iterator[tuple[str, Path]]:
    """``(dotted name, file)`` of every module of ``package`` under ``src``."""
    for path in sorted((src / package).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def run_tool(tool: str, *args: str, cwd: Path, src: Path) -> subprocess.CompletedProcess[str]:
    """Run a console script of this virtualenv in ``cwd`` with ``src`` first on the path."""
    return subprocess.run(
        [str(BIN / tool), *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    spec = importlib.util.find_spec(PACKAGE)
    origin = Path(spec.origin).resolve() if spec and spec.origin else None
    assert origin is not None and origin.is_relative_to(SRC.resolve()), (
        f"{PACKAGE} is imported from {origin}, not from {SRC}: set PYTHONPATH={SRC}"
    )
    return grimp.build_graph(PACKAGE, cache_dir=None)


# -- no import cycle -----------------------------------------------------------


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(component)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return components


def shortest_cycle(graph: grimp.ImportGraph, component: set[str]) -> list[str]:
    """The shortest import cycle through the component's first module, as a path
    that starts and ends with it."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for module in frontier:
            for imported in sorted(graph.find_modules_directly_imported_by(module) & component):
                if imported == start:
                    path = [module]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if imported not in came_from:
                    came_from[imported] = module
                    following.append(imported)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(component)}")


def import_cycles(graph: grimp.ImportGraph) -> list[str]:
    """One line per cycle: its members and one import path round it, with lines."""
    found = []
    for component in strongly_connected(graph):
        cycle = shortest_cycle(graph, component)
        steps = [cycle[0]]
        for importer, imported in itertools.pairwise(cycle):
            lines = sorted(
                {
                    detail["line_number"]
                    for detail in graph.get_import_details(importer=importer, imported=imported)
                }
            )
            steps.append(f"{imported} (l.{', l.'.join(map(str, lines))} of {importer})")
        found.append(
            f"cycle among {len(component)} modules ({', '.join(sorted(component))}): "
            + " -> ".join(steps)
        )
    return found


def test_no_import_cycle(graph: grimp.ImportGraph) -> None:
    cycles = import_cycles(graph)
    assert not cycles, "import cycles (type-only imports included):\n" + "\n".join(cycles)


def test_a_cycle_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(
        tmp_path,
        {
            "cyclic_demo/__init__.py": "",
            "cyclic_demo/a.py": "from cyclic_demo import b\n",
            "cyclic_demo/b.py": "import os\n\nimport cyclic_demo.c\n",
            "cyclic_demo/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from cyclic_demo.a import x\n",
            "cyclic_demo/d.py": "import cyclic_demo.a\n",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    cycles = import_cycles(grimp.build_graph("cyclic_demo", cache_dir=None))
    assert cycles == [
        "cycle among 3 modules (cyclic_demo.a, cyclic_demo.b, cyclic_demo.c): cyclic_demo.a"
        " -> cyclic_demo.b (l.1 of cyclic_demo.a) -> cyclic_demo.c (l.3 of cyclic_demo.b)"
        " -> cyclic_demo.a (l.3 of cyclic_demo.c)"
    ]


# -- the import-linter contracts -----------------------------------------------


def broken_contracts(root: Path, src: Path) -> str:
    """What ``lint-imports`` reports broken with ``root``'s pyproject (empty if all hold)."""
    result = run_tool("lint-imports", "--no-cache", "--no-logo", cwd=root, src=src)
    if result.returncode == 0:
        return ""
    report = result.stdout
    heading = report.find("Broken contracts")
    return (report[heading:] if heading >= 0 else report + result.stderr).strip()


def test_import_linter_contracts_hold() -> None:
    broken = broken_contracts(ROOT, SRC)
    assert not broken, f"lint-imports (contracts in pyproject.toml):\n{broken}"


def contract_modules(pyproject: Path) -> set[str]:
    """Every module the import-linter contracts of ``pyproject`` name."""
    contracts = tomllib.loads(pyproject.read_text())["tool"]["importlinter"]["contracts"]
    named: set[str] = set()
    for contract in contracts:
        for layer in contract.get("layers", []):
            named.update(part.strip() for part in layer.split("|"))
        named.update(contract.get("source_modules", []))
        named.update(contract.get("forbidden_modules", []))
    return named


def test_a_layer_importing_upwards_breaks_the_contract(tmp_path: Path) -> None:
    """This repo's contracts, run on empty packages of the same names where the
    bottom layer imports the top one."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    modules = contract_modules(ROOT / "pyproject.toml")
    files = {
        "/".join(module.split(".")[: depth + 1]) + "/__init__.py": ""
        for module in modules
        for depth in range(module.count(".") + 1)
    }
    files[f"{PACKAGE}/core/leak.py"] = f"import {PACKAGE}.cli\n"
    write_tree(tmp_path / "src", files)
    broken = broken_contracts(tmp_path, tmp_path / "src")
    assert f"{PACKAGE}.core.leak -> {PACKAGE}.cli" in broken, broken


# -- no import hidden in a function ----------------------------------------------


class _FunctionImports(ast.NodeVisitor):
    """Imports of ``package`` modules inside functions (``import``, ``from``, and
    ``importlib.import_module``/``__import__`` of a literal name)."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.depth = 0
        self.found: list[tuple[int, str]] = []

    def _internal(self, name: str) -> bool:
        return name.startswith(".") or name == self.package or name.startswith(self.package + ".")

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        if self.depth and any(self._internal(alias.name) for alias in node.names):
            self.found.append((node.lineno, ast.unparse(node)))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if self.depth and self._internal("." * node.level + (node.module or "")):
            self.found.append((node.lineno, ast.unparse(node)))

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if (
            self.depth
            and name in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and self._internal(node.args[0].value)
        ):
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def function_level_imports(
    src: Path, package: str, allowed: frozenset[str] = LAZY_START_UP
) -> list[str]:
    found = []
    for module, path in modules_of(src, package):
        if module in allowed:
            continue
        visitor = _FunctionImports(package)
        visitor.visit(ast.parse(path.read_text(), str(path)))
        found += [
            f"{path.relative_to(src)}:{line}: {statement}" for line, statement in visitor.found
        ]
    return found


def test_no_import_hidden_in_a_function() -> None:
    found = function_level_imports(SRC, PACKAGE)
    assert not found, (
        f"imports of {PACKAGE} modules inside functions (only {', '.join(sorted(LAZY_START_UP))}"
        " may defer theirs; import at the top, and if that makes a cycle, move the code to the"
        " layer it belongs to):\n" + "\n".join(found)
    )


def test_a_hidden_import_is_found(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "demo/__init__.py": "def create_app():\n    from demo.app import create_app\n",
            "demo/cli.py": "def main():\n    import demo.app\n",
            "demo/store.py": "import json\n\n\ndef load():\n    import os\n"
            "    from demo import seed\n    from . import seed\n\n\n"
            "class Store:\n    async def get(self):\n        from .seed import rows\n"
            "        return lambda: __import__('demo.seed')\n\n\n"
            "def lazily():\n    return importlib.import_module('demo.seed')\n",
            "demo/seed.py": "from demo import store\n",
        },
    )
    allowed = frozenset({"demo", "demo.cli"})
    assert function_level_imports(tmp_path, "demo", allowed) == [
        "demo/store.py:6: from demo import seed",
        "demo/store.py:7: from . import seed",
        "demo/store.py:12: from .seed import rows",
        "demo/store.py:13: __import__('demo.seed')",
        "demo/store.py:17: importlib.import_module('demo.seed')",
    ]


# -- no module named after the standard library ------------------------------------


def stdlib_names(src: Path, package: str) -> list[str]:
    """Modules and packages whose name (leading underscores or not) is a standard
    library module's; ``__init__``/``__main__`` are Python's own and exempt."""
    found: dict[str, str] = {}
    for module, _path in modules_of(src, package):
        parts = module.split(".")
        for depth, part in enumerate(parts):
            if part.startswith("__") and part.endswith("__"):
                continue
            clash = next(
                (name for name in (part, part.lstrip("_")) if name in sys.stdlib_module_names),
                None,
            )
            if clash:
                found[".".join(parts[: depth + 1])] = clash
    return [
        f"{module} is named after the standard library's {clash}" for module, clash in found.items()
    ]


def test_no_module_named_after_the_standard_library() -> None:
    found = stdlib_names(SRC, PACKAGE)
    assert not found, "rename (a name that says what it holds):\n" + "\n".join(found)


def test_a_stdlib_name_is_found(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "demo/__init__.py": "",
            "demo/__main__.py": "",
            "demo/store.py": "",
            "demo/json.py": "",
            "demo/handlers/__init__.py": "",
            "demo/handlers/_collections.py": "",
            "demo/email/__init__.py": "",
            "demo/email/parts.py": "",
        },
    )
    assert stdlib_names(tmp_path, "demo") == [
        "demo.email is named after the standard library's email",
        "demo.handlers._collections is named after the standard library's _collections",
        "demo.json is named after the standard library's json",
    ]


# -- every operationId has its def ---------------------------------------------------


def operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(operationId, "METHOD /path")`` of each operation of an OpenAPI document."""
    for path, item in (spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield str(operation.get("operationId", "")), f"{method.upper()} {path}"


def top_level_functions(path: Path) -> tuple[set[str], dict[str, str]]:
    """Names of the functions ``def``-ined at the top of a module, and of the other
    names bound there (with the statement binding them)."""
    tree = ast.parse(path.read_text(), str(path))
    functions, others = set(), {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    others[target.id] = f"l.{node.lineno}: {ast.unparse(node)}"
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                others[alias.asname or alias.name] = f"l.{node.lineno}: {ast.unparse(node)}"
    return functions, others


def has_def(handlers: Path, operation_id: str) -> bool:
    """``handlers/<module>.py`` defines ``function`` at its top (``module.function``)."""
    module, _, function = operation_id.rpartition(".")
    path = handlers.joinpath(*module.split(".")).with_suffix(".py")
    return bool(module) and path.is_file() and function in top_level_functions(path)[0]


def engine_served(spec: Mapping[str, Any], handlers: Path) -> set[str]:
    """The operationIds the engine serves itself (``app.resolver.engine_operations``):
    every operation of each collection of the spec (``engine.model.read_model``)
    none of whose operations has its def. Only those may go without one."""
    served: set[str] = set()
    for collection in read_model(dict(spec)).collections.values():
        operation_ids = set(collection.operations.values())
        if not any(has_def(handlers, operation_id) for operation_id in operation_ids):
            served |= operation_ids
    return served


def handlers_missing(specs: list[Path], handlers: Path) -> list[str]:
    """Operations whose ``module.function`` operationId has no literal
    ``def function(``/``async def function(`` at the top of ``handlers/module.py``,
    unless the engine serves them (:func:`engine_served`)."""
    found = []
    for spec_path in specs:
        spec = yaml.safe_load(spec_path.read_text())
        exempt = engine_served(spec, handlers)
        for operation_id, where in operations(spec):
            if operation_id in exempt:
                continue
            module, _, function = operation_id.rpartition(".")
            said = f"{spec_path.name} {where}: operationId {operation_id!r}"
            path = handlers.joinpath(*module.split(".")).with_suffix(".py")
            if not module or not function:
                found.append(f"{said} is not module.function")
            elif not path.is_file():
                found.append(f"{said}: no {path.relative_to(handlers.parent)}")
            else:
                functions, others = top_level_functions(path)
                if function not in functions:
                    bound = f" (it is bound by {others[function]})" if function in others else ""
                    found.append(
                        f"{said}: no `def {function}(` in {path.relative_to(handlers.parent)}"
                        + bound
                    )
    return found


def test_every_operation_id_has_its_def() -> None:
    assert SPECS, "no spec under openapi/"
    found = handlers_missing(SPECS, SRC / PACKAGE / "handlers")
    assert not found, "every handler findable by `def <operationId>`:\n" + "\n".join(found)


def test_a_handler_without_its_def_is_found(tmp_path: Path) -> None:
    spec = {
        "paths": {
            "/events": {
                "parameters": [],
                "get": {"operationId": "events.list_events"},
                "post": {"operationId": "events.create_event"},
            },
            "/events/{id}": {
                "get": {"operationId": "events.get_event"},
                "put": {"operationId": "events.Event.update"},
                "delete": {"operationId": "gone.delete_event"},
                "patch": {"operationId": "patch_event"},
            },
        }
    }
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(spec))
    write_tree(
        tmp_path / "src",
        {
            "handlers/events.py": "from x import ops\nfrom y import create_event\n\n\n"
            "async def get_event(uid):\n    return ops.get(uid)\n\n\n"
            "list_events = ops.list\n\n\nclass Event:\n    def update(self): ...\n",
        },
    )
    assert handlers_missing([tmp_path / "api.yaml"], tmp_path / "src" / "handlers") == [
        "api.yaml GET /events: operationId 'events.list_events': no `def list_events(` in"
        " handlers/events.py (it is bound by l.9: list_events = ops.list)",
        "api.yaml POST /events: operationId 'events.create_event': no `def create_event(` in"
        " handlers/events.py (it is bound by l.2: from y import create_event)",
        "api.yaml PUT /events/{id}: operationId 'events.Event.update': no handlers/events/Event.py",
        "api.yaml DELETE /events/{id}: operationId 'gone.delete_event': no handlers/gone.py",
        "api.yaml PATCH /events/{id}: operationId 'patch_event' is not module.function",
    ]


def test_only_operations_of_a_collection_the_engine_serves_go_without_a_def(
    tmp_path: Path,
) -> None:
    """A collection none of whose operations has a def is the engine's; one with
    some defs is not (the engine would keep its records elsewhere), nor is an
    operation of no collection."""
    listed = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/P"}}},
    }
    one = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/P"}}}}
    paths: dict[str, Any] = {"/ping": {"get": {"operationId": "parts.ping"}}}
    for name in ("parts", "bolts"):
        paths[f"/{name}"] = {
            "get": {
                "operationId": f"{name}.list_{name}",
                "responses": {"200": {"content": {"application/json": {"schema": listed}}}},
            }
        }
        paths[f"/{name}/{{partUid}}"] = {
            "get": {"operationId": f"{name}.get_{name}", "responses": {"200": one}}
        }
    spec = {
        "paths": paths,
        "components": {
            "schemas": {"P": {"type": "object", "properties": {"partUid": {"type": "string"}}}}
        },
    }
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(spec))
    write_tree(tmp_path / "src", {"handlers/bolts.py": "async def list_bolts():\n    ...\n"})
    assert handlers_missing([tmp_path / "api.yaml"], tmp_path / "src" / "handlers") == [
        "api.yaml GET /bolts/{partUid}: operationId 'bolts.get_bolts': no `def get_bolts(` in"
        " handlers/bolts.py",
        "api.yaml GET /ping: operationId 'parts.ping': no handlers/parts.py",
    ]


# -- mypy strict ---------------------------------------------------------------------


def mypy_errors(root: Path, src: Path) -> list[str]:
    """The errors of ``mypy`` run with ``root``'s configuration (pyproject: strict)."""
    result = run_tool("mypy", "--no-pretty", "--show-error-codes", cwd=root, src=src)
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    if result.returncode != 0 and not errors:
        errors = [f"mypy exited {result.returncode}: {result.stdout}{result.stderr}"]
    return errors


@pytest.mark.typecheck
def test_mypy_strict_passes() -> None:
    errors = mypy_errors(ROOT, SRC)
    files = sorted({line.split(":", 1)[0] for line in errors})
    assert not errors, (
        f"mypy (strict, pyproject.toml): {len(errors)} errors in {len(files)} files:\n"
        + "\n".join(errors)
    )


@pytest.mark.typecheck
def test_a_type_error_fails_mypy(tmp_path: Path) -> None:
    """This repo's mypy configuration, on a package with one untyped and one wrong def."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    write_tree(
        tmp_path / "src",
        {
            f"{PACKAGE}/__init__.py": "",
            f"{PACKAGE}/typed.py": "def double(x: int) -> int:\n    return 2 * x\n",
            f"{PACKAGE}/loose.py": "def double(x):\n    return 2 * x\n\n\n"
            "def name() -> str:\n    return None\n",
        },
    )
    errors = mypy_errors(tmp_path, tmp_path / "src")
    assert [line.split(": error: ")[0] for line in errors] == [
        f"src/{PACKAGE}/loose.py:1",
        f"src/{PACKAGE}/loose.py:6",
    ], errors


# -- helpers -------------------------------------------------------------------------


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
