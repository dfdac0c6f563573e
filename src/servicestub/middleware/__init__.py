"""Every ASGI middleware of the mock, outermost concerns first.

A middleware with nothing to do for a request (most of them, for most requests) hands
it on as the next layer's awaitable, from a plain ``__call__``, rather than awaiting it
in a coroutine of its own: one frame fewer per layer on every request. What it does
do (a refusal, a delay, a wrapped ``send``) runs as before; an error it raises is
raised where the caller awaits it, as from a coroutine."""
