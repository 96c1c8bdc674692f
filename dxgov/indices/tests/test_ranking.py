"""Ranks with ties, the two ministry groups, change since the last edition, and the merger's
plain mean (indices/ranking.py, merger.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dxgov.indices import aggregate, editions, merger
from dxgov.indices.ranking import changes, competition_ranks, grouped_ranks


def test_standard_competition_ranking() -> None:
    scores = {
        "a": Decimal("0.7000"),
        "b": Decimal("0.6500"),
        "c": Decimal("0.6500"),
        "d": Decimal("0.6000"),
        "e": None,
    }
    # Two units tied at 2nd are both 2nd; the next is 4th; no score, no rank.
    assert competition_ranks(scores) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_fifteenth_twice_then_seventeenth() -> None:
    scores = {f"u{i:02}": Decimal(100 - i) for i in range(1, 15)}
    scores["tie1"] = scores["tie2"] = Decimal(85)
    scores["next"] = Decimal(84)
    ranks = competition_ranks(scores)
    assert (ranks["tie1"], ranks["tie2"], ranks["next"]) == (15, 15, 17)


def test_ranks_within_groups_and_units_left_unranked() -> None:
    scores = {"BTC": 0.8, "BYT": 0.7, "BCT": 0.7, "VTV": 0.6, "TTXVN": 0.65, "SO-X": 0.99}
    groups = {"BTC": "dvc", "BYT": "dvc", "BCT": "dvc", "VTV": "khong", "TTXVN": "khong"}
    ranks = grouped_ranks(scores, groups, not_ranked=["SO-X"])
    assert ranks == {"BTC": 1, "BYT": 2, "BCT": 2, "TTXVN": 1, "VTV": 2}


def test_the_shipped_ministry_editions_have_two_groups() -> None:
    edition = editions.load("dti-ministry-2024")
    units = editions.units_of(edition)
    groups = {u.code: u.group for u in units}
    assert groups["BTC"] == "co-dvc"
    assert groups["VTV"] == "khong-dvc"
    assert {u.group for u in units} == {"co-dvc", "khong-dvc"}
    assert len([u for u in units if u.group == "co-dvc"]) == 17


def test_change_since_the_last_edition() -> None:
    assert changes({"a": 3, "b": 1, "c": 2}, {"a": 1, "b": 2}) == {"a": -2, "b": 1, "c": None}


def test_merged_province_is_the_plain_mean_of_its_predecessors() -> None:
    values = {
        "PhuTho": {"CS1": 0.9, "CS7": 0.5},
        "VinhPhuc": {"CS1": 0.6, "CS7": 0.8},
        "HoaBinh": {"CS1": 0.3, "CS7": None},
        "DienBien": {"CS1": 0.4, "CS7": 0.4},
    }
    successors = {"PhuTho-new": ["PhuTho", "VinhPhuc", "HoaBinh"], "DienBien-new": ["DienBien"]}
    merged = merger.plain_mean(values, successors, ["CS1", "CS7"])
    assert merged["PhuTho-new"].values["CS1"] == pytest.approx(0.6)  # (0.9 + 0.6 + 0.3) / 3
    # CS7: only two predecessors have it: their mean, marked incomplete.
    assert merged["PhuTho-new"].values["CS7"] == pytest.approx(0.65)
    assert merged["PhuTho-new"].incomplete == ("CS7",)
    assert merged["DienBien-new"].values == {"CS1": 0.4, "CS7": 0.4}


def test_merged_units_from_the_registry_and_their_dti() -> None:
    """2024: 63 former provinces measured, 34 published. Phú Thọ (new) = Phú Thọ, Vĩnh Phúc and
    Hòa Bình (former), as the registry's successions say."""
    edition = editions.load("dti-province-2024")
    as_was = editions.units_of(edition)
    as_is = editions.units_of(edition, as_is=True)
    assert (len(as_was), len(as_is)) == (63, 34)
    successors: dict[str, list[str]] = {}
    for unit in as_was:
        successors.setdefault(unit.successor, []).append(unit.code)
    assert sorted(successors["UBND-T25"]) == ["UBND-T17-CU", "UBND-T25-CU", "UBND-T26-CU"]
    mains = [n.code for n in edition.scored_main_indicators()]
    values = {
        "UBND-T17-CU": dict.fromkeys(mains, 0.3),
        "UBND-T25-CU": dict.fromkeys(mains, 0.6),
        "UBND-T26-CU": dict.fromkeys(mains, 0.9),
    }
    merged = merger.plain_mean(values, {"UBND-T25": successors["UBND-T25"]}, mains)
    result = aggregate.score_from_main_values(edition, {"UBND-T25": merged["UBND-T25"].values})
    assert result["UBND-T25"].published == Decimal("0.6000")
