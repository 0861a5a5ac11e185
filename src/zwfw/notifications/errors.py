from __future__ import annotations

from zwfw.core.errors import DomainError


class Throttled(DomainError):
    """Too many messages to one recipient; try again after ``details['retry_after_seconds']``."""

    status = 429

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(
            "MESSAGE_RATE_LIMITED", message, details={"retry_after_seconds": retry_after_seconds}, status=429
        )
