"""The map's shapes: the committed data files (34 provinces, 3,321 communes, the archipelagos),
their SVG (a path per province, a link per province the user may open, the legend in
Vietnamese notation), a province's commune map, and the build that makes the files."""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.dashboard import mapsvg
from dxgov.dashboard.geometry import shapes
from dxgov.orgunits import source

SVG = "{http://www.w3.org/2000/svg}"
ZONES = {"Đặc khu Hoàng Sa": "48", "Đặc khu Trường Sa": "56"}  # special zone → its province


def _registry() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(province code → name, province code → {commune code → name}) from the unit registry."""
    provinces: dict[str, str] = {}
    communes: dict[str, dict[str, str]] = defaultdict(dict)
    for row in source.current_rows():
        provinces[row["provinceCode"]] = row["province"]
        communes[row["provinceCode"]][row["wardCode"]] = row["ward"]
    return provinces, communes


def _tree(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 (our own output)


# --- the data files -------------------------------------------------------------------------


def test_the_34_provinces_have_their_registry_codes_and_shapes() -> None:
    provinces, _communes = _registry()
    found = shapes.provinces()
    assert len(provinces) == 34
    assert {s.code: s.name for s in found} == provinces
    for shape in found:
        assert shape.polygons, shape.name
        for polygon in shape.polygons:
            assert all(len(ring) >= 3 for ring in polygon)
        lon_min, lat_min, lon_max, lat_max = shapes.bounds((shape,))
        assert 102 <= lon_min < lon_max <= 110 and 8.3 <= lat_min < lat_max <= 23.5


def test_every_commune_has_a_cell_and_the_two_archipelagos_are_special_zones() -> None:
    _provinces, registry = _registry()
    total = 0
    for province, communes in registry.items():
        cells = {s.code: s.name for s in shapes.communes(province)}
        zones = {a.code: a.name for a in shapes.archipelagos() if a.province == province}
        assert cells | zones == communes
        assert not set(cells) & set(zones)
        assert all(s.polygons for s in shapes.communes(province))
        total += len(cells) + len(zones)
    assert total == 3321
    assert {a.name: a.province for a in shapes.archipelagos()} == ZONES
    assert shapes.communes("99") == ()


def test_the_data_files_are_small() -> None:
    data = Path(shapes.__file__).parent.parent / "data"
    assert (data / shapes.PROVINCES_FILE).stat().st_size < 100_000
    assert (data / shapes.COMMUNES_FILE).stat().st_size < 1_000_000


def test_rings_decode_from_deltas() -> None:
    assert shapes.decode_ring([105000, 21000, 10, 0, 0, 10]) == (
        (105.0, 21.0),
        (105.01, 21.0),
        (105.01, 21.01),
    )


@pytest.mark.skipif(
    importlib.util.find_spec("shapely") is None, reason="shapely (the dev extra) builds the map"
)
def test_the_committed_files_are_what_the_build_makes() -> None:
    from dxgov.dashboard.geometry import build

    if not build.WORLD_ATLAS.is_file():
        pytest.skip("npm install (world-atlas) has not been run")
    data = Path(shapes.__file__).parent.parent / "data"
    for name, text in build.build_files().items():
        assert (data / name).read_text(encoding="utf-8") == text, f"run `dxgov map build` ({name})"


@pytest.mark.skipif(
    importlib.util.find_spec("shapely") is None, reason="shapely (the dev extra) checks areas"
)
def test_provinces_tile_the_country_without_overlaps() -> None:
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    def geometry(shape: shapes.Shape) -> MultiPolygon:
        return MultiPolygon([Polygon(p[0], p[1:]) for p in shape.polygons])

    provinces = [shapely.make_valid(geometry(s)) for s in shapes.provinces()]
    union = shapely.union_all(provinces)
    total = sum(p.area for p in provinces)
    assert union.area == pytest.approx(total, rel=0.002)  # shared borders, no overlaps
    assert 27 < union.area < 29.5  # square degrees: Viet Nam's land is about 28.0 on this grid
    # Each inland commune's cell holds its own centroid.
    for row in source.current_rows()[::37]:
        cells = {s.code: s for s in shapes.communes(row["provinceCode"])}
        cell = cells.get(row["wardCode"])
        if cell is not None and row["wardAreaKm2"] and row["wardAreaKm2"] > 20:
            point = shapely.Point(row["wardLon"], row["wardLat"])
            assert geometry(cell).buffer(0.01).contains(point), row["ward"]


# --- numbers ----------------------------------------------------------------------------------


def test_numbers_in_vietnamese_notation() -> None:
    assert mapsvg.vn_number(806742) == "806.742"
    assert mapsvg.vn_number(1340616.0) == "1.340.616"
    assert mapsvg.vn_number(87.26, 1) == "87,3"
    assert mapsvg.vn_number(-1234.5, 1) == "-1.234,5"
    assert mapsvg.vn_number(-0.01, 1) == "0,0"
    assert mapsvg.legend_decimals([806742.0, 1340616.0]) == 0
    assert mapsvg.legend_decimals([66.6667, 75.0, 80.0]) == 1
    assert mapsvg.legend_decimals([78.53, 78.54]) == 2


def test_legend_says_806_742_to_1_340_616_not_806_742_0() -> None:
    values = [Decimal(v) for v in (806742, 1340616, 2033004, 2250848, 2907813, 9794165)]
    items = mapsvg.legend(values, mapsvg.quantile_breaks(values))
    assert items[0].label == "806.742 – 1.340.616"
    assert items[-2].label.startswith("> ") and items[-2].label.endswith("9.794.165")
    for item in items:
        assert not re.search(r"\d,\d{3}", item.label), item.label
        assert not re.search(r",\d", item.label), item.label  # whole numbers: no decimals


# --- the national map -------------------------------------------------------------------------


def _places(linked: set[str] | None = None) -> list[mapsvg.Place]:
    """A place per province; all linked unless `linked` names the codes that are."""
    places = []
    for index, shape in enumerate(shapes.provinces()):
        code = f"UBND-T{shape.code}"
        value = None if index % 9 == 4 else Decimal(806742 + index * 250_000)
        text = "không có số liệu" if value is None else mapsvg.vn_number(float(value))
        href = f"/dashboard/agency/{code}/" if linked is None or shape.code in linked else None
        places.append(mapsvg.Place(code, shape.name, 0, 0, value, text, href, unit=shape.code))
    return places


def test_34_province_shapes_each_a_path_and_a_link() -> None:
    svg = mapsvg.render(mapsvg.build(_places(), title="Bản đồ"))
    tree = _tree(svg)
    areas = [p for p in tree.iter(f"{SVG}path") if "area" in p.get("class", "").split()]
    assert len(areas) == 34
    assert all(re.match(r"M[\d.]+ [\d.]+l", p.get("d", "")) for p in areas)
    assert not list(tree.iter(f"{SVG}circle")) or all(
        "dot" not in c.get("class", "") for c in tree.iter(f"{SVG}circle")
    )
    links = {a.get("href") for a in tree.iter(f"{SVG}a")}
    assert links == {f"/dashboard/agency/UBND-T{s.code}/" for s in shapes.provinces()}
    hanoi = next(p for p in areas if p.get("data-unit") == "01")
    title = hanoi.find(f"{SVG}title")
    assert title is not None and title.text == "Thành phố Hà Nội: 806.742"
    assert "q0" in hanoi.get("class", "")  # the lowest value
    no_value = [p for p in areas if "nodata" in p.get("class", "")]
    assert len(no_value) == 4  # indexes 4, 13, 22 and 31
    assert "style" not in svg  # colours come from CSS classes (no inline style under CSP)
    assert len(svg.encode()) < 60_000


def test_only_the_provinces_the_user_may_open_are_links() -> None:
    svg = mapsvg.render(mapsvg.build(_places(linked={"25"})))
    tree = _tree(svg)
    links = list(tree.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/dashboard/agency/UBND-T25/"]
    assert links[0].find(f"{SVG}path[@data-unit='25']") is not None


def test_the_archipelagos_belong_to_da_nang_and_khanh_hoa() -> None:
    svg = mapsvg.render(mapsvg.build(_places()))
    tree = _tree(svg)
    for code, label in (
        ("48", "Quần đảo Hoàng Sa (TP Đà Nẵng)"),
        ("56", "Quần đảo Trường Sa (tỉnh Khánh Hòa)"),
    ):
        link = next(a for a in tree.iter(f"{SVG}a") if a.get("href", "").endswith(f"T{code}/"))
        group = next(g for g in link.iter(f"{SVG}g") if g.get("class") == "archipelago")
        assert group.get("aria-label") == label
        text = "".join(group.find(f"{SVG}text").itertext())  # type: ignore[union-attr]
        assert text.replace(" (", "(").replace("(", " (", 1) == label
        area = link.find(f"{SVG}path")
        islets = next(g for g in group.iter(f"{SVG}g") if "islets" in g.get("class", ""))
        # The islets take their province's class (its colour).
        assert area is not None
        assert islets.get("class", "").split()[1] == area.get("class", "").split()[1]


def test_a_place_without_a_shape_is_still_a_dot() -> None:
    place = mapsvg.Place("X", "Nơi khác", 16.0, 108.0, Decimal(1), "1", "/x/")
    tree = _tree(mapsvg.render(mapsvg.build([place])))
    dots = [c for c in tree.iter(f"{SVG}circle") if "dot" in c.get("class", "")]
    assert [d.get("data-code") for d in dots] == ["X"]


@given(st.lists(st.tuples(st.floats(102, 117), st.floats(7.7, 23.5)), min_size=3, max_size=40))
def test_relative_steps_land_on_the_rounded_points(ring: list[tuple[float, float]]) -> None:
    shape = shapes.Shape("x", "x", ((tuple(ring),),))
    path = mapsvg.shape_path(shape, mapsvg.DEFAULT)
    expected = []
    for lon, lat in ring:
        point = mapsvg.DEFAULT.project(lon, lat)
        if not expected or point != expected[-1]:
            expected.append(point)
    if len(expected) < 3:
        assert path == ""
        return
    numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", path)]
    x, y = numbers[0], numbers[1]
    walked = [(x, y)]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
        x, y = round(x + dx, 1), round(y + dy, 1)
        walked.append((x, y))
    assert walked == expected


# --- a province's communes --------------------------------------------------------------------


def test_a_provinces_communes_on_its_own_map() -> None:
    _provinces, registry = _registry()
    cells = shapes.communes("25")
    places = [
        mapsvg.Place(f"A{c.code}", c.name, 0, 0, Decimal(i), str(i), f"/a/{c.code}/", c.code)
        for i, c in enumerate(cells)
    ]
    drawn = mapsvg.commune_map("25", places, title="Phú Thọ")
    assert drawn is not None
    model, projection = drawn
    tree = _tree(mapsvg.render(model, projection))
    areas = [p for p in tree.iter(f"{SVG}path") if "area" in p.get("class", "")]
    assert len(areas) == len(registry["25"]) == len(cells)
    links = [a for a in tree.iter(f"{SVG}a")]
    assert len(links) == len(cells) and all(a.get("class") == "commune" for a in links)
    assert [i.css for i in model.legend] == ["q0", "q1", "q2", "q3", "q4", "nodata"]
    # The frame fits the province: every path starts inside it.
    for area in areas:
        x, y = (float(n) for n in re.findall(r"[\d.]+", area.get("d", ""))[:2])
        assert 0 <= x <= model.width and 0 <= y <= model.height
    assert mapsvg.commune_map("99", places) is None


def test_da_nang_shows_hoang_sa_under_its_communes() -> None:
    zone = next(a for a in shapes.archipelagos() if a.province == "48")
    place = mapsvg.Place("HS", zone.name, zone.lat, zone.lon, Decimal(5), "5", "/hs/", zone.code)
    drawn = mapsvg.commune_map("48", [place])
    assert drawn is not None
    model, projection = drawn
    tree = _tree(mapsvg.render(model, projection))
    link = next(a for a in tree.iter(f"{SVG}a") if a.get("href") == "/hs/")
    group = link.find(f"{SVG}g")
    assert group is not None and group.get("aria-label") == "Quần đảo Hoàng Sa (TP Đà Nẵng)"
    assert not model.dots  # the zone is drawn as its island group, not as a dot at sea
    assert model.inset_top and model.archipelagos[0][2] > model.inset_top
