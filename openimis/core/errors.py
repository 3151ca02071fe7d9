"""Typed errors raised by services; the GraphQL layer turns them into the openIMIS error shape."""

from __future__ import annotations


class ServiceError(Exception):
    """A business rule refused the operation. `message` is shown to the user; `detail` explains."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def as_dicts(self) -> list[dict]:
        return [{"message": self.message, "detail": self.detail or ""}]


class ValidationFailed(ServiceError):
    """Bad input: a missing mandatory field, a malformed value, a duplicate code."""


class NotFound(ServiceError):
    """The object named by the input does not exist (or is not current)."""


class PermissionDenied(ServiceError):
    """The caller lacks the right for this operation."""

    def __init__(self, message: str = "unauthorized", detail: str | None = None):
        super().__init__(message, detail)
