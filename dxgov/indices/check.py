"""Published results checked against the edition's weights (pure): `dxgov index check`.

A table of published results (CSV: `unit_name` as officially spelled for the edition's units,
or `unit_code`; one column per main indicator, named by its code, holding its value from 0 to
1; `score`; `rank`) is read, each unit's score recomputed from its main-indicator values with
the edition's points — Σ value × points ÷ 1,000, four decimals, half up, in exact decimal
arithmetic — and ranked among the units of the file (standard competition ranking). A
difference above `TOLERANCE` is flagged.

Refused, nothing computed: a unit name that matches no unit of the edition or more than one
(the nearest names suggested), a unit twice, a main-indicator column missing, a value that is
not a number from 0 to 1, an edition whose main indicators' points are unpublished.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from django.utils.translation import gettext as _

from dxgov.indices.definition import Edition
from dxgov.indices.matching import UnitIndex
from dxgov.indices.ranking import competition_ranks

T = TypeVar("T")
TOLERANCE = Decimal("0.0005")
MAX_ROWS = 5_000


class CheckError(ValueError):
    """The table cannot be checked; `problems` says every reason, row by row."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class CheckRow:
    unit: str  # the edition's spelling
    code: str
    official_score: Decimal | None
    computed_score: Decimal
    official_rank: int | None
    computed_rank: int
    values: dict[str, Decimal]

    @property
    def difference(self) -> Decimal | None:
        if self.official_score is None:
            return None
        return abs(self.computed_score - self.official_score)

    @property
    def flagged(self) -> bool:
        difference = self.difference
        return difference is not None and difference > TOLERANCE

    def as_json(self) -> dict[str, object]:
        """The shape `dxgov index check` prints, one object per unit."""
        return {
            "unit": self.unit,
            "official_score": None if self.official_score is None else float(self.official_score),
            "computed_score": float(self.computed_score),
            "official_rank": self.official_rank,
            "computed_rank": self.computed_rank,
        }


def decimal_of(text: str) -> Decimal:
    """A value as published: 0.4567 or 0,4567 (the Vietnamese decimal comma)."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def read_table(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV (comma, semicolon or tab), BOM tolerated."""
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in reader.fieldnames or []]
    rows = []
    for i, row in enumerate(reader):
        if i >= MAX_ROWS:
            raise CheckError([_("The table has more than %(n)s rows.") % {"n": MAX_ROWS}])
        rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None})
    return header, rows


def main_points(edition: Edition) -> dict[str, Decimal]:
    """The scored main indicators' published points; CheckError when any is unpublished."""
    points = {}
    unpublished = []
    for node in edition.scored_main_indicators():
        if node.points is None:
            unpublished.append(node.code)
        else:
            points[node.code] = Decimal(repr(node.points))
    if unpublished:
        raise CheckError(
            [
                _(
                    "The points of main indicators %(codes)s of %(edition)s are not published "
                    "(chưa công bố): published scores cannot be reproduced from them."
                )
                % {"codes": ", ".join(unpublished), "edition": edition.code}
            ]
        )
    return points


def computed(
    values: Mapping[str, Decimal], points: Mapping[str, Decimal], edition: Edition
) -> Decimal:
    total = sum((values[code] * weight for code, weight in points.items()), Decimal(0))
    quantum = Decimal(1).scaleb(-edition.decimals)
    return (total / Decimal(repr(edition.divisor))).quantize(quantum, rounding=ROUND_HALF_UP)


def check(text: str, edition: Edition, units: UnitIndex) -> list[CheckRow]:
    """Every unit's official and recomputed score and rank; CheckError lists what is wrong."""
    points = main_points(edition)
    header, rows = read_table(text)
    problems: list[str] = []
    if "unit_name" not in header and "unit_code" not in header:
        problems.append(_("The table needs a unit_name or a unit_code column."))
    missing = [code for code in points if code not in header]
    if missing:
        problems.append(
            _("Main-indicator columns missing: %(codes)s (name each column by its code).")
            % {"codes": ", ".join(missing)}
        )
    if problems:
        raise CheckError(problems)
    codes = _unit_codes(rows, units, problems)
    parsed: list[tuple[str, dict[str, Decimal], Decimal | None, int | None]] = []
    seen: dict[str, int] = {}
    for line, (row, code) in enumerate(zip(rows, codes, strict=True), start=2):
        if code is None:
            continue
        if code in seen:
            problems.append(
                _("Row %(row)s: %(unit)s is already on row %(first)s.")
                % {"row": line, "unit": units.by_code[code].name, "first": seen[code]}
            )
            continue
        seen[code] = line
        values = {}
        for column in points:
            try:
                value = decimal_of(row.get(column, ""))
            except ValueError:
                problems.append(
                    _("Row %(row)s, %(column)s: “%(text)s” is not a number.")
                    % {"row": line, "column": column, "text": row.get(column, "")}
                )
                continue
            if not Decimal(0) <= value <= Decimal(1):
                problems.append(
                    _(
                        "Row %(row)s, %(column)s: a main indicator's value is from 0 to 1, "
                        "not %(value)s."
                    )
                    % {"row": line, "column": column, "value": value}
                )
                continue
            values[column] = value
        official = _optional(row.get("score", ""), line, "score", problems, decimal_of)
        rank = _optional(row.get("rank", ""), line, "rank", problems, _whole)
        parsed.append((code, values, official, rank))
    if problems:
        raise CheckError(problems)
    scores = {code: computed(values, points, edition) for code, values, _o, _r in parsed}
    ranks = competition_ranks(scores)
    return [
        CheckRow(
            unit=units.by_code[code].name,
            code=code,
            official_score=official,
            computed_score=scores[code],
            official_rank=rank,
            computed_rank=ranks[code],
            values=values,
        )
        for code, values, official, rank in parsed
    ]


def _whole(text: str) -> int:
    value = int(text.strip())
    if value < 1:
        raise ValueError(text)
    return value


def _optional(
    text: str, line: int, column: str, problems: list[str], read: Callable[[str], T]
) -> T | None:
    if not text.strip():
        return None
    try:
        return read(text)
    except ValueError:
        problems.append(
            _("Row %(row)s, %(column)s: “%(text)s” cannot be read.")
            % {"row": line, "column": column, "text": text}
        )
        return None


def _unit_codes(
    rows: list[dict[str, str]], units: UnitIndex, problems: list[str]
) -> list[str | None]:
    codes: list[str | None] = []
    names = [row.get("unit_name", "") for row in rows if not row.get("unit_code")]
    matched = units.match(name for name in dict.fromkeys(names) if name)
    problems.extend(matched.problems())
    for line, row in enumerate(rows, start=2):
        code = row.get("unit_code", "").strip()
        if code:
            if code not in units.by_code:
                problems.append(
                    _("Row %(row)s: no unit of this edition has code %(code)s.")
                    % {"row": line, "code": code}
                )
                codes.append(None)
            else:
                codes.append(code)
            continue
        name = row.get("unit_name", "")
        if not name:
            problems.append(_("Row %(row)s: no unit name or code.") % {"row": line})
            codes.append(None)
            continue
        codes.append(matched.units.get(name))
    return codes
