"""Build the map's shapes offline: `dxgov map build` (needs shapely, a `dev` extra, and the
npm package `world-atlas`; the running platform reads the result with the standard library).

Inputs, both freely licensed, nothing restricted and nothing drawn by hand:

- the 3,321 current communes with their official codes and centroids, from the
  `vietnamadminunits` package (MIT), read by `dxgov.orgunits.source`;
- Viet Nam's outline from Natural Earth 1:10m admin-0 countries (public domain), as TopoJSON in
  the npm package `world-atlas` (ISC), `node_modules/world-atlas/countries-10m.json`. The 1:10m
  polygon holds the mainland and the near-shore islands (Phú Quốc, Côn Đảo, Cát Bà, Phú Quý…).

Method: the Voronoi cell of every commune centroid (scipy.spatial.Voronoi, in a plane where a
degree of longitude is shortened by the cosine of the middle latitude, so "nearest" means
nearest on the ground), clipped to the outline; communes on islands the 1:10m outline lacks
(Bạch Long Vĩ, Cồn Cỏ, Lý Sơn, Thổ Châu…), and any whose clipped cell would be empty, get a
disc of their registered area inside their cell. A province is the union of its communes'
cells. The special zones of Hoàng Sa (TP Đà Nẵng) and Trường Sa (tỉnh Khánh Hòa) are not
clipped (no outline holds them): the map draws them as island groups of their provinces at the
registry's centroids.

Borders between provinces are therefore approximate (they follow the midlines between commune
centroids, not surveyed lines): good for a choropleth, never for a legal boundary.

Shared borders stay shared: the outline is simplified once, before clipping, and every cell
keeps the Voronoi vertices it shares with its neighbours, so rounding cannot open gaps.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from scipy.spatial import Voronoi
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from dxgov.dashboard.geometry import shapes

# In the project's checkout (`npm install` puts it there); `--world-atlas` names another.
WORLD_ATLAS = Path(__file__).resolve().parents[3] / "node_modules/world-atlas/countries-10m.json"
COUNTRY = "Vietnam"  # Natural Earth's NAME for Viet Nam in world-atlas
MID_LAT = 16.0  # the cosine of this latitude shortens a degree of longitude in the Voronoi plane
# The outline is simplified once, before clipping (degrees; 0.002° ≈ 220 m on the ground).
OUTLINE_TOLERANCE = 0.002
# Provinces are simplified again, arc by arc, for the national map (0.01° ≈ 1 km, a third of an
# SVG unit at the map's 480-unit width).
PROVINCE_TOLERANCE = 0.01
OFFSHORE_KM = 5.0  # a centroid farther than this from the outline is on an island it lacks
MIN_ISLAND_KM = 1.5  # islands smaller than this radius are drawn at this radius
KM_PER_DEGREE = 111.2
ARCHIPELAGO_ZONES = ("Đặc khu Hoàng Sa", "Đặc khu Trường Sa")


@dataclass(frozen=True)
class Commune:
    province: str  # provinceCode, e.g. "48"
    province_name: str
    code: str  # wardCode, e.g. "20194"
    name: str
    lon: float
    lat: float
    area_km2: float


def communes_from_rows(rows: Iterable[dict[str, Any]]) -> list[Commune]:
    return [
        Commune(
            str(row["provinceCode"]),
            str(row["province"]),
            str(row["wardCode"]),
            str(row["ward"]),
            float(row["wardLon"]),
            float(row["wardLat"]),
            float(row["wardAreaKm2"] or 0),
        )
        for row in rows
        if row["wardCode"] and row["wardLat"] is not None and row["wardLon"] is not None
    ]


# --- the outline ------------------------------------------------------------------------------


def _topo_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs, delta-decoded and transformed to (lon, lat)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _topo_ring(
    arcs: list[list[tuple[float, float]]], indexes: list[int]
) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc if not ring else arc[1:])  # consecutive arcs share their end point
    return ring


def country_outline(topo: dict[str, Any], name: str = COUNTRY) -> BaseGeometry:
    """The named country of a world-atlas TopoJSON as one (multi)polygon in lon/lat."""
    arcs = _topo_arcs(topo)
    for geometry in topo["objects"]["countries"]["geometries"]:
        if geometry.get("properties", {}).get("name") != name:
            continue
        parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        polygons = [
            Polygon(_topo_ring(arcs, part[0]), [_topo_ring(arcs, hole) for hole in part[1:]])
            for part in parts
        ]
        return shapely.make_valid(MultiPolygon(polygons))
    raise ValueError(f"no country named {name!r} in the TopoJSON")


# --- cells ------------------------------------------------------------------------------------


def voronoi_cells(communes: Sequence[Commune]) -> list[Polygon]:
    """The Voronoi cell of each commune's centroid, in lon/lat, bounded by a far frame."""
    cos = math.cos(math.radians(MID_LAT))
    points = np.array([(c.lon * cos, c.lat) for c in communes])
    centre = points.mean(axis=0)
    # Four far points make every commune's region finite.
    far = centre + np.array([(-1000, -1000), (-1000, 1000), (1000, -1000), (1000, 1000)])
    diagram = Voronoi(np.vstack([points, far]))
    cells = []
    for index in range(len(communes)):
        region = diagram.regions[diagram.point_region[index]]
        assert region and -1 not in region, "a commune's Voronoi region is unbounded"
        vertices = diagram.vertices[region]
        cells.append(Polygon([(x / cos, y) for x, y in vertices]))
    return cells


def _disc(commune: Commune) -> Polygon:
    radius_km = max(math.sqrt(commune.area_km2 / math.pi), MIN_ISLAND_KM)
    radius = radius_km / KM_PER_DEGREE
    cos = math.cos(math.radians(commune.lat))
    circle = Point(0, 0).buffer(radius, quad_segs=4)
    return shapely.affinity.affine_transform(circle, [1 / cos, 0, 0, 1, commune.lon, commune.lat])


def commune_shapes(communes: Sequence[Commune], outline: BaseGeometry) -> dict[str, BaseGeometry]:
    """Each commune's cell clipped to the outline (plus its island disc when offshore), by code.
    The archipelagos' special zones are left out (drawn as island groups)."""
    shapely.prepare(outline)
    found: dict[str, BaseGeometry] = {}
    for commune, cell in zip(communes, voronoi_cells(communes), strict=True):
        if commune.name in ARCHIPELAGO_ZONES:
            continue
        # Most cells lie wholly inland: a prepared containment test spares the intersection.
        # The rest meet the outline cut to their bounding box first (5 × faster than whole).
        shape = (
            cell
            if outline.contains_properly(cell)
            else cell.intersection(shapely.clip_by_rect(outline, *cell.bounds))
        )
        point = Point(commune.lon, commune.lat)
        offshore = (
            not outline.contains(point) and outline.distance(point) * KM_PER_DEGREE > OFFSHORE_KM
        )
        # A centroid in the water near the coast whose whole cell is sea (the registry puts Vĩnh
        # Thực, an island off Móng Cái, in Hạ Long Bay) gets its disc too: no commune vanishes.
        if offshore or shape.is_empty:
            shape = shape.union(cell.intersection(_disc(commune)))
        found[commune.code] = _polygons_only(shape)
    return found


def _polygons_only(geometry: BaseGeometry) -> BaseGeometry:
    """Drop the points and lines an intersection may leave on a shared edge."""
    polygons: list[Polygon] = []
    for part in getattr(geometry, "geoms", [geometry]):
        if isinstance(part, Polygon) and not part.is_empty:
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
        elif hasattr(part, "geoms"):
            polygons.extend(p for p in part.geoms if isinstance(p, Polygon))
    return MultiPolygon(polygons)


# --- encoding ---------------------------------------------------------------------------------


def encode(geometry: BaseGeometry, tolerance: float = 0.0) -> list[list[list[int]]]:
    """Polygons → rings → delta-encoded integers in 1/PRECISION degrees (shapes.decode reads it).
    Rings that round to fewer than three distinct points are dropped."""
    if tolerance:
        geometry = geometry.simplify(tolerance, preserve_topology=True)
    polygons: list[list[list[int]]] = []
    for polygon in sorted(_polygons_only(geometry).geoms, key=lambda p: (-p.area, p.bounds)):
        rings = []
        for ring in (polygon.exterior, *polygon.interiors):
            encoded = _encode_ring(list(ring.coords))
            if encoded:
                rings.append(encoded)
            elif not rings:
                break  # no exterior: nothing of the polygon is left at this precision
        if rings:
            polygons.append(rings)
    return polygons


def _encode_ring(coords: list[tuple[float, ...]]) -> list[int]:
    scaled: list[tuple[int, int]] = []
    for x, y, *_z in coords[:-1]:  # the closing point is implied
        point = (round(x * shapes.PRECISION), round(y * shapes.PRECISION))
        if not scaled or point != scaled[-1]:
            scaled.append(point)
    while len(scaled) > 1 and scaled[0] == scaled[-1]:
        scaled.pop()
    if len(set(scaled)) < 3:
        return []
    out: list[int] = list(scaled[0])
    for (x0, y0), (x1, y1) in itertools.pairwise(scaled):
        out += [x1 - x0, y1 - y0]
    return out


# --- the documents ----------------------------------------------------------------------------


ABOUT = (
    "Generated by `dxgov map build` (dxgov/dashboard/geometry/build.py); do not edit. "
    "Voronoi cells of the commune centroids of the vietnamadminunits package (MIT) clipped to "
    "Viet Nam's outline from Natural Earth 1:10m (public domain, via the npm package "
    "world-atlas, ISC), dissolved by province. Borders between provinces and communes are "
    "approximate. Rings: delta-encoded integers in 1/precision degrees (lon, lat)."
)


def build(
    communes: Sequence[Commune], outline: BaseGeometry
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the provinces' document, the communes' document), both plain JSON values."""
    outline = outline.simplify(OUTLINE_TOLERANCE, preserve_topology=True)
    cells = commune_shapes(communes, outline)
    by_province: dict[str, list[Commune]] = {}
    for commune in communes:
        by_province.setdefault(commune.province, []).append(commune)
    province_shapes = {
        code: shapely.union_all([cells[c.code] for c in members if c.code in cells])
        for code, members in sorted(by_province.items())
    }
    simplified = shapely.coverage_simplify(
        list(province_shapes.values()), PROVINCE_TOLERANCE, simplify_boundary=True
    )
    provinces_doc = {
        "about": ABOUT,
        "precision": shapes.PRECISION,
        "provinces": [
            {
                "code": code,
                "name": by_province[code][0].province_name,
                "polygons": encode(shape),
            }
            for (code, _shape), shape in zip(province_shapes.items(), simplified, strict=True)
        ],
        "archipelagos": [
            {
                "province": c.province,
                "code": c.code,
                "name": c.name,
                "lon": round(c.lon, 3),
                "lat": round(c.lat, 3),
            }
            for c in communes
            if c.name in ARCHIPELAGO_ZONES
        ],
    }
    communes_doc: dict[str, Any] = {
        "about": ABOUT,
        "precision": shapes.PRECISION,
        "provinces": {
            code: [
                {"code": c.code, "name": c.name, "polygons": encode(cells[c.code])}
                for c in members
                if c.code in cells
            ]
            for code, members in sorted(by_province.items())
        },
    }
    return provinces_doc, communes_doc


def dumps(document: dict[str, Any]) -> str:
    """Compact JSON with one province (or one province's communes) a line: small, diffable."""
    lines = ["{"]
    items = list(document.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list):
            body = ",\n".join(_compact(v) for v in value)
            lines.append(f"{_compact(key)}:[\n{body}\n]{comma}")
        elif isinstance(value, dict):
            body = ",\n".join(f"{_compact(k)}:{_compact(v)}" for k, v in value.items())
            lines.append(f"{_compact(key)}:{{\n{body}\n}}{comma}")
        else:
            lines.append(f"{_compact(key)}:{_compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def build_files(world_atlas: Path = WORLD_ATLAS) -> dict[str, str]:
    """The data files' names and contents, from the installed inputs."""
    from dxgov.orgunits import source

    topo = json.loads(world_atlas.read_text(encoding="utf-8"))
    provinces_doc, communes_doc = build(
        communes_from_rows(source.current_rows()), country_outline(topo)
    )
    return {
        shapes.PROVINCES_FILE: dumps(provinces_doc),
        shapes.COMMUNES_FILE: dumps(communes_doc),
    }
