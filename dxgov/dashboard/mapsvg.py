"""The map of the 34 provinces as SVG (pure: plain values in, text out, no ORM, no tiles).

Nothing is fetched from outside. The provinces are drawn as shapes read from the committed
data file `data/provinces.json` (made offline by `dxgov map build` from Voronoi cells of the
3,321 commune centroids of the `vietnamadminunits` package, MIT, clipped to Viet Nam's
outline from Natural Earth, public domain: see `geometry/build.py`), each filled by the
quantile class of the chosen figure. The palette is viridis in five classes (readable with
every common colour-vision deficiency and in greyscale); "no data" is a hatched grey class of
its own. Every province has a <title> (the hover text) and, when the user may open it, an <a>
to its page. A place without a shape (none in the data file) is drawn as a dot.

The Hoàng Sa and Trường Sa archipelagos (the special zones of Đà Nẵng and Khánh Hòa) are
always drawn and labelled as part of Viet Nam, as every official Vietnamese map must show them:
as island groups of their provinces, coloured and linked with them.

`commune_map` draws one province's communes from the same cells (`data/communes.json`).

Projection: equirectangular, longitudes scaled by the cosine of the middle latitude so that
shapes keep their proportions at Viet Nam's latitudes (8°–23.5° N).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from html import escape

from dxgov.core import formats
from dxgov.dashboard.geometry import shapes

# The frame: mainland, islands and both archipelagos with a margin.
LON_MIN, LON_MAX = 101.8, 117.0
LAT_MIN, LAT_MAX = 7.6, 23.6
WIDTH = 480.0
CLASSES = 5
INSET_SCALE = 16.0  # an archipelago drawn as an inset keeps the national map's size
INSET_BAND = 80.0  # the height of the band under a province's map that holds its archipelago
LABEL_SIZE = 13  # the archipelagos' labels, in SVG units (dashboard.css says the same)
# viridis, 5 classes (low → high); the same colours are in dashboard.css as .q0 … .q4.
PALETTE = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
NO_DATA = "nodata"

ARCHIPELAGOS = (
    # (label, the special zone's name in the unit registry, fallback centroid lat, lon)
    ("Quần đảo Hoàng Sa (TP Đà Nẵng)", "Đặc khu Hoàng Sa", 16.57, 112.14),
    ("Quần đảo Trường Sa (tỉnh Khánh Hòa)", "Đặc khu Trường Sa", 9.71, 114.45),
)
# Islets around an archipelago's centroid (degrees): a recognisable cluster, not a survey.
_ISLETS = (
    (0.0, 0.0),
    (0.35, 0.25),
    (-0.3, 0.4),
    (0.2, -0.45),
    (-0.45, -0.2),
    (0.55, -0.1),
    (-0.1, 0.7),
    (0.5, 0.6),
)


@dataclass(frozen=True)
class Projection:
    lon_min: float = LON_MIN
    lon_max: float = LON_MAX
    lat_min: float = LAT_MIN
    lat_max: float = LAT_MAX
    width: float = WIDTH

    @classmethod
    def around(
        cls, bounds: tuple[float, float, float, float], width: float = WIDTH, margin: float = 0.04
    ) -> Projection:
        """A frame around (lon_min, lat_min, lon_max, lat_max) with `margin` of its size."""
        lon_min, lat_min, lon_max, lat_max = bounds
        pad = max(lon_max - lon_min, lat_max - lat_min) * margin or 0.05
        return cls(lon_min - pad, lon_max + pad, lat_min - pad, lat_max + pad, width)

    @property
    def scale(self) -> float:
        """SVG units per degree of latitude."""
        return self.width / ((self.lon_max - self.lon_min) * self._cos)

    @property
    def _cos(self) -> float:
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2))

    @property
    def height(self) -> float:
        return (self.lat_max - self.lat_min) * self.scale

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """(x, y) in SVG units: x grows eastwards, y southwards, (0, 0) the north-west corner."""
        x = (lon - self.lon_min) * self._cos * self.scale
        y = (self.lat_max - lat) * self.scale
        return round(x, 1), round(y, 1)


DEFAULT = Projection()


def silhouette_path(
    points: Iterable[tuple[float, float]], projection: Projection = DEFAULT, size: float = 1.6
) -> str:
    """One path of tiny squares, one per (lat, lon) point; duplicates after rounding drawn once."""
    seen: set[tuple[float, float]] = set()
    parts: list[str] = []
    half = size / 2
    for lat, lon in points:
        x, y = projection.project(lon, lat)
        if (x, y) in seen:
            continue
        seen.add((x, y))
        parts.append(f"M{x - half:g} {y - half:g}h{size:g}v{size:g}h-{size:g}z")
    return "".join(parts)


def silhouette_svg(points: Iterable[tuple[float, float]], projection: Projection = DEFAULT) -> str:
    """The silhouette as a standalone SVG document (cached by browsers for a long time)."""
    path = silhouette_path(points, projection)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {projection.width:g} {projection.height:.1f}">'
        f'<path fill="#9aa5b1" d="{path}"/></svg>'
    )


# --- shapes as SVG paths ------------------------------------------------------------------------


def shape_path(shape: shapes.Shape, projection: Projection) -> str:
    """A shape's polygons as one SVG path: absolute start, then relative steps between points
    rounded to 0.1 unit (the steps are taken between rounded points, so no error adds up)."""
    parts: list[str] = []
    for polygon in shape.polygons:
        for ring in polygon:
            points: list[tuple[float, float]] = []
            for lon, lat in ring:
                point = projection.project(lon, lat)
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) < 3:
                continue  # smaller than a tenth of a unit: nothing to see
            (x, y), steps = points[0], [f"M{points[0][0]:g} {points[0][1]:g}"]
            for nx, ny in points[1:]:
                steps.append(f"l{_num(nx - x)}{_signed(ny - y)}")
                x, y = nx, ny
            parts.append("".join(steps) + "z")
    return "".join(parts)


def _num(value: float) -> str:
    """0.1-unit steps as short as SVG allows: "0", "3", ".5", "-1.2"."""
    text = f"{round(value, 1):g}"
    if text in ("0", "-0"):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _signed(value: float) -> str:
    text = _num(value)
    return text if text.startswith("-") else f" {text}"


@cache
def _province_paths(projection: Projection) -> dict[str, tuple[str, str]]:
    """code → (name, path) of every province in the data file, for one projection."""
    return {s.code: (s.name, shape_path(s, projection)) for s in shapes.provinces()}


# --- numbers and classes ------------------------------------------------------------------------


def vn_number(value: float, decimals: int = 0) -> str:
    """Vietnamese notation (1.340.616; 87,5): core.formats.number, the one formatting layer."""
    return formats.number(value, decimals)


def legend_decimals(numbers: Sequence[float], most: int = 2) -> int:
    """The fewest decimals (up to `most`) that show whole numbers whole (806.742 – 1.340.616,
    not 806.742,0) and keep distinct class bounds apart (66,7 – 75,0)."""
    distinct = sorted(set(numbers))
    for places in range(most + 1):
        rounded = [round(n, places) for n in distinct]
        if all(abs(n - r) < 1e-9 for n, r in zip(distinct, rounded, strict=True)):
            return places
        if places and len(set(rounded)) == len(rounded):
            return places
    return most


def quantile_breaks(values: Iterable[Decimal | float], classes: int = CLASSES) -> list[float]:
    """The upper bounds of the first `classes - 1` quantile classes (nearest-rank, sorted).

    Equal breaks collapse (so a class may stay empty); fewer distinct values than classes give
    fewer breaks. No values: no breaks.
    """
    ordered = sorted(float(v) for v in values)
    if not ordered:
        return []
    breaks: list[float] = []
    for k in range(1, classes):
        index = math.ceil(k * len(ordered) / classes) - 1
        value = ordered[max(0, min(index, len(ordered) - 1))]
        if value < ordered[-1] and (not breaks or value > breaks[-1]):
            breaks.append(value)
    return breaks


def classify(value: Decimal | float | None, breaks: Sequence[float]) -> int | None:
    """The class of a value (0 = lowest); None for no value."""
    if value is None:
        return None
    number = float(value)
    for index, bound in enumerate(breaks):
        if number <= bound:
            return index
    return len(breaks)


def spread(index: int, breaks: Sequence[float], classes: int = CLASSES) -> int:
    """Map a class among len(breaks)+1 classes onto the palette's `classes` colours, spread out."""
    used = len(breaks) + 1
    if used >= classes or used == 1:
        return min(index, classes - 1) if used > 1 else classes // 2
    return round(index * (classes - 1) / (used - 1))


@dataclass(frozen=True)
class LegendItem:
    css: str  # q0 … q4, or nodata
    colour: str | None
    label: str


def legend(
    values: Sequence[Decimal | float],
    breaks: Sequence[float],
    fmt: Callable[[float], str] | None = None,
    no_data_label: str = "No data",
) -> list[LegendItem]:
    """One item per class that a value can fall into, low to high, then the no-data item.
    Numbers in Vietnamese notation unless `fmt` says otherwise."""
    items: list[LegendItem] = []
    numbers = sorted(float(v) for v in values)
    if numbers:
        bounds = [numbers[0], *breaks, numbers[-1]]
        if fmt is None:
            places = legend_decimals(bounds)
            fmt = lambda number: vn_number(number, places)  # noqa: E731
        for index in range(len(breaks) + 1):
            low = bounds[index]
            high = bounds[index + 1]
            prefix = "" if index == 0 else "> "
            text = f"{prefix}{fmt(low)} – {fmt(high)}" if low != high else fmt(high)
            colour = spread(index, breaks)
            items.append(LegendItem(f"q{colour}", PALETTE[colour], text))
    items.append(LegendItem(NO_DATA, None, no_data_label))
    return items


# --- the map --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A province (or, on a province's map, a commune) as the map needs it."""

    code: str
    name: str
    lat: float
    lon: float
    value: Decimal | float | None
    text: str  # the value as shown (with unit), or why there is none
    href: str | None = None  # drill-down link; None when the user may not open it
    unit: str = ""  # the unit registry's code of its shape ("48"); "" or unknown: a dot


@dataclass(frozen=True)
class Dot:
    place: Place
    x: float
    y: float
    css: str


@dataclass(frozen=True)
class Area:
    """A unit drawn as its shape; `place` None for a unit the caller gave no figure for."""

    code: str  # the unit registry's code
    name: str
    path: str
    css: str
    place: Place | None = None


@dataclass
class MapModel:
    width: float
    height: float
    dots: list[Dot]
    legend: list[LegendItem]
    archipelagos: list[tuple[str, float, float]] = field(default_factory=list)
    silhouette_url: str = ""
    title: str = ""
    areas: list[Area] = field(default_factory=list)
    # label → the unit code of the province (or special zone) the archipelago belongs to
    owners: dict[str, str] = field(default_factory=dict)
    islet_scale: float = 0.0  # SVG units per degree of the islets' spread; 0: the map's
    link_css: str = "province"  # the class of the links ("commune" on a province's map)
    inset_top: float = 0.0  # where the band holding an archipelago starts (0: no band)


def _css(value: Decimal | float | None, breaks: Sequence[float]) -> str:
    index = classify(value, breaks)
    return NO_DATA if index is None else f"q{spread(index, breaks)}"


def build(
    places: Sequence[Place],
    *,
    archipelagos: Sequence[tuple[str, float, float]] = (),
    silhouette_url: str = "",
    title: str = "",
    fmt: Callable[[float], str] | None = None,
    no_data_label: str = "No data",
    projection: Projection = DEFAULT,
) -> MapModel:
    """Every province's shape, coloured by the quantile class of its place's value (a place
    without a shape: a dot). `archipelagos`: (label, lat, lon), else the data file's."""
    model = _model(places, _province_paths(projection), projection, fmt, no_data_label)
    model.silhouette_url, model.title = silhouette_url, title
    zones = {a.name: a for a in shapes.archipelagos()}
    found = {label: (lat, lon) for label, lat, lon in archipelagos}
    for label, zone, lat, lon in ARCHIPELAGOS:
        if zone in zones:
            lat, lon = zones[zone].lat, zones[zone].lon
            model.owners[label] = zones[zone].province
        lat, lon = found.get(label, (lat, lon))
        x, y = projection.project(lon, lat)
        model.archipelagos.append((label, x, y))
    return model


def _model(
    places: Sequence[Place],
    paths: dict[str, tuple[str, str]],
    projection: Projection,
    fmt: Callable[[float], str] | None,
    no_data_label: str,
) -> MapModel:
    values = [p.value for p in places if p.value is not None]
    breaks = quantile_breaks(values)
    by_unit = {p.unit: p for p in places if p.unit in paths}
    areas = [
        Area(code, name, path, _css(place.value, breaks) if place else "land", place)
        for code, (name, path) in paths.items()
        for place in [by_unit.get(code)]
    ]
    dots = [
        Dot(place, *projection.project(place.lon, place.lat), _css(place.value, breaks))
        for place in places
        if place.unit not in paths
    ]
    return MapModel(
        width=projection.width,
        height=round(projection.height, 1),
        dots=dots,
        legend=legend(values, breaks, fmt, no_data_label),
        areas=areas,
    )


@cache
def _commune_paths(province: str) -> tuple[Projection, dict[str, tuple[str, str]]]:
    cells = shapes.communes(province)
    projection = Projection.around(shapes.bounds(cells))
    return projection, {s.code: (s.name, shape_path(s, projection)) for s in cells}


def commune_map(
    province: str,
    places: Sequence[Place],
    *,
    title: str = "",
    fmt: Callable[[float], str] | None = None,
    no_data_label: str = "No data",
) -> tuple[MapModel, Projection] | None:
    """A province's communes (the cells its shape was made of), coloured like the provinces on
    the national map; places match communes by `unit` (the commune's code). Its archipelago,
    when it has one, is drawn in a band under the map. None for a code the data file lacks."""
    if not shapes.communes(province):
        return None
    projection, paths = _commune_paths(province)
    insets = [
        (label, zone)
        for label, name, _lat, _lon in ARCHIPELAGOS
        for zone in shapes.archipelagos()
        if zone.name == name and zone.province == province
    ]
    # The special zone has no cell here (hundreds of kilometres offshore): it is coloured and
    # linked as a unit without a path, and drawn in a band of its own under the map.
    paths = {**paths, **{zone.code: (zone.name, "") for _label, zone in insets}}
    model = _model(places, paths, projection, fmt, no_data_label)
    model.title, model.islet_scale, model.link_css = title, INSET_SCALE, "commune"
    for label, zone in insets:
        model.inset_top = model.height
        model.height = round(model.height + INSET_BAND, 1)
        model.archipelagos.append((label, projection.width / 2, model.inset_top + 22))
        model.owners[label] = zone.code
    return model, projection


def _archipelago_svg(
    label: str, hover: str, x: float, y: float, scale: float, css: str = ""
) -> str:
    """An island group: a dashed ring, its islets (filled like its province) and its label in
    two lines under it ("Quần đảo Hoàng Sa" / "(TP Đà Nẵng)"), kept inside the frame."""
    islets = "".join(
        f'<circle cx="{x + dx * scale:.1f}" cy="{y - dy * scale:.1f}" r="2"/>' for dx, dy in _ISLETS
    )
    radius = scale * 1.1
    name, _sep, owner = label.partition(" (")
    lines = [name, f"({owner}"] if owner else [name]
    half = max(len(line) for line in lines) * LABEL_SIZE * 0.28  # half the text's width, roughly
    centre = min(max(x, half + 2), WIDTH - half - 2)
    top = y + radius + LABEL_SIZE + 2
    text = "".join(
        f'<tspan x="{centre:.1f}" y="{top + index * (LABEL_SIZE + 2):.1f}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return (
        f'<g class="archipelago" aria-label="{escape(label)}">'
        f"<title>{escape(hover)}</title>"
        f'<circle class="archipelago-area" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
        f'<g class="islets {css or "land"}">{islets}</g>'
        f'<text x="{centre:.1f}" y="{top:.1f}" text-anchor="middle">{text}</text></g>'
    )


def _linked(place: Place | None, body: str, css: str = "province", shown: str = "") -> str:
    """`body` inside a link to the place's page when the user may open it. The link's name
    holds any text it shows (`shown`: an archipelago's label drawn with its province), so what a
    voice-control user reads on the map is what they can say."""
    if place is None or not place.href:
        return body
    hover = f"{place.name}: {place.text}" + (f"; {shown}" if shown else "")
    return f'<a href="{escape(place.href)}" class="{css}" aria-label="{escape(hover)}">{body}</a>'


def _area_svg(
    area: Area, archipelagos: str = "", link_css: str = "province", shown: str = ""
) -> str:
    place = area.place
    hover = f"{place.name}: {place.text}" if place is not None else area.name
    path = (
        f'<path class="area {area.css}" d="{area.path}" data-unit="{escape(area.code)}"'
        + (f' data-code="{escape(place.code)}"' if place is not None else "")
        + f"><title>{escape(hover)}</title></path>"
        if area.path
        else ""
    )
    return _linked(place, path + archipelagos, link_css, shown)


def render(model: MapModel, projection: Projection = DEFAULT) -> str:
    """The map as inline SVG (no style attributes: colours come from CSS classes)."""
    out = [
        # A group, not an image: it holds links (an image's content is not reachable).
        f'<svg class="dxmap" xmlns="http://www.w3.org/2000/svg" role="group" '
        f'viewBox="0 0 {model.width:g} {model.height:g}" aria-labelledby="dxmap-title">',
        f'<title id="dxmap-title">{escape(model.title)}</title>',
        '<defs><pattern id="dxmap-hatch" patternUnits="userSpaceOnUse" width="4" height="4">'
        '<path d="M0 4L4 0" class="hatch"/></pattern></defs>',
    ]
    if model.silhouette_url:
        out.append(
            f'<image class="silhouette" href="{escape(model.silhouette_url)}" x="0" y="0" '
            f'width="{model.width:g}" height="{model.height:g}"/>'
        )
    groups: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    areas = {area.code: area for area in model.areas}
    scale = model.islet_scale or projection.scale / 2
    if model.inset_top:
        out.append(f'<path class="inset-rule" d="M0 {model.inset_top:g}H{model.width:g}"/>')
    for label, x, y in model.archipelagos:
        owner = areas.get(model.owners.get(label, ""))
        hover = label
        if owner is not None and owner.place is not None:
            hover = f"{label} — {owner.place.name}: {owner.place.text}"
        svg = _archipelago_svg(label, hover, x, y, scale, owner.css if owner else "")
        if owner is not None:
            groups.setdefault(owner.code, []).append(svg)  # drawn (and linked) with its province
            labels.setdefault(owner.code, []).append(label)
        else:
            out.append(svg)
    for area in model.areas:
        shown = "; ".join(labels.get(area.code, []))
        out.append(_area_svg(area, "".join(groups.get(area.code, [])), model.link_css, shown))
    for dot in model.dots:
        place = dot.place
        hover = f"{place.name}: {place.text}"
        circle = (
            f'<circle class="dot {dot.css}" cx="{dot.x:g}" cy="{dot.y:g}" r="7" '
            f'data-code="{escape(place.code)}"><title>{escape(hover)}</title></circle>'
        )
        out.append(_linked(place, circle, model.link_css))
    out.append("</svg>")
    return "".join(out)
