"""Domain errors: a stable machine code, an HTTP status and a Chinese message.

Services raise them; `zwfw.core.api.install_error_handlers` renders every one as
4xx ``{"code": ..., "message": ..., "details": ...}``. Nothing a user sends may produce a 500.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no. ``code`` is stable for machines, ``message`` is for people (Chinese)."""

    status: int = 400

    def __init__(self, code: str, message: str, *, details: Any = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class ValidationFailed(DomainError):
    """Input broke a rule; ``details`` lists the fields and reasons."""

    status = 400


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    """The request is valid but clashes with the current state (a second decision, a stale version)."""

    status = 409
