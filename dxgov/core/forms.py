"""Form fields shared by every app's pages.

A date is typed as the reader writes it, ``dd/mm/yyyy``, in a text box that says so, and read
on the server (core.formats.parse_date), as GOV.UK's design system advises: the browser's own
date picker shows ``mm/dd/yyyy`` in an English-language browser and cannot be relied on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from dxgov.core import formats

DATE_PLACEHOLDER = "dd/mm/yyyy"


class DayInput(forms.TextInput):
    """A text box for a day, shown ``dd/mm/yyyy``."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": "10",
            "maxlength": "10",
            "class": "date-input",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date | datetime):
            return formats.date_text(value)
        return super().format_value(value)


class DayField(forms.DateField):
    """A day typed ``dd/mm/yyyy`` (``yyyy-mm-dd`` from links and older forms is read too)."""

    widget = DayInput
    default_error_messages = {
        "invalid": gettext_lazy("Enter the date as dd/mm/yyyy, for example 05/12/2026."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", gettext_lazy("dd/mm/yyyy"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return formats.parse_date(str(value))
        except formats.InvalidDate:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
