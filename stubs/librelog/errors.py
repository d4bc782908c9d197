"""LibreLog's error table: typed exceptions → ``{"error", "message", "details"}``."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "details": self.details}


class FieldErrors:
    """Collects every bad or missing field, so a 400 reports them all at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def has(self, field: str) -> bool:
        return any(item["field"] == field for item in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, message: str = "The request is invalid.") -> None:
        if self.items:
            raise ValidationFailed(message, self)


class ValidationFailed(ApiError):
    status = 400
    code = "validation_failed"

    def __init__(self, message: str, errors: FieldErrors) -> None:
        fields = list(dict.fromkeys(item["field"] for item in errors.items))
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors.items[:3])
        more = f" (and {len(errors.items) - 3} more)" if len(errors.items) > 3 else ""
        super().__init__(f"{message} {summary}{more}", {"fields": fields, "errors": errors.items})


def invalid(field: str, message: str) -> ValidationFailed:
    errors = FieldErrors()
    errors.add(field, message)
    return ValidationFailed("The request is invalid.", errors)


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class LogLocked(Conflict):
    code = "log_locked"


class AlreadyUploaded(Conflict):
    code = "already_uploaded"


class FileTooLarge(ApiError):
    status = 413
    code = "file_too_large"
