"""pytest plugin: a running servicestub for your own test suite.

Fixtures:

* ``servicestub_server`` (session): the mock served by uvicorn on a free
  127.0.0.1 port; ``.base_url``, ``.reset(seed=None)`` and ``.runtime``.
  Its seed is the ``servicestub_seed`` ini option (default 42).
* ``servicestub_contract``: a function running the contract suite against a URL
  (the session server by default); returns an outcome with ``.ok`` and
  ``.summary``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest

from servicestub.settings import DEFAULT_SEED


@dataclasses.dataclass
class RunningMock:
    base_url: str
    runtime: Any

    def reset(self, seed: int | None = None) -> dict[str, Any]:
        """Drop all state (data, journal, fault rules) and reseed."""
        body = {} if seed is None else {"seed": seed}
        response = httpx.post(f"{self.base_url}/_mock/reset", json=body, timeout=30)
        response.raise_for_status()
        return response.json()


@dataclasses.dataclass
class ContractResult:
    ok: bool
    summary: str
    outcome: Any


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "servicestub_seed",
        "Seed of the servicestub_server fixture's data",
        default=str(DEFAULT_SEED),
    )


@pytest.fixture(scope="session")
def servicestub_server(pytestconfig: pytest.Config) -> Iterator[RunningMock]:
    from servicestub.app import create_app
    from servicestub.contract.server import serving
    from servicestub.settings import Settings

    app = create_app(Settings(seed=int(pytestconfig.getini("servicestub_seed"))))
    with contextlib.ExitStack() as stack:
        base_url = stack.enter_context(serving(app))
        yield RunningMock(base_url=base_url, runtime=app.runtime)  # type: ignore[attr-defined]


@pytest.fixture
def servicestub_contract(request: pytest.FixtureRequest) -> Any:
    from servicestub.contract.report import summary
    from servicestub.contract.runner import Options, run
    from servicestub.specs import APIS

    def run_contract(
        url: str | None = None,
        *,
        api: str = "all",
        max_examples: int = 10,
        seed: int = 0,
        phases: Sequence[str] = ("examples", "coverage", "fuzzing", "stateful"),
        headers: dict[str, str] | None = None,
    ) -> ContractResult:
        origin = url or request.getfixturevalue("servicestub_server").base_url
        specs = [spec for spec in APIS if api in ("all", spec.name)]
        options = Options(
            max_examples=max_examples, seed=seed, phases=list(phases), headers=headers or {}
        )
        outcome = run(origin, specs, options)
        return ContractResult(ok=outcome.ok, summary=summary(outcome), outcome=outcome)

    return run_contract
