"""pytest plugin: a running servicestub for your own test suite (entry point ``pytest11``).

Fixtures:

* ``servicestub_server`` (session): the mock served by uvicorn on a free
  127.0.0.1 port; ``.base_url``, ``.seed``, ``.runtime`` and ``.reset(seed=None)``
  to drop all state between tests. Its seed is the ``servicestub_seed`` ini
  option (default 42), its reference time the ``servicestub_now`` one (an RFC
  3339 instant or ``now``; default servicestub's fixed 2026-01-15T09:00:00Z).
* ``servicestub_contract``: a function running the contract suite against a URL
  (the session server by default); returns a result with ``.ok``, ``.summary``
  (the text ``servicestub contract`` prints) and ``.outcome``.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import pytest

# Nothing of servicestub (or connexion) is imported until a fixture is used:
# pytest loads this plugin in every run of the environment.


@dataclasses.dataclass
class RunningMock:
    base_url: str
    seed: int
    runtime: Any

    def reset(self, seed: int | None = None) -> None:
        """Drop all state (data, journal, fault rules) and reseed with ``seed``
        (the server's own seed when None)."""
        import httpx

        seed = self.seed if seed is None else seed
        if self._has_control_plane():
            response = httpx.post(f"{self.base_url}/_mock/reset", json={"seed": seed}, timeout=30)
            response.raise_for_status()
        else:
            self.runtime.reset(seed)

    def _has_control_plane(self) -> bool:
        import httpx

        try:
            return httpx.get(f"{self.base_url}/_mock/health", timeout=10).status_code == 200
        except httpx.HTTPError:
            return False


@dataclasses.dataclass(frozen=True)
class ContractResult:
    ok: bool
    summary: str
    outcome: Any


class RunContract(Protocol):
    def __call__(
        self,
        url: str | None = None,
        *,
        api: str | Sequence[str] = "all",
        max_examples: int = 10,
        seed: int = 0,
        phases: str | Sequence[str] = ...,
        workers: int = 1,
        headers: dict[str, str] | None = None,
        junit_xml: Path | None = None,
        report: Path | None = None,
    ) -> ContractResult: ...


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "servicestub_seed",
        "Seed of the servicestub_server fixture's data (default: servicestub's, 42)",
        default="",
    )
    parser.addini(
        "servicestub_now",
        "Reference time the servicestub_server fixture's data is laid out before: an RFC 3339 "
        "instant or 'now' (default: servicestub's fixed one, 2026-01-15T09:00:00Z)",
        default="",
    )


@pytest.fixture(scope="session")
def servicestub_server(pytestconfig: pytest.Config) -> Iterator[RunningMock]:
    """The mock on a free loopback port for the whole session."""
    with warnings.catch_warnings():
        # connexion's own imports warn about jsonschema APIs; not the user's concern.
        warnings.simplefilter("ignore", DeprecationWarning)
        from servicestub.app import create_app
        from servicestub.core.settings import DEFAULT_SEED, Settings, parse_reference_time
        from servicestub.server import serving

    seed = int(pytestconfig.getini("servicestub_seed") or DEFAULT_SEED)
    settings = Settings(seed=seed)
    now = pytestconfig.getini("servicestub_now")
    if now:
        try:
            settings = dataclasses.replace(settings, reference_time=parse_reference_time(now))
        except ValueError as error:
            raise pytest.UsageError(f"servicestub_now: {error}") from None
    app = create_app(settings)
    with serving(app) as base_url:
        yield RunningMock(base_url=base_url, seed=seed, runtime=app.runtime)


@pytest.fixture
def servicestub_contract(request: pytest.FixtureRequest) -> RunContract:
    """Run the contract suite from a test: ``servicestub_contract(api="orders").ok``."""
    from servicestub.contract.model import PHASES, Options, chosen
    from servicestub.specs import APIS

    def run_contract(
        url: str | None = None,
        *,
        api: str | Sequence[str] = "all",
        max_examples: int = 10,
        seed: int = 0,
        phases: str | Sequence[str] = PHASES,
        workers: int = 1,
        headers: dict[str, str] | None = None,
        junit_xml: Path | None = None,
        report: Path | None = None,
    ) -> ContractResult:
        from servicestub.contract import console, junit, markdown
        from servicestub.contract.runner import run

        # ``api`` and ``phases`` take a name, a comma-separated text or a list alike.
        names = chosen(api, ["all", *(spec.name for spec in APIS)], "api")
        specs = [spec for spec in APIS if "all" in names or spec.name in names]
        origin = url or request.getfixturevalue("servicestub_server").base_url
        options = Options(
            max_examples=max_examples,
            seed=seed,
            phases=chosen(phases, PHASES, "phase"),
            workers=workers,
            headers=dict(headers or {}),
        )
        outcome = run(origin, specs, options)
        if junit_xml is not None:
            junit.write(outcome, junit_xml)
        if report is not None:
            markdown.write(outcome, report)
        return ContractResult(ok=outcome.ok, summary=console.summary(outcome), outcome=outcome)

    return run_contract
