"""Template filters of the programme pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or "" (a missing error or typed value)."""
    if not hasattr(mapping, "get"):
        return ""
    return mapping.get(key, "") or mapping.get(str(key), "")


@register.filter
def percent100(value: float | None) -> int:
    """A score from 0 to 1 as a whole percentage (for a bar's width class)."""
    return round((value or 0) * 100)


SIGNALS = {
    "category": _("same category of a system built once"),
    "de06": _("same Đề án 06 utility"),
    "indicator": _("same target indicator"),
    "roles": _("one builds, the other connects"),
    "parallel": _("both connect: each its own part"),
    "local": _("each agency's own duty"),
}


@register.filter
def signals(codes: list[str]) -> str:
    """The structural signals of a pair, as people read them."""
    return "; ".join(str(SIGNALS.get(code, code)) for code in codes or [])
