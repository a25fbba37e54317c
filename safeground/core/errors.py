"""Errors that the API turns into 422 responses naming the field, the reason and the location."""

from dataclasses import dataclass

from safeground.core.geometry import GeometryError


class ValidationFailed(ValueError):
    """Bad input for a write: `field` names the offending field; nothing has been written."""

    def __init__(self, message: str, field: str | None = None, reason: str = "", location=None):
        super().__init__(message)
        self.field = field
        self.reason = reason
        self.location = location

    @classmethod
    def from_geometry(cls, exc: GeometryError, field: str) -> "ValidationFailed":
        return cls(str(exc), field=field, reason=exc.reason, location=exc.location)

    def as_dict(self) -> dict:
        body = {"detail": str(self), "field": self.field, "reason": self.reason}
        if self.location:
            body["location"] = {"lon": self.location[0], "lat": self.location[1]}
        return body


@dataclass(frozen=True)
class BulkError:
    """Why one row of a bulk write is refused: its number in the input (from 1), the field, the value, why."""

    row: int
    field: str
    value: str
    reason: str
    kind: str = ""  # a short machine-readable reason ("wrong country"), as ValidationFailed.reason
    location: tuple[float, float] | None = None

    def as_error(self) -> ValidationFailed:
        """The refusal a single write of this row raises."""
        return ValidationFailed(self.reason, field=self.field, reason=self.kind, location=self.location)


class BulkValidationFailed(ValidationFailed):
    """One or more rows of a bulk write broke a rule; `errors` names every one. Nothing was written."""

    def __init__(self, errors: list[BulkError]):
        first = errors[0]
        super().__init__(
            f"{len(errors)} error(s) in {len({e.row for e in errors})} row(s); "
            f"row {first.row}, {first.field} {first.value!r}: {first.reason}",
            field=first.field,
            reason=first.reason,
            location=first.location,
        )
        self.errors = errors


class StaleVersion(ValueError):
    """A change made to an older version of a record than the stored one (optimistic locking).

    The API answers 412 Precondition Failed; nothing has been written. The caller reloads the record
    and applies its change again, so no one's edit is lost silently.
    """

    def __init__(self, what: str, expected: int, current: int):
        super().__init__(
            f"{what} has changed since version {expected} (it is now at version {current}): "
            "reload it and apply your change again"
        )
        self.expected, self.current = expected, current

    def as_dict(self) -> dict:
        return {"detail": str(self), "field": "If-Match", "reason": "stale", "current_version": self.current}


class PreconditionRequired(ValueError):
    """A change sent without `If-Match` to an API that needs it (HTTP 428): the client must say which
    version it changed, so that a change to an older one cannot overwrite someone else's silently."""

    def __init__(self, what: str, current: int):
        super().__init__(
            f'changing {what} needs If-Match: "<version>", the version you read (it is now at version {current})'
        )
        self.current = current

    def as_dict(self) -> dict:
        return {"detail": str(self), "field": "If-Match", "reason": "required", "current_version": self.current}
