"""The map of the 34 provinces as SVG (pure: plain values in, text out, no ORM, no tiles).

Nothing is fetched from outside: the country's shape is a faint silhouette drawn from the
3,321 commune centroids of the unit registry as tiny squares in ONE path (served once, with
long cache headers, as its own URL), and each province is a dot at its centroid coloured by
the quantile class of the chosen figure. The palette is viridis in five classes (readable
with every common colour-vision deficiency and in greyscale); "no data" is a hatched grey
class of its own. Every dot has a <title> (the hover text) and, when the user may open the
province, an <a> to its page.

The Hoàng Sa and Trường Sa archipelagos (the special zones of Đà Nẵng and Khánh Hòa) are
always drawn and labelled as part of Viet Nam, as every official Vietnamese map must show them.

Projection: equirectangular, longitudes scaled by the cosine of the middle latitude so that
shapes keep their proportions at Viet Nam's latitudes (8°–23.5° N).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

# The frame: mainland, islands and both archipelagos with a margin.
LON_MIN, LON_MAX = 101.8, 118.0
LAT_MIN, LAT_MAX = 7.6, 23.6
WIDTH = 480.0
CLASSES = 5
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


# --- classes ------------------------------------------------------------------------------


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
    fmt: str = "{:,.1f}",
    no_data_label: str = "No data",
) -> list[LegendItem]:
    """One item per class that a value can fall into, low to high, then the no-data item."""
    items: list[LegendItem] = []
    numbers = sorted(float(v) for v in values)
    if numbers:
        bounds = [numbers[0], *breaks, numbers[-1]]
        for index in range(len(breaks) + 1):
            low = bounds[index]
            high = bounds[index + 1]
            prefix = "" if index == 0 else "> "
            text = (
                f"{prefix}{fmt.format(low)} – {fmt.format(high)}"
                if low != high
                else fmt.format(high)
            )
            colour = spread(index, breaks)
            items.append(LegendItem(f"q{colour}", PALETTE[colour], text))
    items.append(LegendItem(NO_DATA, None, no_data_label))
    return items


# --- the map --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A province as the map needs it."""

    code: str
    name: str
    lat: float
    lon: float
    value: Decimal | float | None
    text: str  # the value as shown (with unit), or why there is none
    href: str | None = None  # drill-down link; None when the user may not open it


@dataclass(frozen=True)
class Dot:
    place: Place
    x: float
    y: float
    css: str


@dataclass
class MapModel:
    width: float
    height: float
    dots: list[Dot]
    legend: list[LegendItem]
    archipelagos: list[tuple[str, float, float]] = field(default_factory=list)
    silhouette_url: str = ""
    title: str = ""


def build(
    places: Sequence[Place],
    *,
    archipelagos: Sequence[tuple[str, float, float]] = (),
    silhouette_url: str = "",
    title: str = "",
    fmt: str = "{:,.1f}",
    no_data_label: str = "No data",
    projection: Projection = DEFAULT,
) -> MapModel:
    """Dots coloured by quantile class. `archipelagos`: (label, lat, lon), default positions."""
    values = [p.value for p in places if p.value is not None]
    breaks = quantile_breaks(values)
    dots = []
    for place in places:
        x, y = projection.project(place.lon, place.lat)
        index = classify(place.value, breaks)
        css = NO_DATA if index is None else f"q{spread(index, breaks)}"
        dots.append(Dot(place, x, y, css))
    found = {label: (lat, lon) for label, lat, lon in archipelagos}
    drawn = []
    for label, _zone, lat, lon in ARCHIPELAGOS:
        lat, lon = found.get(label, (lat, lon))
        x, y = projection.project(lon, lat)
        drawn.append((label, x, y))
    return MapModel(
        width=projection.width,
        height=round(projection.height, 1),
        dots=dots,
        legend=legend(values, breaks, fmt, no_data_label),
        archipelagos=drawn,
        silhouette_url=silhouette_url,
        title=title,
    )


def _archipelago_svg(label: str, x: float, y: float, scale: float) -> str:
    islets = "".join(
        f'<circle cx="{x + dx * scale:.1f}" cy="{y - dy * scale:.1f}" r="1.6"/>'
        for dx, dy in _ISLETS
    )
    radius = scale * 1.1
    # Labels go to the west of Trường Sa and to the east of Hoàng Sa: both stay inside the frame.
    anchor_x = x + radius + 4 if x < WIDTH * 0.7 else x - radius - 4
    anchor = "start" if x < WIDTH * 0.7 else "end"
    return (
        f'<g class="archipelago" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<circle class="archipelago-area" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
        f'<g class="islets">{islets}</g>'
        f'<text x="{anchor_x:.1f}" y="{y + radius + 12:.1f}" text-anchor="{anchor}">'
        f"{escape(label)}</text></g>"
    )


def render(model: MapModel, projection: Projection = DEFAULT) -> str:
    """The map as inline SVG (no style attributes: colours come from CSS classes)."""
    out = [
        f'<svg class="dxmap" xmlns="http://www.w3.org/2000/svg" role="img" '
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
    for label, x, y in model.archipelagos:
        out.append(_archipelago_svg(label, x, y, projection.scale / 2))
    for dot in model.dots:
        place = dot.place
        hover = f"{place.name}: {place.text}"
        circle = (
            f'<circle class="dot {dot.css}" cx="{dot.x:g}" cy="{dot.y:g}" r="7" '
            f'data-code="{escape(place.code)}"><title>{escape(hover)}</title></circle>'
        )
        if place.href:
            out.append(
                f'<a href="{escape(place.href)}" class="province" '
                f'aria-label="{escape(hover)}">{circle}</a>'
            )
        else:
            out.append(circle)
    out.append("</svg>")
    return "".join(out)
