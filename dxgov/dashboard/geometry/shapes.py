"""Read the map's committed shapes (standard library only; made by `dxgov map build`).

`data/provinces.json`: the 34 provinces as polygons, and the Hoàng Sa and Trường Sa special
zones' centroids; `data/communes.json`: each province's communes, read only for a province's
page. Rings are delta-encoded integers in 1/PRECISION degrees of (lon, lat).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

PRECISION = 1000
PROVINCES_FILE = "provinces.json"
COMMUNES_FILE = "communes.json"

Ring = tuple[tuple[float, float], ...]  # (lon, lat) points, not closed
Polygon = tuple[Ring, ...]  # the exterior, then the holes


@dataclass(frozen=True)
class Shape:
    code: str  # the unit registry's code: provinceCode ("48") or wardCode ("20194")
    name: str
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class Archipelago:
    province: str  # provinceCode of the province it belongs to
    code: str  # the special zone's wardCode
    name: str  # "Đặc khu Hoàng Sa"
    lon: float
    lat: float


def decode_ring(numbers: list[int], precision: int = PRECISION) -> Ring:
    x, y = numbers[0], numbers[1]
    points = [(x / precision, y / precision)]
    for index in range(2, len(numbers), 2):
        x += numbers[index]
        y += numbers[index + 1]
        points.append((x / precision, y / precision))
    return tuple(points)


def _shape(item: dict[str, Any], precision: int) -> Shape:
    polygons = tuple(
        tuple(decode_ring(ring, precision) for ring in polygon) for polygon in item["polygons"]
    )
    return Shape(str(item["code"]), str(item["name"]), polygons)


def _read(name: str) -> dict[str, Any]:
    text = resources.files("dxgov.dashboard").joinpath("data", name).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@cache
def provinces() -> tuple[Shape, ...]:
    """The 34 provinces, by code."""
    document = _read(PROVINCES_FILE)
    precision = int(document["precision"])
    return tuple(_shape(item, precision) for item in document["provinces"])


@cache
def archipelagos() -> tuple[Archipelago, ...]:
    return tuple(
        Archipelago(a["province"], a["code"], a["name"], float(a["lon"]), float(a["lat"]))
        for a in _read(PROVINCES_FILE)["archipelagos"]
    )


@cache
def _communes() -> dict[str, tuple[Shape, ...]]:
    document = _read(COMMUNES_FILE)
    precision = int(document["precision"])
    return {
        code: tuple(_shape(item, precision) for item in items)
        for code, items in document["provinces"].items()
    }


def communes(province: str) -> tuple[Shape, ...]:
    """A province's commune cells (the same cells its shape was dissolved from); () if unknown."""
    return _communes().get(province, ())


def bounds(shapes: tuple[Shape, ...]) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of every point of the shapes."""
    lons = [p[0] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    lats = [p[1] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    return min(lons), min(lats), max(lons), max(lats)
