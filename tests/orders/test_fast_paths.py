"""The hand-written fast paths of seeding and money give exactly what the
straightforward library calls they replace give."""

import random
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from servicestub.apis.orders import money
from servicestub.apis.orders.seeding import _uid
from servicestub.engine.seeding import iso, iso_at

# 1970 .. 2200, every second
seconds = st.integers(min_value=0, max_value=7_258_118_400)


@given(seconds)
def test_iso_at_formats_like_strftime(epoch):
    assert iso_at(epoch) == iso(datetime.fromtimestamp(epoch, UTC))


@given(st.integers(min_value=0, max_value=2**64))
def test_seed_uids_are_the_uuid4_of_the_same_random_bits(seed):
    one, two = random.Random(seed), random.Random(seed)
    assert _uid(one) == str(uuid.UUID(int=two.getrandbits(128), version=4))


cents = st.integers(min_value=-(10**11), max_value=10**11).map(lambda c: float(Decimal(c) / 100))


@given(st.lists(cents, max_size=50))
def test_total_of_cent_amounts_equals_the_decimal_sum(amounts):
    exact = float(sum((Decimal(str(a)) for a in amounts), Decimal("0")))
    assert money.total(amounts) == exact
