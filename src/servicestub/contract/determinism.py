"""Keep generated requests a function of the spec, the seed and the server's answers.

Hypothesis mixes into its draws string and number literals it scrapes from the
"local" Python modules loaded at that moment (servicestub's own source, a
user's test modules). Which modules are loaded differs between runs in one
process, so the same seed would send different requests. For the length of a
run the scraped pool is pinned empty. Likewise schemathesis tags each request
with a random case id (``X-Schemathesis-TestCaseId``); its generator is seeded
from the run's seed. Both reach into private modules; if they change shape,
nothing is pinned and runs stay correct, only less repeatable.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()


def _seed_case_ids(seed: int) -> None:
    try:
        from schemathesis.generation import RANDOM
    except ImportError:
        return
    RANDOM.seed(seed)


@contextlib.contextmanager
def pinned_generation(seed: int) -> Iterator[None]:
    """Within the block, Hypothesis draws no constants from local source code and
    case ids follow ``seed``."""
    _seed_case_ids(seed)
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        original: Any = providers._get_local_constants
        cache: Any = providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError):
        yield
        return
    empty = Constants()
    with _lock:
        providers._get_local_constants = lambda: empty
        cache.clear()
    try:
        yield
    finally:
        with _lock:
            providers._get_local_constants = original
            cache.clear()
