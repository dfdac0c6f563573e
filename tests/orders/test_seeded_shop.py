"""Every seeded store looks like a live repair shop at its reference time, and the
reference time (``--now``) lays the data out without losing determinism."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.apis.orders import repair_shop as shop
from servicestub.apis.orders.seeding import STATE_MIX, apportion, orders_store
from servicestub.core.settings import (
    DEFAULT_REFERENCE_TIME,
    Settings,
    format_reference_time,
    parse_reference_time,
)
from servicestub.runtime import Runtime

ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
moments = st.datetimes(
    min_value=datetime(1975, 1, 1), max_value=datetime(9990, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))


def _board(tenant_id: str, store_id: str, reference: datetime, count: int = 50):
    orders = orders_store(Settings(orders_per_store=count), 42, reference)
    return orders.store(tenant_id, store_id)


@settings(max_examples=25, derandomize=True, deadline=None)
@given(tenant_id=ids, store_id=ids, reference=moments)
def test_every_store_shows_the_mix_of_a_live_shop(tenant_id, store_id, reference):
    tenant, store = _board(tenant_id, store_id, reference)
    now, today = format_reference_time(reference), reference.date()
    orders = [bundle.order for bundle in store.orders.values()]
    assert Counter(o["state"] for o in orders) == Counter(apportion(len(orders)))
    statuses = tenant.statuses
    due_in: list[int] = []
    for bundle in store.orders.values():
        order = bundle.order
        status = statuses[order["statusUid"]]
        assert order["state"] in shop.STATUS_STATES[status["name"]], (order["state"], status)
        assert status["isFinal"] == (not STATE_MIX[order["state"]].open)
        assert order["createdAt"] <= order["updatedAt"] <= now
        due = date.fromisoformat(order["dueDate"])
        assert (
            due > date.fromisoformat(order["createdAt"][:10]) or not STATE_MIX[order["state"]].open
        )
        if STATE_MIX[order["state"]].open:
            due_in.append((due - today).days)
        else:
            assert due < today, order
        for record in [*bundle.events.values(), *bundle.notifications.values()]:
            assert order["createdAt"] <= record["createdAt"] <= now
        for record in [*bundle.hours.values(), *bundle.sales_orders.values()]:
            assert order["createdAt"] <= record["createdAt"] <= now
    assert any(days < 0 for days in due_in), "some open orders are overdue"
    assert any(0 <= days <= 3 for days in due_in), "some are due within days"
    assert any(days > 3 for days in due_in), "some are due later"
    assigned = [o["assignedUserId"] for o in orders]
    assert len(set(assigned) - {None}) >= 3 and None in assigned
    priorities = Counter(o["priority"] for o in orders)
    assert priorities.most_common(1)[0][0] == "NORMAL"


def test_apportion_gives_the_table_shares_exactly():
    for count in range(200):
        states = apportion(count)
        assert len(states) == count
        for state, mix in STATE_MIX.items():
            assert abs(states.count(state) - count * mix.share / 100) < 1
    assert sum(mix.share for mix in STATE_MIX.values()) == 100


def test_the_readme_first_example_answers_open_urgent_orders(client):
    """The README's first curl, on the default seed."""
    url = (
        "/v1/tenants/demo/stores/main/service-orders?sort=createdAt&order=DESC"
        "&states=NEW&states=IN_PROGRESS&priorities=HIGH&priorities=URGENT"
    )
    page = client.get(url).json()
    assert page["data"], "the default shop's first screen is empty"
    stamps = [o["createdAt"] for o in page["data"]]
    assert stamps == sorted(stamps, reverse=True)
    assert {o["state"] for o in page["data"]} <= {"NEW", "IN_PROGRESS"}


def test_data_is_laid_out_relative_to_the_reference_time():
    reference = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    runtime = Runtime(Settings(reference_time=reference))
    _tenant, store = runtime.orders.store("demo", "main")
    newest = max(bundle.order["createdAt"] for bundle in store.orders.values())
    assert format_reference_time(reference - timedelta(days=3)) <= newest
    assert newest <= format_reference_time(reference)
    created = [service["created"] for service in runtime.catalogue.services.values()]
    assert max(created) <= format_reference_time(reference)
    assert min(created) >= format_reference_time(reference - timedelta(days=721))
    types = runtime.orders.tenant("demo").service_types.values()
    assert all(t["createdAt"] < format_reference_time(reference) for t in types)


def _export(settings: Settings) -> bytes:
    from servicestub.engine.snapshot import dumps

    runtime = Runtime(settings)
    for tenant_id, store_id in (("demo", "main"), ("other", "side")):
        tenant, _store = runtime.orders.store(tenant_id, store_id)
        with runtime.orders.writing(tenant):  # written: in the export
            pass
    return dumps(runtime.export_state())


def test_same_seed_and_reference_time_give_byte_identical_exports():
    at = Settings(seed=7, reference_time=datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC))
    assert _export(at) == _export(at)
    assert _export(at) != _export(dataclasses.replace(at, reference_time=DEFAULT_REFERENCE_TIME))


def test_a_snapshot_carries_its_reference_time_to_lazily_seeded_tenants():
    """A tenant left out of a snapshot is seeded again after the import: from the
    snapshot's reference time, not the importing server's."""
    reference = datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)
    source = Runtime(Settings(reference_time=reference))
    snapshot = source.export_state()
    assert snapshot["referenceTime"] == "2027-03-04T05:06:07Z"
    target = Runtime(Settings())
    target.import_state(snapshot)
    assert target.health()["referenceTime"] == "2027-03-04T05:06:07Z"
    fresh = [b.order for b in target.orders.store("later", "main")[1].orders.values()]
    expected = [b.order for b in source.orders.store("later", "main")[1].orders.values()]
    assert fresh == expected
    assert target.catalogue.to_snapshot() == source.catalogue.to_snapshot()
    target.reset(target.settings.seed)  # reset: back to the server's own reference time
    assert target.health()["referenceTime"] == format_reference_time(DEFAULT_REFERENCE_TIME)


def test_a_snapshot_with_a_bad_reference_time_is_refused_and_changes_nothing():
    from servicestub.core.errors import BadRequest

    runtime = Runtime(Settings())
    before = runtime.export_state()
    for bad in ("2026-13-01T00:00:00Z", "now", "1900-01-01T00:00:00Z", "yesterday"):
        with pytest.raises(BadRequest, match="referenceTime"):
            runtime.import_state({**before, "referenceTime": bad})
    assert runtime.export_state() == before


def test_a_scenario_is_laid_out_before_the_reference_time():
    reference = datetime(2031, 1, 1, tzinfo=UTC)
    runtime = Runtime(Settings(reference_time=reference, scenario="busy-store"))
    now = format_reference_time(reference)
    for tenant in runtime.orders.tenants():
        for store in tenant.stores.values():
            for bundle in store.orders.values():
                assert bundle.order["createdAt"] <= now
        assert all(t["createdAt"] < now for t in tenant.service_types.values())
    assert max(s["created"] for s in runtime.catalogue.services.values()) <= now


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01T09:00:00Z", datetime(2026, 12, 1, 9, tzinfo=UTC)),
        ("2026-12-01t10:00:00.75+01:00", datetime(2026, 12, 1, 9, tzinfo=UTC)),
        ("2026-12-01 09:00:00z", datetime(2026, 12, 1, 9, tzinfo=UTC)),
    ],
)
def test_reference_times_are_rfc3339_instants_to_the_second(text, expected):
    assert parse_reference_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01",
        "2026-12-01T09:00:00",
        "2026-12-31T23:59:60Z",
        "2026-02-30T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "1971-12-31T23:59:59Z",
        "9998-01-01T00:00:00Z",
        "tomorrow",
    ],
)
def test_other_reference_times_are_refused_saying_what_is_accepted(text):
    with pytest.raises(ValueError, match=r"RFC 3339|between"):
        parse_reference_time(text)


def test_now_is_the_wall_clock_truncated_to_the_minute():
    clock = lambda: datetime(2026, 12, 1, 10, 17, 42, 123, tzinfo=UTC)  # noqa: E731
    assert parse_reference_time("now", clock=clock) == datetime(2026, 12, 1, 10, 17, tzinfo=UTC)
    assert parse_reference_time(" NOW ", clock=clock).second == 0
    with pytest.raises(ValueError):
        parse_reference_time("now", allow_now=False)


def test_cli_snapshot_and_serve_take_now(tmp_path):
    import orjson
    from click.testing import CliRunner

    from servicestub.cli import main

    out = tmp_path / "state.json"
    result = CliRunner().invoke(
        main, ["snapshot", "--now", "2026-12-01T09:00:00Z", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert orjson.loads(out.read_bytes())["referenceTime"] == "2026-12-01T09:00:00Z"
    refused = CliRunner().invoke(main, ["serve", "--now", "2026-12-01"])
    assert refused.exit_code == 2
    assert "RFC 3339" in refused.output and "--now" in refused.output
    assert "--now" in CliRunner().invoke(main, ["serve", "--help"]).output
