"""Template filters of the one formatting layer (core.formats), in the page's language.

Loaded in every template (a builtin, see settings.TEMPLATES): ``{{ value|num }}``,
``{{ value|num:2 }}``, ``{{ share|pct }}``, ``{{ amount|money }}``, ``{{ day|vdate }}``,
``{{ moment|vdatetime }}``, ``{{ "202611"|period }}``, ``{{ value|figure:indicator }}`` and
``{{ flag|yesno_vi }}``. Django's own ``floatformat`` groups nothing ("163877"): pages use these.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from dxgov.core import formats, icons

register = template.Library()


def _lang() -> str:
    return formats.language(get_language())


@register.filter
def num(value: Any, decimals: Any = None) -> str:
    """1.234.567 (``decimals`` places when given, else as many as the value has, at most 2)."""
    if value in (None, ""):
        return formats.DASH
    places = None if decimals in (None, "") else int(decimals)
    return formats.number(_number(value), places, lang=_lang())


@register.filter
def pct(value: Any, decimals: Any = 1) -> str:
    """87,3% (the value is already in percent)."""
    if value in (None, ""):
        return formats.DASH
    places = None if decimals in (None, "") else int(decimals)
    return formats.percent(_number(value), places, lang=_lang())


@register.filter
def money(value: Any) -> str:
    """12,5 tỷ đồng; 350 triệu đồng; 950.000 đồng."""
    if value in (None, ""):
        return formats.DASH
    return formats.money(_number(value), lang=_lang())


@register.filter
def figure(value: Any, indicator: Any) -> str:
    """An indicator's figure: Có / Không, or the number with the indicator's places."""
    if value in (None, ""):
        return formats.DASH
    return formats.figure(
        _number(value),
        str(getattr(indicator, "value_type", "count")),
        int(getattr(indicator, "decimals", 0) or 0),
        int(getattr(indicator, "factor", 1) or 1),
        lang=_lang(),
    )


@register.filter
def yesno_vi(value: Any) -> str:
    """Có / Không (Yes / No on an English page)."""
    return formats.yes_no(value, lang=_lang())


@register.filter
def vdate(value: Any) -> str:
    """dd/mm/yyyy; a moment in the local time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return formats.date_text(value)
    return formats.DASH if value in (None, "") else str(value)


@register.filter
def vdatetime(value: Any) -> str:
    """HH:MM dd/mm/yyyy in the local time zone."""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.datetime_text(local)
    return vdate(value)


@register.filter
def period(value: Any) -> str:
    """ "Tháng 11/2026" for 202611, "Quý III/2026" for 2026Q3 (any period or its code)."""
    code = getattr(value, "code", value)
    if code in (None, ""):
        return formats.DASH
    return formats.period_label(str(code), lang=_lang())


def _number(value: Any) -> Any:
    """A number from a template value (text from a form is read as written: "1234.5")."""
    if isinstance(value, str):
        try:
            return float(value) if "." in value or "e" in value.lower() else int(value)
        except ValueError:
            return value
    return value


@register.simple_tag
def icon(name: str, css: str = "", label: str = "") -> SafeString:
    """``{% icon "paperclip" %}``: one of the platform's icons, inline (core.icons)."""
    return icons.svg(name, css, label)


@register.filter
def breakable(value: Any) -> SafeString:
    """A code that may wrap after its underscores and dots (DVC_HS_<wbr>TIEPNHAN) instead of
    widening its column or breaking mid-word."""
    text = conditional_escape(str(value))
    return mark_safe(re.sub(r"([_.])", r"\1<wbr>", text))  # noqa: S308 (escaped above)
