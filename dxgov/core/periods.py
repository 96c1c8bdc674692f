"""Period codes: the one spelling of a period in URLs, API answers, exports and file names.

Pure. Codes follow DHIS2's period identifiers where DHIS2 has one, for reports and Decision
766 scores alike:

=============  ========
month          ``202603``
quarter        ``2026Q1``
half-year      ``2026S1``, ``2026S2``
nine months    ``2026N9`` (DHIS2 has none)
year           ``2026``
=============  ========

What a period *covers* is the caller's: a report's month is a data cut-off window
(reporting.periods), a score's month the calendar month (scoring.periods); both are named here.
Scores were once written ``2026-03`` and ``2026-Q1``: that spelling is still read where a score
period is parsed (``dashed=True``), never written.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Frequency(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    NINE_MONTHS = "nine_months"
    YEAR = "year"


def period_code(frequency: Frequency, year: int, index: int = 1) -> str:
    """The code of a period: ``index`` is the month, quarter or half (1 otherwise)."""
    if frequency == Frequency.MONTH:
        return f"{year:04d}{index:02d}"
    if frequency == Frequency.QUARTER:
        return f"{year:04d}Q{index}"
    if frequency == Frequency.HALF_YEAR:
        return f"{year:04d}S{index}"
    if frequency == Frequency.NINE_MONTHS:
        return f"{year:04d}N9"
    return f"{year:04d}"


def _patterns(dash: str) -> list[tuple[re.Pattern[str], Frequency]]:
    return [
        (re.compile(rf"(\d{{4}}){dash}(\d{{2}})", re.ASCII), Frequency.MONTH),
        (re.compile(rf"(\d{{4}}){dash}Q(\d)", re.ASCII), Frequency.QUARTER),
        (re.compile(rf"(\d{{4}}){dash}S(\d)", re.ASCII), Frequency.HALF_YEAR),
        (re.compile(rf"(\d{{4}}){dash}N(9)", re.ASCII), Frequency.NINE_MONTHS),
        (re.compile(r"(\d{4})()", re.ASCII), Frequency.YEAR),
    ]


_CODES = _patterns("")
_CODES_OR_DASHED = _patterns("-?")


def split_code(text: str, *, dashed: bool = False) -> tuple[Frequency, int, int] | None:
    """(frequency, year, index) of the period a code names, None when it names none.

    Surrounding spaces and lower-case letters are accepted. With ``dashed``, also the old
    spelling of score periods (``2026-03``, ``2026-Q1``). The index is not checked against
    the frequency (``202613`` gives month 13): the caller's period type says why it is wrong.
    """
    if not isinstance(text, str):
        return None
    upper = text.strip().upper()
    for pattern, frequency in _CODES_OR_DASHED if dashed else _CODES:
        match = pattern.fullmatch(upper)
        if match is not None:
            year = int(match.group(1))
            one = frequency in (Frequency.NINE_MONTHS, Frequency.YEAR)
            return frequency, year, 1 if one else int(match.group(2))
    return None
