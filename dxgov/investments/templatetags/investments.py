"""Template filters of the investment forms: a field's findings and what was typed in it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from dxgov.core import formats

register = template.Library()


@register.filter
def of(mapping: Any, name: str) -> Any:
    """`errors|of:"as_of"`: the value under a key (an empty string when absent)."""
    if mapping is None:
        return ""
    getter = getattr(mapping, "get", None)
    if getter is None:
        return ""
    found = getter(name)
    return "" if found is None else found


@register.simple_tag
def field_name(prefix: str, name: object) -> str:
    """`{% field_name "value-" source.code %}`: a field's name built from parts."""
    return f"{prefix}{name}"


@register.filter
def percentage(value: Any) -> str:
    """A share from 0 to 1 as a whole percentage: 0.62 → 62%."""
    if value is None or value == "":
        return formats.DASH
    return formats.percent(float(value) * 100, 0, lang=formats.language(get_language()))
