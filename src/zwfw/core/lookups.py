"""Values a user sends that are looked up in the database (an identifier, a code in a URL)."""

from __future__ import annotations


def lookup_key(value: object, *, max_length: int) -> str:
    """``value`` stripped and cut to ``max_length``, or ``""`` (which names nothing) when it cannot
    name a row: not text, or holding a NUL, which PostgreSQL text columns refuse with an error (a 500)
    instead of simply not matching."""
    if not isinstance(value, str) or "\x00" in value:
        return ""
    return value.strip()[:max_length]
