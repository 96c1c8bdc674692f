"""Deterministic illustrative figures for the demo reports (pure: no ORM).

Every agency draws from its own random.Random(f"{seed}:{code}"), so the same seed gives the
same figures whatever else is generated. The figures are illustrative, anchored where the
sources give a level:

- dossiers: about 3.6 million a month at the 34 provinces in the second half of 2025, 74.7 %
  online in July–August 2025 and 83 % from July to October 2025 (vietnam-rules §8); lower in
  2024, a little higher in 2026, with a Tết dip in February;
- identity accounts activated: 45.4 million at December 2023 (seed 002) rising to about 70
  million; adults with a digital signature: 13.5 % in July 2024 (seed 002), rising;
- the rest (online processing, digitised results, people using online services, spending,
  DTI, the digital economy's share of GRDP) are plausible trajectories, nothing more.

A province's size is its number of communes in the unit registry (about 30,000 people each;
the centrally-run cities weigh more). A ratio is a (numerator, denominator) pair of whole
numbers, so the national figure is Σ numerators ÷ Σ denominators. Running totals never go
down. Commune figures split their province's: a commune's people add up exactly to the
province's; commune-level dossiers are about 72 % of the province's (vietnam-rules §8).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from dxgov.reporting.periods import Frequency, Period

SEED = 2026
FIRST_MONTH = Period(Frequency.MONTH, 2024, 1)
PEOPLE_PER_COMMUNE = 30_000
CITY_WEIGHT = {"UBND-T01": 2.6, "UBND-T79": 2.8, "UBND-T31": 1.4, "UBND-T48": 1.4}
# DTI 2024 (published 21 Oct 2025): Hà Nội, Huế, Hải Phòng, Hồ Chí Minh City lead, in order.
DTI_2024_LEADERS = ("UBND-T01", "UBND-T46", "UBND-T31", "UBND-T79")
# Seed 002 reports Điện Biên's trouble syncing dossiers with ministries' systems (July 2024).
SYNC_PROBLEMS = {("UBND-T11", "202406"), ("UBND-T11", "202407")}
COMMUNE_SHARE_OF_DOSSIERS = 0.72

Value = Decimal | tuple[Decimal, Decimal]
Figures = dict[str, Value]


@dataclass(frozen=True)
class Place:
    """A reporting agency and its number of communes (its size)."""

    code: str
    communes: int


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _curve(t: float, points: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear through (t, level) points, flat beyond the ends."""
    if t <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in pairwise(points):
        if t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return points[-1][1]


def month_index(period: Period) -> int:
    """Months since January 2024 (0 for January 2024)."""
    return (period.year - FIRST_MONTH.year) * 12 + period.index - 1


def population(place: Place) -> int:
    return round(place.communes * PEOPLE_PER_COMMUNE * CITY_WEIGHT.get(place.code, 1.0))


def _ratio(numerator: float, denominator: float) -> tuple[Decimal, Decimal]:
    den = max(1, round(denominator))
    num = min(den, max(0, round(numerator)))
    return Decimal(num), Decimal(den)


# Trajectories (t = months since January 2024).
ONLINE_SHARE = ((0, 0.40), (12, 0.62), (19, 0.80), (34, 0.88))
PROCESSED_ONLINE = ((0, 0.25), (18, 0.45), (34, 0.62))
PEOPLE_USING = ((0, 0.32), (18, 0.50), (34, 0.66))
DIGITISED = ((0, 0.55), (18, 0.80), (34, 0.92))
ACCOUNTS = ((-1, 45.4e6 / 100.3e6), (12, 0.60), (34, 0.70))
SIGNATURES = ((0, 0.11), (6, 0.135), (34, 0.30))
DOSSIERS_PER_PERSON = ((0, 0.030), (18, 0.036), (34, 0.038))  # a month


def province_month(seed: int, place: Place, period: Period) -> Figures:
    """The ten figures of the monthly report of one province for one month."""
    base = _rng(seed, place.code)  # the province's lasting traits
    lead = base.gauss(0, 0.06)
    size = base.uniform(0.85, 1.2)
    spend = base.uniform(1.2, 3.5)
    rng = _rng(seed, place.code, period.code)
    t = month_index(period)
    people = population(place) * (1 + 0.0007 * t)
    over15, adults = people * 0.77, people * 0.72
    season = 0.78 if period.index == 2 else 1.08 if period.index in (1, 12) else 1.0

    def share(points: Sequence[tuple[float, float]], spread: float = 1.0) -> float:
        level = _curve(t, points) + lead * spread + rng.gauss(0, 0.012)
        return min(0.97, max(0.03, level))

    received = round(
        people * _curve(t, DOSSIERS_PER_PERSON) * size * season * rng.uniform(0.95, 1.05)
    )
    online = min(received, round(received * share(ONLINE_SHARE)))
    resolved = received * rng.uniform(0.9, 1.02)
    figures: Figures = {
        "DVC_HS_TIEPNHAN": Decimal(received),
        "DVC_HS_TRUCTUYEN": Decimal(online),
        "DVC_TL_HS_XLTT": _ratio(resolved * share(PROCESSED_ONLINE), resolved),
        "DVC_TL_ND_SUDUNG": _ratio(over15 * share(PEOPLE_USING, 0.8), over15),
        "DVC_TL_SOHOA": _ratio(resolved * share(DIGITISED, 0.5), resolved),
        "CD_TK_DINHDANH": Decimal(round(people * min(0.9, _curve(t, ACCOUNTS) + lead / 3))),
        "XHS_NGUOI_TT": Decimal(round(adults)),
        "XHS_CKS": Decimal(round(adults * max(0.05, _curve(t, SIGNATURES) + lead / 2))),
        "KTS_KINHPHI": Decimal(
            round(people / 1e6 * spend * (2.5 if period.index == 12 else 1) * 1e9, -6)
        ),
        "DVC_KETNOI_DVCQG": Decimal(
            0 if (place.code, period.code) in SYNC_PROBLEMS or rng.random() < 0.02 else 1
        ),
    }
    return figures


def province_months(seed: int, place: Place, months: Sequence[Period]) -> dict[str, Figures]:
    """Monthly figures for a run of months, running totals made non-decreasing."""
    out: dict[str, Figures] = {}
    highest: dict[str, Decimal] = {}
    for period in months:
        figures = province_month(seed, place, period)
        for code in ("CD_TK_DINHDANH", "XHS_CKS"):
            value = figures[code]
            assert isinstance(value, Decimal)
            highest[code] = max(highest.get(code, value), value)
            figures[code] = highest[code]
        out[period.code] = figures
    return out


def province_quarter(seed: int, place: Place, period: Period) -> Figures:
    base = _rng(seed, place.code, "quarter")
    pace = base.uniform(0.8, 1.1)
    rng = _rng(seed, place.code, period.code)
    t = month_index(period.months()[-1])
    services = min(982, round(_curve(t, ((0, 560), (24, 860), (34, 960))) * pace))
    groups = min(82, round(_curve(t, ((0, 18), (24, 60), (34, 78))) * pace))
    ratings = population(place) * 0.01 * rng.uniform(0.8, 1.2)
    satisfied = min(0.99, _curve(t, ((0, 0.84), (34, 0.94))) + rng.gauss(0, 0.015))
    return {
        "DVC_SO_DVCTT": Decimal(services),
        "DVC_TL_HAILONG": _ratio(ratings * satisfied, ratings),
        "DVC_NHOM_TTHC_06": Decimal(groups),
        "DVC_THIETYEU_25": Decimal(25 if rng.random() < 0.85 else rng.randint(22, 24)),
    }


def province_year(seed: int, place: Place, year: int, rank_2024: int | None) -> Figures:
    base = _rng(seed, place.code, "year")
    score_2024 = (
        Decimal(800 - 25 * rank_2024)
        if rank_2024 is not None
        else Decimal(round(base.uniform(420, 690), 2)).quantize(Decimal("0.01"))
    )
    score = score_2024 + (
        Decimal(round(base.uniform(20, 60), 2)).quantize(Decimal("0.01")) if year > 2024 else 0
    )
    grdp = population(place) * 0.1 * (1.07 if year > 2024 else 1.0)  # tỷ đồng
    share = base.uniform(0.08, 0.2) + (0.012 if year > 2024 else 0)
    return {
        "DTI_TINH": (min(score, Decimal(1000)), Decimal(1000)),
        "KTS_TYTRONG_GRDP": (
            Decimal(round(grdp * share, 1)).quantize(Decimal("0.1")),
            Decimal(round(grdp, 1)).quantize(Decimal("0.1")),
        ),
        "KTS_VON_DTC": Decimal(
            round(base.uniform(50, 800) * (1.2 if year > 2024 else 1) * 1e9, -6)
        ),
    }


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Whole parts of `total` in proportion to `weights`, adding up exactly (largest remainder)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


COMMUNE_CODES = ("DVC_HS_TIEPNHAN", "DVC_HS_TRUCTUYEN", "DVC_TL_ND_SUDUNG", "DVC_TL_SOHOA")


def commune_month(
    seed: int, province: Figures, communes: Sequence[str], period: Period
) -> dict[str, Figures]:
    """The communes' figures for one month, split from their province's."""
    sizes = [_rng(seed, code).uniform(0.5, 1.6) for code in communes]
    rng = _rng(seed, "communes", period.code)
    received_total = province["DVC_HS_TIEPNHAN"]
    online_total = province["DVC_HS_TRUCTUYEN"]
    people = province["DVC_TL_ND_SUDUNG"]
    assert isinstance(received_total, Decimal) and isinstance(online_total, Decimal)
    assert isinstance(people, tuple)
    received = _split(
        round(int(received_total) * COMMUNE_SHARE_OF_DOSSIERS),
        [s * rng.uniform(0.9, 1.1) for s in sizes],
    )
    online_share = float(online_total / received_total) if received_total else 0.0
    over15 = _split(int(people[1]), sizes)
    users = _split(int(people[0]), [d * rng.uniform(0.85, 1.15) for d in over15])
    out: dict[str, Figures] = {}
    for i, code in enumerate(communes):
        online = min(
            received[i], round(received[i] * min(0.98, online_share * rng.uniform(0.85, 1.1)))
        )
        resolved = max(1, round(received[i] * rng.uniform(0.9, 1.02)))
        out[code] = {
            "DVC_HS_TIEPNHAN": Decimal(received[i]),
            "DVC_HS_TRUCTUYEN": Decimal(online),
            "DVC_TL_ND_SUDUNG": (Decimal(min(users[i], over15[i])), Decimal(over15[i])),
            "DVC_TL_SOHOA": _ratio(resolved * min(0.98, rng.uniform(0.75, 0.95)), resolved),
        }
    return out


@dataclass(frozen=True)
class Timing:
    submitted_at: datetime | None
    approved_at: datetime | None


def timing(
    seed: int,
    code: str,
    period: Period,
    due: date,
    now: datetime,
    *,
    late: bool,
    approve: bool = True,
) -> Timing:
    """When a report was sent and approved: on or before `due`, or 1–9 days after when late.

    Naive local times; never after `now` (a late report in the latest period is sent today at
    the latest), approval 2–30 hours after sending (none when `approve` is false).
    """
    rng = _rng(seed, "timing", code, period.code)
    if late:
        day = due + timedelta(days=rng.randint(1, 9))
    else:
        day = max(period.cutoff_end, due - timedelta(days=rng.randint(0, 3)))
    sent = datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)))
    sent = min(sent, now - timedelta(hours=3))
    if not approve:
        return Timing(sent, None)
    approved = min(sent + timedelta(hours=rng.randint(2, 30)), now - timedelta(hours=1))
    return Timing(sent, max(approved, sent))
