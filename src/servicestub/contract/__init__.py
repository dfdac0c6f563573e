"""``servicestub contract``: schemathesis, driven through its Python engine,
plus the checks these specs promise, against any running implementation."""
