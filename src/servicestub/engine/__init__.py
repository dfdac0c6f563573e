"""The generic engine: ids, indexes, paging and deterministic seeding, for any API."""
