"""Deterministic seed data: the same seed always yields the same records."""
