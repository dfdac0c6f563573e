"""``servicestub contract``: schemathesis, driven through its Python engine,
plus the checks these specs promise, against any running implementation."""

#: schemathesis's phases, in the order they run (defined here, light to import).
PHASES = ("examples", "coverage", "fuzzing", "stateful")
