"""The gc freeze of seeding covers the seeding work only: garbage of before is
collected, not frozen for good, and what is made after is not frozen."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from servicestub.apis.orders.seeding import orders_store
from servicestub.core.settings import Settings
from servicestub.engine.seeding import bulk_allocation


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    yield
    gc.unfreeze()  # what these tests froze goes back to the collector


def _garbage_cycle() -> weakref.ref[Node]:
    node = Node()
    return weakref.ref(node)  # the cycle is unreachable once this returns


def test_a_garbage_cycle_of_before_the_seed_is_not_frozen_with_it():
    dead = _garbage_cycle()
    with bulk_allocation():
        seeded = [{"n": n, "l": [n]} for n in range(1000)]
    gc.collect()
    assert dead() is None
    assert seeded


def test_a_lazy_seed_on_first_use_freezes_no_garbage_of_the_request():
    orders = orders_store(Settings(seed=3, orders_per_store=5), 3)
    dead = _garbage_cycle()  # left by the request before it first used the store
    frozen = gc.get_freeze_count()
    orders.store("lazy", "first-use")  # seeds the store, inside bulk_allocation
    assert gc.get_freeze_count() > frozen  # the seeded orders are frozen
    gc.collect()
    assert dead() is None


def test_objects_made_after_the_seed_are_not_frozen():
    with bulk_allocation():
        _seeded = [{"n": n} for n in range(100)]
    frozen = gc.get_freeze_count()
    after = [{"n": n} for n in range(100)]
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()
    assert any(obj is after for obj in gc.get_objects(generation=0))
