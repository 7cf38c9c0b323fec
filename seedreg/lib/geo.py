"""Coordinates. SeedReg stores WGS-84 (what a phone's GPS gives). Chinese web maps (AMap,
Tencent) use GCJ-02, an obfuscated datum that is off by some hundreds of metres; positions
picked on such a map are converted before they are stored."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from geopy.distance import geodesic

_A = 6378245.0
_EE = 0.00669342162296594323


def in_china(lat: float, lon: float) -> bool:
    # GCJ-02 only applies inside mainland China; outside it equals WGS-84.
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _delta(lat, lon):
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if not in_china(lat, lon):
        return lat, lon
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration (the forward transform has no closed inverse);
    converges to well under a centimetre in a few steps."""
    if not in_china(lat, lon):
        return lat, lon
    wlat, wlon = lat, lon
    for _ in range(30):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        dlat, dlon = glat - lat, glon - lon
        wlat, wlon = wlat - dlat, wlon - dlon
        if abs(dlat) < 1e-10 and abs(dlon) < 1e-10:
            break
    return wlat, wlon


def to_wgs84(lat, lon, system: str) -> tuple[Decimal, Decimal]:
    """(lat, lon) in ``system`` ("wgs84" or "gcj02") as WGS-84 Decimals with 6 places (~0.1 m)."""
    lat, lon = float(lat), float(lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("coordinates out of range")
    if system == "gcj02":
        lat, lon = gcj02_to_wgs84(lat, lon)
    elif system != "wgs84":
        raise ValueError(f"unknown coordinate system {system!r}")
    q = Decimal("0.000001")
    return Decimal(lat).quantize(q, ROUND_HALF_UP), Decimal(lon).quantize(q, ROUND_HALF_UP)


def distance_m(a: tuple, b: tuple) -> float:
    """Geodesic distance in metres between two (lat, lon) points (WGS-84 ellipsoid)."""
    return geodesic((float(a[0]), float(a[1])), (float(b[0]), float(b[1]))).meters


def approx_distance_m(a: tuple, b: tuple) -> float:
    """Equirectangular distance in metres on a sphere: within 1 % of ``distance_m`` over the
    tens of kilometres a county spans, and some 100 times cheaper, so a ranking can shortlist
    with it and compute the exact distance only for the shortlist."""
    lat1, lon1, lat2, lon2 = float(a[0]), float(a[1]), float(b[0]), float(b[1])
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_008.8 * math.hypot(x, math.radians(lat2 - lat1))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing a circle: an index-friendly prefilter
    before the exact geodesic distance."""
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
