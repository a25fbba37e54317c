"""Errors that the API turns into 422 responses naming the field, the reason and the location."""

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
