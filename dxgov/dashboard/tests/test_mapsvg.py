"""The map module: projection, silhouette, quantile classes, legend, archipelagos, no data."""

from __future__ import annotations

import itertools
from decimal import Decimal
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from dxgov.dashboard import mapsvg

SVG = "{http://www.w3.org/2000/svg}"


def test_projection_keeps_north_up_and_east_right() -> None:
    hanoi = mapsvg.DEFAULT.project(105.85, 21.03)
    hcmc = mapsvg.DEFAULT.project(106.70, 10.78)
    truong_sa = mapsvg.DEFAULT.project(114.45, 9.71)
    assert hanoi[1] < hcmc[1]  # Hà Nội is north of TP.HCM
    assert truong_sa[0] > hcmc[0]  # Trường Sa is east of TP.HCM
    assert mapsvg.DEFAULT.project(mapsvg.LON_MIN, mapsvg.LAT_MAX) == (0.0, 0.0)
    x, y = mapsvg.DEFAULT.project(mapsvg.LON_MAX, mapsvg.LAT_MIN)
    assert abs(x - mapsvg.WIDTH) < 0.2 and abs(y - mapsvg.DEFAULT.height) < 0.2


@given(
    st.floats(min_value=mapsvg.LON_MIN, max_value=mapsvg.LON_MAX),
    st.floats(min_value=mapsvg.LAT_MIN, max_value=mapsvg.LAT_MAX),
)
def test_every_point_of_the_frame_lands_inside_the_picture(lon: float, lat: float) -> None:
    x, y = mapsvg.DEFAULT.project(lon, lat)
    assert -0.1 <= x <= mapsvg.WIDTH + 0.1
    assert -0.1 <= y <= mapsvg.DEFAULT.height + 0.1


def test_silhouette_is_one_path_of_squares_without_duplicates() -> None:
    points = [(21.0, 105.8), (21.0, 105.8), (10.8, 106.7)]
    svg = mapsvg.silhouette_svg(points)
    tree = ElementTree.fromstring(  # noqa: S314 (our own output)
        svg
    )
    paths = tree.findall(f"{SVG}path")
    assert len(paths) == 1
    assert paths[0].get("d", "").count("M") == 2


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=60))
def test_quantile_classes_are_ordered_and_cover_every_value(values: list[float]) -> None:
    breaks = mapsvg.quantile_breaks(values)
    assert breaks == sorted(set(breaks))
    assert len(breaks) <= mapsvg.CLASSES - 1
    classes = [mapsvg.classify(v, breaks) for v in values]
    assert all(c is not None and 0 <= c <= len(breaks) for c in classes)
    # A larger value never falls in a lower class.
    pairs = sorted(zip(values, classes, strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(pairs))  # type: ignore[operator]
    colours = {mapsvg.spread(c, breaks) for c in classes if c is not None}
    assert colours <= set(range(mapsvg.CLASSES))


def test_five_classes_of_ten_values() -> None:
    values = list(range(1, 11))
    breaks = mapsvg.quantile_breaks(values)
    assert breaks == [2, 4, 6, 8]
    assert [mapsvg.classify(v, breaks) for v in (1, 2, 3, 9, 10)] == [0, 0, 1, 4, 4]
    assert mapsvg.classify(None, breaks) is None


def test_legend_lists_each_class_then_no_data() -> None:
    values = [Decimal(v) for v in range(1, 11)]
    breaks = mapsvg.quantile_breaks(values)
    items = mapsvg.legend(values, breaks, no_data_label="Không có số liệu")
    assert [i.css for i in items] == ["q0", "q1", "q2", "q3", "q4", "nodata"]
    assert items[0].label.startswith("1")
    assert items[-1].label == "Không có số liệu" and items[-1].colour is None
    assert [i.colour for i in items[:-1]] == list(mapsvg.PALETTE)


def test_one_value_is_one_class_in_the_middle_of_the_palette() -> None:
    breaks = mapsvg.quantile_breaks([5])
    assert breaks == []
    assert mapsvg.spread(mapsvg.classify(5, breaks) or 0, breaks) == 2


def _places() -> list[mapsvg.Place]:
    return [
        mapsvg.Place("UBND-T01", "Thành phố Hà Nội", 21.03, 105.85, Decimal(90), "90%", "/a/"),
        mapsvg.Place("UBND-T79", "Thành phố Hồ Chí Minh", 10.78, 106.7, Decimal(40), "40%", None),
        mapsvg.Place("UBND-T11", "Tỉnh Điện Biên", 21.4, 103.0, None, "không có số liệu", "/b/"),
    ]


def test_rendered_map_is_valid_svg_with_hover_links_and_no_data_class() -> None:
    model = mapsvg.build(_places(), silhouette_url="/s.svg", title="Bản đồ")
    svg = mapsvg.render(model)
    tree = ElementTree.fromstring(  # noqa: S314 (our own output)
        svg
    )
    circles = [c for c in tree.iter(f"{SVG}circle") if "dot" in c.get("class", "")]
    assert len(circles) == 3
    titles = [c.find(f"{SVG}title") for c in circles]
    assert next(t.text for t in titles if t is not None) == "Thành phố Hà Nội: 90%"
    links = list(tree.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/a/", "/b/"]  # TP.HCM: no link
    classes = {c.get("data-code"): c.get("class") for c in circles}
    assert classes["UBND-T11"] == "dot nodata"
    assert classes["UBND-T01"] != classes["UBND-T79"]
    assert "style" not in svg  # colours come from CSS classes (no inline style under CSP)
    assert tree.find(f"{SVG}image") is not None


def test_both_archipelagos_are_always_drawn_and_labelled() -> None:
    svg = mapsvg.render(mapsvg.build([]))
    assert "Quần đảo Hoàng Sa (TP Đà Nẵng)" in svg
    assert "Quần đảo Trường Sa (tỉnh Khánh Hòa)" in svg
    tree = ElementTree.fromstring(  # noqa: S314 (our own output)
        svg
    )
    groups = [g for g in tree.iter(f"{SVG}g") if g.get("class") == "archipelago"]
    assert len(groups) == 2
    for group in groups:
        assert len(list(group.iter(f"{SVG}circle"))) >= 5  # the area and its islets
        text = group.find(f"{SVG}text")
        assert text is not None
        x = float(text.get("x", "0"))
        assert 0 <= x <= mapsvg.WIDTH


def test_archipelagos_sit_east_of_the_coast() -> None:
    model = mapsvg.build([], archipelagos=[("Quần đảo Hoàng Sa (TP Đà Nẵng)", 16.57, 112.14)])
    (label, x, _y), (_label2, x2, y2) = model.archipelagos
    da_nang = mapsvg.DEFAULT.project(108.2, 16.05)
    assert label.startswith("Quần đảo Hoàng Sa") and x > da_nang[0]
    nha_trang = mapsvg.DEFAULT.project(109.19, 12.24)
    assert x2 > nha_trang[0] and y2 > nha_trang[1]
