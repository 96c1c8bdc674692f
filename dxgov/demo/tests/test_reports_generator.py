"""The demo figures (pure): deterministic, running totals never fall, communes add up."""

from __future__ import annotations

from decimal import Decimal

from dxgov.demo import reports as generate
from dxgov.reporting.periods import Frequency, Period

PLACE = generate.Place("UBND-T25", 148)
MONTHS = [Period(Frequency.MONTH, 2024, 1)]
while len(MONTHS) < 35:
    MONTHS.append(MONTHS[-1].next())


def test_same_seed_same_figures_other_seed_other_figures() -> None:
    one = generate.province_months(2026, PLACE, MONTHS)
    assert one == generate.province_months(2026, PLACE, MONTHS)
    assert one != generate.province_months(7, PLACE, MONTHS)


def test_running_totals_never_fall_and_parts_fit_their_wholes() -> None:
    series = generate.province_months(2026, PLACE, MONTHS)
    for code in ("CD_TK_DINHDANH", "XHS_CKS"):
        values = [series[m.code][code] for m in MONTHS]
        assert values == sorted(values)  # type: ignore[type-var]
    for figures in series.values():
        assert figures["DVC_HS_TRUCTUYEN"] <= figures["DVC_HS_TIEPNHAN"]  # type: ignore[operator]
        assert figures["XHS_CKS"] <= figures["XHS_NGUOI_TT"]  # type: ignore[operator]
        for code in ("DVC_TL_HS_XLTT", "DVC_TL_ND_SUDUNG", "DVC_TL_SOHOA"):
            numerator, denominator = figures[code]  # type: ignore[misc]
            assert 0 <= numerator <= denominator and denominator > 0


def test_online_share_rises_over_the_years() -> None:
    series = generate.province_months(2026, PLACE, MONTHS)

    def share(code: str) -> Decimal:
        f = series[code]
        return f["DVC_HS_TRUCTUYEN"] / f["DVC_HS_TIEPNHAN"]  # type: ignore[operator,no-any-return]

    assert share("202401") < share("202506") < share("202611")


def test_communes_split_their_province_exactly() -> None:
    period = Period(Frequency.MONTH, 2026, 10)
    province = generate.province_month(2026, PLACE, period)
    communes = [f"UBND-X{i:05d}" for i in range(148)]
    split = generate.commune_month(2026, province, communes, period)
    people = province["DVC_TL_ND_SUDUNG"]
    assert isinstance(people, tuple)
    assert sum(f["DVC_TL_ND_SUDUNG"][1] for f in split.values()) == people[1]  # type: ignore[index]
    assert sum(f["DVC_TL_ND_SUDUNG"][0] for f in split.values()) == people[0]  # type: ignore[index]
    received = sum(f["DVC_HS_TIEPNHAN"] for f in split.values())  # type: ignore[misc]
    assert received == round(int(province["DVC_HS_TIEPNHAN"]) * generate.COMMUNE_SHARE_OF_DOSSIERS)  # type: ignore[arg-type]
