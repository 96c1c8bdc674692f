"""Unit names and `dxgov index check`: published scores made up by hand from the edition's
weights are reproduced from their main-indicator values (points ÷ 1,000, four decimals), with
no database."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dxgov.indices import check, editions
from dxgov.indices.matching import Candidate, UnitIndex, key

HEADER = "unit_name,CS1,CS2,CS3,CS4,CS5,CS7,CS8,CS9,score,rank\n"
# By hand, with 922's provincial points (100 ×5, 200, 150, 150):
# Phú Thọ: 90 + 80 + 70 + 60 + 50 + 0.65·200 + 0.55·150 + 0.45·150 = 630 → 0.6300
# Điện Biên: 50 + 40 + 30 + 20 + 10 + 0.3·200 + 0.2·150 + 0.1·150 = 255 → 0.2550
# Hà Nội: 0.9999 in every main → 0.9999 × 1,000 = 999.9 → 0.9999
# TP. Hồ Chí Minh: 0.12345 in every main → 123.45 → 0.12345 → 0.1235 (half up)
# Bà Rịa - Vũng Tàu: 0.6300 exactly as Phú Thọ → tied 2nd
ROWS = (
    "Tỉnh Phú Thọ,0.9,0.8,0.7,0.6,0.5,0.65,0.55,0.45,0.6300,2\n"
    "Điện Biên,0.5,0.4,0.3,0.2,0.1,0.3,0.2,0.1,0.2550,4\n"
    "Thành phố Hà Nội,0.9999,0.9999,0.9999,0.9999,0.9999,0.9999,0.9999,0.9999,0.9999,1\n"
    "TP. Hồ Chí Minh,0.12345,0.12345,0.12345,0.12345,0.12345,0.12345,0.12345,0.12345,0.1235,5\n"
    "Bà Rịa-Vũng Tàu,0.9,0.8,0.7,0.6,0.5,0.65,0.55,0.45,0.6300,2\n"
)


def test_names_as_people_spell_them_are_one_key() -> None:
    same = [
        "Bà Rịa - Vũng Tàu",
        "Tỉnh Bà Rịa–Vũng Tàu",
        "bà rịa-vũng tàu",
        unicodedata.normalize("NFD", "Bà Rịa Vũng Tàu"),
        "  Bà  Rịa -  Vũng Tàu ",
    ]
    assert len({key(name) for name in same}) == 1
    assert key("TP. Hồ Chí Minh") == key("Thành phố Hồ Chí Minh") == key("Hồ Chí Minh")
    assert key("TP Hồ Chí Minh") == key("Tp.Hồ Chí Minh".replace(".", ". ")) == "hồ chí minh"
    assert key("Hà Nam") != key("Hà Nội")


def test_unknown_and_ambiguous_names_are_refused_with_the_nearest_suggested() -> None:
    units = UnitIndex(
        [Candidate("1", "Hà Nội"), Candidate("2", "Hà Nam"), Candidate("3", "Nam Định")]
    )
    found = units.match(["Hà Nọi", "Ha Noi", "Hà Nội"])
    assert found.units == {"Hà Nội": "1"}
    assert found.unknown["Hà Nọi"][0] == "Hà Nội"
    assert "Ha Noi" in found.unknown  # accents are not guessed away
    twice = UnitIndex([Candidate("a", "Bình Minh"), Candidate("b", "Bình Minh")]).match(
        ["Bình Minh"]
    )
    assert twice.ambiguous == {"Bình Minh": ["Bình Minh (a)", "Bình Minh (b)"]}
    assert not twice.ok


def test_check_reproduces_scores_made_by_hand() -> None:
    edition = editions.load("dti-province-2023")
    rows = check.check(HEADER + ROWS, edition, editions.unit_index(edition))
    found = {row.unit: row for row in rows}
    assert found["Phú Thọ"].computed_score == Decimal("0.6300")
    assert found["Điện Biên"].computed_score == Decimal("0.2550")
    assert found["Hà Nội"].computed_score == Decimal("0.9999")
    assert found["Hồ Chí Minh"].computed_score == Decimal("0.1235")
    assert [
        found[u].computed_rank
        for u in ("Hà Nội", "Phú Thọ", "Bà Rịa - Vũng Tàu", "Điện Biên", "Hồ Chí Minh")
    ] == [1, 2, 2, 4, 5]
    assert not any(row.flagged for row in rows)


def test_a_difference_above_half_a_thousandth_is_flagged() -> None:
    edition = editions.load("dti-province-2023")
    text = HEADER + "Phú Thọ,0.9,0.8,0.7,0.6,0.5,0.65,0.55,0.45,0.6306,1\n"
    row = check.check(text, edition, editions.unit_index(edition))[0]
    assert row.difference == Decimal("0.0006") and row.flagged
    text = HEADER + "Phú Thọ,0.9,0.8,0.7,0.6,0.5,0.65,0.55,0.45,0.6305,1\n"
    assert not check.check(text, edition, editions.unit_index(edition))[0].flagged


def test_names_that_match_no_unit_of_the_edition_are_refused() -> None:
    edition = editions.load("dti-province-2023")
    text = HEADER + "Phú Thộ,0.9,0.8,0.7,0.6,0.5,0.65,0.55,0.45,0.63,1\n"
    with pytest.raises(check.CheckError) as refused:
        check.check(text, edition, editions.unit_index(edition))
    assert "“Phú Thộ” is no unit of this edition; nearest: Phú Thọ" in refused.value.problems[0]
    # Yên Bái joined Lào Cai in 2025: no unit of an edition measured after the merger.
    after = editions.load("dti-province-2025")
    assert "Yên Bái" in editions.unit_index(after).match(["Yên Bái"]).unknown
    # An edition whose main indicators' points are unpublished cannot reproduce scores.
    with pytest.raises(check.CheckError, match="chưa công bố"):
        check.check("unit_name,CS1\nLào Cai,0.5\n", after, editions.unit_index(after))


def test_thua_thien_hue_as_the_2023_tables_spell_it() -> None:
    edition = editions.load("dti-province-2023")
    text = HEADER + "Thừa Thiên - Huế,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5000,1\n"
    assert check.check(text, edition, editions.unit_index(edition))[0].unit == "Huế"


def test_bad_values_and_duplicates_are_refused_row_by_row() -> None:
    edition = editions.load("dti-province-2023")
    text = (
        HEADER
        + "Phú Thọ,1.2,0.8,0.7,0.6,0.5,0.65,0.55,0.45,0.63,1\n"
        + "Tỉnh Phú Thọ,0.9,x,0.7,0.6,0.5,0.65,0.55,0.45,0.63,1\n"
    )
    with pytest.raises(check.CheckError) as refused:
        check.check(text, edition, editions.unit_index(edition))
    assert refused.value.problems == [
        "Row 2, CS1: a main indicator's value is from 0 to 1, not 1.2.",
        "Row 3: Phú Thọ is already on row 2.",
    ]
    with pytest.raises(check.CheckError, match="columns missing: CS9"):
        check.check(
            "unit_name,CS1,CS2,CS3,CS4,CS5,CS7,CS8\n", edition, editions.unit_index(edition)
        )


def test_the_command_prints_one_json_object_per_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dti-2023.csv"
    path.write_text(HEADER.replace(",", ";") + ROWS.replace(",", ";"), encoding="utf-8")
    call_command("index", "check", str(path), "--edition", "dti-province-2023")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {
        "unit": "Phú Thọ",
        "official_score": 0.63,
        "computed_score": 0.63,
        "official_rank": 2,
        "computed_rank": 2,
    }
    assert len(lines) == 5


def test_the_command_with_the_merged_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dti-2024.csv"
    path.write_text(
        "unit_code,CS1,CS2,CS3,CS4,CS5,CS7,CS8,CS9,score,rank\n"
        "UBND-T25,0.9,0.8,0.7,0.6,0.5,0.65,0.55,0.45,0.6300,1\n",
        encoding="utf-8",
    )
    call_command("index", "check", str(path), "--edition", "dti-province-2024", "--as-is")
    assert json.loads(capsys.readouterr().out)["unit"] == "Phú Thọ"
    with pytest.raises(CommandError, match="no unit of this edition has code UBND-T25"):
        call_command("index", "check", str(path), "--edition", "dti-province-2024")


def test_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("index", "list")
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {
        "code": "dti-province-2024",
        "index": "dti",
        "year": 2024,
        "level": "province",
    } in listed
    assert {e["code"] for e in listed} >= {"dti-province-2025", "dti-ministry-2025"}
    call_command("index", "show", "--edition", "dti-province-2025")
    shown = json.loads(capsys.readouterr().out)
    first = shown["nodes"][0]
    assert (first["code"], first["name"], first["points"], first["points_status"]) == (
        "CS1",
        "Nhận thức số",
        None,
        "unpublished",
    )
    call_command("index", "show", "--edition", "dti-ministry-2024")
    assert [n["points"] for n in json.loads(capsys.readouterr().out)["nodes"]] == [
        100,
        100,
        100,
        100,
        100,
        500,
    ]
    with pytest.raises(CommandError, match="No edition dti-x"):
        call_command("index", "show", "--edition", "dti-x")
