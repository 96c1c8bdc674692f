"""Refusals shared by every app, each with one HTTP answer (dxgov/api.py maps them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class BadRequest(Exception):
    """Input that parses but cannot be served (a date out of range, say): the API answers 400."""


class TransitionNotAllowed(ValueError):
    """A step the object's current status does not allow (a task marked done twice, a report
    approved before it was submitted). The message says why, in words a user can act on;
    the API answers 409 with `{"message", "current", "action"}` and pages show the message."""

    def __init__(self, message: str, *, current: str, action: str) -> None:
        super().__init__(message)
        self.message = message
        self.current = current
        self.action = action


def refusal_text(exc: ValidationError | TransitionNotAllowed) -> str:
    """What a page shows for a refused action: the messages of bad input, or why the status
    does not allow the step."""
    if isinstance(exc, TransitionNotAllowed):
        return exc.message
    return " ".join(exc.messages)
