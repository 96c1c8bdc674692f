"""Numbers, money, dates and periods as the page's reader writes them: the one formatting layer.

Pure. Vietnamese by default (``vi``): ``1.234.567,8``, ``87,3%``, ``12,5 tỷ đồng``,
``05/12/2026``, "Tháng 11/2026", "Quý III/2026". English pages (``en``) get ``1,234,567.8``
and "November 2026"; dates are ``dd/mm/yyyy`` in both, as Vietnamese documents write them.

Everything that shows a figure goes through here: template filters (``core/templatetags/
formats.py``), the dashboard's tables, the report form and its checks (``indicators.
validation.format_number`` keeps every place a person typed), the Decree 30 document, Excel
cells (``xlsx_format``: real numbers with a display format), and, on the browser side,
``static/dxgov/format.js`` (ECharts axes, tooltips and legends), which follows the same rules.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dxgov.core.periods import Frequency, split_code

DASH = "—"
"""What a missing figure shows."""

Number = Decimal | int | float

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_EN = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def language(code: str | None) -> str:
    """``vi`` or ``en`` for a language code (``vi``, ``en-us``, None → ``vi``)."""
    return "en" if (code or "").lower().startswith("en") else "vi"


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def places_of(value: Number) -> int:
    """The decimal places a value carries (``1.50`` → 2, ``12`` → 0, ``1E+3`` → 0)."""
    exponent = _decimal(value).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def number(
    value: Number | None,
    decimals: int | None = None,
    *,
    lang: str = "vi",
    keep: bool = False,
    empty: str = DASH,
) -> str:
    """``value`` grouped by thousands, with ``decimals`` places (rounded half up).

    ``decimals`` None: whole numbers as they are, others to at most two places, trailing zeros
    dropped (``1,78``; ``2``). ``keep``: never round a significant place away (the form shows
    back exactly what was typed: ``1,234`` stays ``1,234`` with ``decimals=0``).
    """
    if value is None or isinstance(value, bool):
        return empty
    try:
        figure = _decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not figure.is_finite():
        return str(figure)
    if decimals is None:
        places = min(places_of(figure.normalize()), 2)
        figure = figure.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP).normalize()
        places = places_of(figure)
    elif keep:
        places = max(decimals, places_of(figure.normalize()), 0)
    else:
        places = max(decimals, 0)
        figure = figure.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    group, point = _SEPARATORS[language(lang)]
    text = f"{abs(figure):,.{places}f}"
    whole, _dot, fraction = text.partition(".")
    result = whole.replace(",", group) + (point + fraction if fraction else "")
    return ("-" if figure < 0 and figure != 0 else "") + result


def percent(
    value: Number | None, decimals: int | None = 1, *, lang: str = "vi", empty: str = DASH
) -> str:
    """A percentage: ``87,3%`` (the value is already in percent)."""
    text = number(value, decimals, lang=lang, empty=empty)
    return text if value is None or isinstance(value, bool) else f"{text}%"


_MONEY_STEPS = (
    (Decimal(1_000_000_000), {"vi": "tỷ đồng", "en": "billion dong"}),
    (Decimal(1_000_000), {"vi": "triệu đồng", "en": "million dong"}),
)


def money(value: Number | None, *, lang: str = "vi", short: bool = True, empty: str = DASH) -> str:
    """An amount in đồng: ``12,5 tỷ đồng``, ``350 triệu đồng``, ``950.000 đồng``.

    ``short`` False: every đồng written out (``12.500.000.000 đồng``), as a form shows it.
    """
    if value is None or isinstance(value, bool):
        return empty
    lang = language(lang)
    amount = _decimal(value)
    if short:
        for step, unit in _MONEY_STEPS:
            if abs(amount) >= step:
                scaled = amount / step
                text = number(scaled, 1 if abs(scaled) < 100 else 0, lang=lang)
                # "12,0 tỷ đồng" reads "12 tỷ đồng".
                return f"{text.removesuffix(_SEPARATORS[lang][1] + '0')} {unit[lang]}"
    return f"{number(amount, 0, lang=lang)} {'đồng' if lang == 'vi' else 'dong'}"


def date_text(day: date | datetime | None, *, empty: str = DASH) -> str:
    """``05/12/2026`` (dd/mm/yyyy in either language)."""
    if day is None:
        return empty
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def datetime_text(moment: datetime | None, *, empty: str = DASH) -> str:
    """``14:05 05/12/2026`` (the caller gives the local time)."""
    if moment is None:
        return empty
    return f"{moment.hour:02d}:{moment.minute:02d} {date_text(moment)}"


_DAY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", re.ASCII)


class InvalidDate(ValueError):
    """Text that is not a date written dd/mm/yyyy."""


def parse_date(text: str) -> date:
    """A day typed ``dd/mm/yyyy`` (``5/12/2026``, ``05.12.2026`` and ``05-12-2026`` too), or
    ``yyyy-mm-dd`` as browsers, links and the API send it. Raises InvalidDate."""
    clean = (text or "").strip()
    match = _DAY.fullmatch(clean)
    try:
        if len(clean) == 10 and clean[4] == "-" and clean[7] == "-":
            return date.fromisoformat(clean)
        if match is not None:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError as error:
        raise InvalidDate(clean) from error
    raise InvalidDate(clean)


def period_label(code: str, *, lang: str = "vi") -> str:
    """The name of a period from its code: ``202611`` → "Tháng 11/2026", ``2026Q3`` →
    "Quý III/2026", ``2026S1`` → "6 tháng đầu năm 2026", ``2026`` → "Năm 2026" (English:
    "November 2026", "Q3 2026", …). The old score spelling (``2026-11``) is read too; text
    that names no period is returned as it is."""
    parts = split_code(code, dashed=True) if isinstance(code, str) else None
    if parts is None:
        return str(code)
    frequency, year, index = parts
    return period_name(frequency, year, index, lang=lang)


def period_name(frequency: Frequency | str, year: int, index: int = 1, *, lang: str = "vi") -> str:
    frequency = Frequency(frequency)
    if language(lang) == "en":
        return _period_name_en(frequency, year, index)
    if frequency == Frequency.MONTH:
        return f"Tháng {index}/{year}"
    if frequency == Frequency.QUARTER:
        return f"Quý {_ROMAN.get(index, index)}/{year}"
    if frequency == Frequency.HALF_YEAR:
        return f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
    if frequency == Frequency.NINE_MONTHS:
        return f"9 tháng năm {year}"
    return f"Năm {year}"


def _period_name_en(frequency: Frequency, year: int, index: int) -> str:
    if frequency == Frequency.MONTH:
        return f"{_MONTHS_EN[index] if 1 <= index <= 12 else index} {year}"
    if frequency == Frequency.QUARTER:
        return f"Q{index} {year}"
    if frequency == Frequency.HALF_YEAR:
        return f"{'First' if index == 1 else 'Second'} half of {year}"
    if frequency == Frequency.NINE_MONTHS:
        return f"Nine months of {year}"
    return f"Year {year}"


def decimals_for(value_type: str, decimals: int, factor: int = 1) -> int:
    """The places an indicator's figures are shown with: its own setting, at least one for a
    percentage (a share of 87,25% reads 87,3%), none for money in đồng or a count."""
    if value_type == "ratio" and factor == 100:
        return max(decimals, 1)
    if value_type == "boolean":
        return 1
    return decimals


_YES_NO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}


def yes_no(value: object, *, lang: str = "vi", empty: str = DASH) -> str:
    """ "Có" / "Không" for a yes-or-no figure (1 / 0, True / False)."""
    if value is None:
        return empty
    yes, no = _YES_NO[language(lang)]
    return yes if value else no


def figure(
    value: Number | None,
    value_type: str,
    decimals: int = 0,
    factor: int = 1,
    *,
    lang: str = "vi",
    empty: str = DASH,
) -> str:
    """An indicator's figure as a form or a report shows it: yes or no for a yes-or-no
    indicator, every đồng of an amount, a count or a ratio with the indicator's places."""
    if value is None:
        return empty
    if value_type == "boolean":
        return yes_no(value, lang=lang)
    return number(value, decimals_for(value_type, decimals, factor), lang=lang)


def shortened(text: str, limit: int = 40) -> str:
    """Text cut at a word to at most `limit` characters, with "…" when cut (a chart's label)."""
    clean = " ".join(str(text).split())
    if len(clean) <= limit:
        return clean
    cut = clean[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–")
    return f"{cut}…"


# --- Excel ------------------------------------------------------------------------------------

XLSX_DATE = "dd/mm/yyyy"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"
# [$-42A]: the Vietnamese locale (LCID 0x042A); the reader's spreadsheet program shows the
# groups and the decimal mark of that locale: 1.234.567,5.
_XLSX_LOCALE = "[$-42A]"


def xlsx_format(value: object) -> str | None:
    """The display format of an Excel cell holding `value`, None for text and booleans.

    Numbers stay numbers (the sheet can add them up): whole numbers grouped by thousands, a
    decimal with the places it carries (at most four), dates dd/mm/yyyy.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, datetime):
        return XLSX_DATETIME
    if isinstance(value, date):
        return XLSX_DATE
    if isinstance(value, int):
        return f"{_XLSX_LOCALE}#,##0"
    if isinstance(value, Decimal | float):
        if not math.isfinite(value):
            return None
        places = min(places_of(value if isinstance(value, Decimal) else round(value, 4)), 4)
        return f"{_XLSX_LOCALE}#,##0" + ("." + "0" * places if places else "")
    return None
