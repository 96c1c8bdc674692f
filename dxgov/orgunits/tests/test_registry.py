"""The pure transformation of the package data into units, links and agencies."""

from __future__ import annotations

from collections import Counter

import pytest

from dxgov.orgunits import agencies, registry, source


@pytest.fixture(scope="module")
def data() -> dict[str, object]:
    current, legacy = source.current_rows(), source.legacy_rows()
    units = registry.current_units(current) + registry.legacy_units(legacy)
    links = registry.successions(current, legacy, source.conversion_table())
    return {"units": units, "links": links}


def test_counts_match_the_official_structures(data: dict) -> None:
    current = Counter(u.level for u in data["units"] if u.valid_to is None)
    legacy = Counter(u.level for u in data["units"] if u.valid_to is not None)
    assert current == {"province": 34, "commune": 3321}
    assert legacy == {"province": 63, "district": 696, "commune": 10035}


def test_every_legacy_province_has_exactly_one_whole_successor(data: dict) -> None:
    links = [link for link in data["links"] if link.predecessor[0] == "province"]
    assert len(links) == 63
    assert len({link.predecessor for link in links}) == 63
    assert not any(link.is_partial for link in links)
    assert len({link.successor for link in links}) == 34


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("15", "15"),
        ("10", "15"),
        ("02", "08"),
        ("27", "24"),
        ("24", "24"),
        ("17", "25"),
        ("74", "79"),
        ("77", "79"),
        ("89", "91"),
        ("11", "11"),
    ],
)
def test_province_merger_table(data: dict, old: str, new: str) -> None:
    successors = {
        link.successor[1]
        for link in data["links"]
        if link.predecessor == ("province", old, registry.LEGACY_VALID_FROM)
    }
    assert successors == {new}


def test_split_communes_are_flagged_partial_with_one_default(data: dict) -> None:
    by_old: dict[object, list] = {}
    for link in data["links"]:
        if link.predecessor[0] != "province":
            by_old.setdefault(link.predecessor, []).append(link)
    split = {old: ls for old, ls in by_old.items() if len(ls) > 1}
    assert len(split) > 400  # 437 in the official conversion table
    for ls in split.values():
        assert all(link.is_partial for link in ls)
        assert sum(link.is_default for link in ls) == 1
    # Every legacy commune (and island district) has a successor.
    assert len(by_old) == 10035 + 5


def test_special_zones_of_the_archipelagos_exist(data: dict) -> None:
    names = {u.name for u in data["units"] if u.valid_to is None and u.unit_type == "Đặc khu"}
    assert {"Đặc khu Hoàng Sa", "Đặc khu Trường Sa"} <= names
    assert len(names) == 13


def test_agency_paths_follow_the_hierarchy(data: dict) -> None:
    records = agencies.central_agencies() + agencies.territorial_agencies(
        data["units"], data["links"]
    )
    paths = agencies.with_paths(records)
    assert paths["CP"] == "/CP/"
    assert paths["SO-25-KHCN"] == "/CP/UBND-T25/SO-25-KHCN/"
    commune = next(r for r in records if r.code.startswith("UBND-X") and r.parent == "UBND-T11")
    assert paths[commune.code].startswith("/CP/UBND-T11/")
    ministries = [r for r in records if r.kind == "ministry" and r.valid_to is None]
    assert len(ministries) == 17
    former = {r.code: r.successor for r in records if r.kind == "ministry" and r.valid_to}
    assert former["BTTTT"] == "BKHCN" and former["BKHDT"] == "BTC"
