"""Keep generated requests a function of the spec, the seed and the server's answers.

Hypothesis mixes into its draws string and number literals it scrapes from the
"local" Python modules loaded at that moment (servicestub's own source, a
user's test modules). Which modules are loaded differs between runs in one
process, so the same seed would send different requests. For the length of a
run the scraped pool is pinned empty. This reaches into a private Hypothesis
module; if that module changes shape, nothing is pinned and runs stay correct,
only less repeatable.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()


@contextlib.contextmanager
def pinned_generation() -> Iterator[None]:
    """Within the block, Hypothesis draws no constants from local source code."""
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
