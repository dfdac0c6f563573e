"""The mock's control plane: request journal, fault rules, ``Prefer`` handling,
state snapshots and scenarios."""
