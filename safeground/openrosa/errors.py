"""Why an instance is refused, with the HTTP status OpenRosa clients expect for it."""

from __future__ import annotations


class Refused(Exception):
    """An instance that is not received: `status` is the HTTP answer, `field` the question (or part) at fault.

    Raised before anything is written, or inside the one transaction that is then rolled back."""

    def __init__(self, message: str, status: int = 400, field: str = ""):
        super().__init__(message)
        self.status = status
        self.field = field
