"""``Accept`` header negotiation (RFC 9110, section 12.5.1)."""

from __future__ import annotations

from collections.abc import Sequence


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _specificity(media_range: str, offer: str) -> int | None:
    if media_range == offer:
        return 2
    kind, _, sub = media_range.partition("/")
    if sub == "*" and (kind == "*" or offer.startswith(kind + "/")):
        return 0 if kind == "*" else 1
    return None


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most; the first offer when it sends no
    ``Accept``; ``None`` when it accepts none of them (406)."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, offer in enumerate(offers):
        matches = [
            (spec, quality)
            for media, quality in ranges
            if (spec := _specificity(media, offer)) is not None
        ]
        if not matches:
            continue
        quality = max(matches)[1]  # the most specific range decides
        if quality <= 0:
            continue
        score = (quality, max(matches)[0], -position)
        if best is None or score > best:
            best, chosen = score, offer
    return chosen
