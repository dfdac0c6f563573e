"""Every ASGI middleware of the mock, outermost concerns first."""
