"""Domain exceptions. Services raise these; web/app.py maps them to HTTP statuses in one place."""

from __future__ import annotations


class PlatewardError(Exception):
    """Base of every error a user may see. ``detail`` is safe to show: it never holds data."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotAuthenticated(PlatewardError):
    pass


class PermissionDenied(PlatewardError):
    pass


class NotFound(PlatewardError):
    pass


class InvalidInput(PlatewardError):
    pass


class PayloadTooLarge(PlatewardError):
    pass


class Conflict(PlatewardError):
    pass


class UnsupportedMediaType(InvalidInput):
    """The body is not in a media type the endpoint accepts (answered 415)."""


class PurposeRefused(PermissionDenied):
    """The prohibited-use guard refused the stated purpose (DUP §2, update 2026): answered 403
    with the guard's message, the same whether or not any data exists."""


class AcknowledgmentRequired(PermissionDenied):
    """The person has not accepted the current restriction statement in this session."""


class TrainingRequired(PermissionDenied):
    """The person's Department-approved ALPR training is missing or expired."""


class EnrolmentRequired(NotAuthenticated):
    """The password was right but the authenticator is not enrolled yet."""


# Oversight and transparency (issue 18)
class TooManyRequests(PlatewardError):
    """A public page or form asked too often from one address (the portal's rate limit)."""


# Scale-out (issue 21)
class ServiceUnavailable(PlatewardError):
    """A service Plateward depends on (the broker) cannot take the work now; try again later."""
