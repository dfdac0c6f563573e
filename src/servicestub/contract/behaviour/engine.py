"""The engine: rule families as hypothesis state machines whose rules call the
target over HTTP, whose oracle (``model``) predicts the answers, and whose
checks compare. A broken rule raises :class:`RuleBroken` carrying the requests
of that sequence; hypothesis shrinks it to the shortest one, whose requests
become the failure's curl lines."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import httpx
from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as seeded
from hypothesis.reporting import with_reporter
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test

from servicestub.contract.created import CreatedLog
from servicestub.contract.lifecycle import curl
from servicestub.contract.model import Failure, Outcome


class RuleBroken(AssertionError):
    """A contract rule the target broke, in the contract's words."""

    def __init__(self, rule: str, message: str, calls: tuple[str, ...]) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule, self.message, self.calls = rule, message, calls


@dataclasses.dataclass
class Context:
    """What every machine of a run shares: the target, the scope and what was discovered."""

    origin: str
    headers: dict[str, str]
    timeout: float
    outcome: Outcome
    #: The run's ledger of created records (shared with the schema phases).
    created: CreatedLog
    run_id: str
    tenant: str
    store: str
    #: A tenant of the run's own that isolation checks read (see ``RunScope``).
    other_tenant: str
    #: Reference data discovered from the target, per family's needs.
    found: dict[str, Any] = dataclasses.field(default_factory=dict)
    client: httpx.Client = dataclasses.field(init=False)
    counter: int = 0

    def __post_init__(self) -> None:
        self.client = httpx.Client(headers=self.headers, timeout=self.timeout)

    def next_number(self) -> int:
        self.counter += 1
        return self.counter


class Session:
    """Requests of one sequence, each also kept as a curl line for the report."""

    def __init__(self, context: Context, api: str) -> None:
        self.context, self.api = context, api
        self.calls: list[str] = []

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        context = self.context
        url = path if path.startswith("http") else context.origin + path
        request = context.client.build_request(
            method, url, params=params, json=json, headers=headers
        )
        sent = {**context.headers, **(headers or {})}
        self.calls.append(curl(method, str(request.url), sent, json))
        requests = context.outcome.requests
        requests[self.api] = requests.get(self.api, 0) + 1
        return context.client.send(request)

    def created(self, url: str, method: str = "DELETE") -> None:
        """List a record the run created, and how to remove it, in the run's ledger
        (removed at the end of the run, with the schema phases' creates)."""
        self.context.created.add(self.api, method, self._full(url))

    def removed(self, url: str, method: str = "DELETE") -> None:
        """The sequence removed a record it created: the end of the run need not."""
        self.context.created.done(method, self._full(url))

    def _full(self, url: str) -> str:
        return url if url.startswith("http") else self.context.origin + url


class BehaviourMachine(RuleBasedStateMachine):
    """A rule family's machine. Subclasses name the family, its API and its rules
    (rule id -> the rule in the contract's words)."""

    family: ClassVar[str] = ""
    api: ClassVar[str] = "orders"
    rules_checked: ClassVar[dict[str, str]] = {}
    context: ClassVar[Context]

    def __init__(self) -> None:
        super().__init__()
        self.session = Session(self.context, self.api)

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.session.request(method, path, **kwargs)

    def expect(self, condition: bool, rule: str, message: str | Callable[[], str]) -> None:
        """Fail ``rule`` (an id of :attr:`rules_checked`) unless ``condition``."""
        if not condition:
            text = message() if callable(message) else message
            raise RuleBroken(rule, text, tuple(self.session.calls))

    def status(self, response: httpx.Response, wanted: int, rule: str, what: str) -> Any:
        """The JSON body of ``response``, failing ``rule`` unless it answered ``wanted``."""
        self.expect(
            response.status_code == wanted,
            rule,
            lambda: (
                f"{what} answered {response.status_code}, expected {wanted}" + _detail(response)
            ),
        )
        if wanted == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None


#: Shrinking replays sequences over HTTP: bound it (attempts and seconds) per family.
SHRINK_ATTEMPTS = 150
SHRINK_SECONDS = 20


@contextlib.contextmanager
def bounded_shrinking(
    attempts: int = SHRINK_ATTEMPTS, seconds: int = SHRINK_SECONDS
) -> Iterator[None]:
    """Within the block hypothesis stops shrinking after ``attempts`` or ``seconds``
    (its private engine limits; if they move, shrinking is just unbounded again)."""
    try:
        from hypothesis.internal.conjecture import engine
    except ImportError:
        yield
        return
    saved = engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS
    engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS = attempts, seconds
    try:
        yield
    finally:
        engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS = saved


def _detail(response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:160]
    return f" ({text})" if text else ""


def _broken_in(error: BaseException) -> RuleBroken | None:
    """The RuleBroken inside whatever hypothesis raised (itself, a group, a cause)."""
    if isinstance(error, RuleBroken):
        return error
    for inner in [*getattr(error, "exceptions", ()), error.__cause__, error.__context__]:
        if inner is not None and inner is not error:
            found = _broken_in(inner)
            if found:
                return found
    return None


def run_family(
    machine: type[BehaviourMachine],
    context: Context,
    *,
    seed: int,
    examples: int,
    steps: int,
    waivers: dict[str, str],
    on_progress: Callable[[str], None],
    shrink_seconds: int = SHRINK_SECONDS,
) -> None:
    """Run one rule family: ``examples`` sequences of up to ``steps`` calls, seeded;
    its rules are recorded as run and its shortest failure (if any) as a Failure."""
    bound = type(machine.__name__, (machine,), {"context": context})
    chosen = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        print_blob=False,
    )
    test = seeded(seed)(get_state_machine_test(bound, settings=chosen))
    operation = f"behaviour {machine.family}"
    outcome = context.outcome
    for rule in machine.rules_checked:
        outcome.mark_ran(machine.api, operation, rule)
    before = outcome.requests.get(machine.api, 0)
    started = time.monotonic()
    mark = " ok "
    try:
        with with_reporter(lambda _text: None), bounded_shrinking(seconds=shrink_seconds):
            test()
    except Exception as error:
        broken = _broken_in(error)
        if broken is None:
            problem = f"behaviour {machine.family}: {type(error).__name__}: {error}"
            outcome.errors.append(f"{machine.api} {' '.join(problem.split())[:400]}")
            mark = "ERR "
        else:
            mark = "FAIL"
            outcome.failures.append(
                Failure(
                    machine.api,
                    operation,
                    broken.rule,
                    machine.rules_checked.get(broken.rule, broken.rule),
                    f"{broken.message} (seed {seed})",
                    broken.calls,
                    waivers.get(broken.rule, ""),
                )
            )
            if broken.rule in waivers:
                mark = "WAIV"
    sent = outcome.requests.get(machine.api, 0) - before
    on_progress(
        f"  [{mark}] behaviour {machine.family:<9} {examples} sequences, {sent} requests, "
        f"{time.monotonic() - started:.1f}s"
    )
