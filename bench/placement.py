"""Placement benchmark: what the sensitive-site checks cost ingest and the registry.

    .venv/bin/python bench/placement.py [--reads N] [--sites M] [--cameras C]

Pure geometry, no database (cameras/rules.py): M invented sites with short driveways scattered
over the demo city's bounding box, N mobile-camera read positions, C fixed cameras.

- mobile reads: ``SiteZones.site_at`` (a spatial index over the sites' buffered boxes, then an
  exact distance) against the naive answer (the exact distance to every site) — both must agree,
  and the ratio says what the index saves per read at this number of sites;
- fixed cameras: ``placement_conflicts`` per camera against all M sites (the review run when the
  sites change).

Prints ratios measured in this run and ends with one JSON line; asserts nothing.
"""

from __future__ import annotations

import json
import random
import time
from typing import Annotated

import typer
from shapely.geometry import LineString, Point

from plateward.cameras.rules import (
    FieldOfView,
    LocalPlane,
    SiteEntrances,
    SiteZones,
    placement_conflicts,
)

LAT, LON = (37.20, 37.45), (-122.05, -121.75)


def _sites(count: int, rng: random.Random) -> list[SiteEntrances]:
    sites = []
    for i in range(count):
        lat, lon = rng.uniform(*LAT), rng.uniform(*LON)
        line = LineString([(lon, lat), (lon + 0.0003, lat + rng.uniform(-0.0002, 0.0002))])
        sites.append(SiteEntrances(i, f"site {i}", "other", line))
    return sites


def _naive(sites: list[SiteEntrances], lat: float, lon: float, buffer_m: float) -> int | None:
    plane = LocalPlane(lat, lon)
    for site in sites:
        if Point(0, 0).distance(plane.to_metres(site.entrances)) <= buffer_m:
            return site.id
    return None


def main(
    reads: Annotated[int, typer.Option(help="mobile read positions to check")] = 20_000,
    sites: Annotated[int, typer.Option(help="sensitive sites")] = 200,
    cameras: Annotated[int, typer.Option(help="fixed cameras to review")] = 300,
    buffer_m: Annotated[float, typer.Option(help="mobile buffer, metres")] = 60.0,
) -> None:
    rng = random.Random(17)
    registry = _sites(sites, rng)
    # Half the reads near a site, half anywhere: patrol cars do pass clinics.
    points = []
    for i in range(reads):
        if i % 2 and registry:
            lon, lat = registry[rng.randrange(len(registry))].entrances.coords[0]
            points.append((lat + rng.uniform(-0.001, 0.001), lon + rng.uniform(-0.001, 0.001)))
        else:
            points.append((rng.uniform(*LAT), rng.uniform(*LON)))

    start = time.perf_counter()
    zones = SiteZones(registry, buffer_m)
    built = time.perf_counter() - start
    start = time.perf_counter()
    indexed = [zones.site_at(lat, lon) for lat, lon in points]
    indexed_s = time.perf_counter() - start
    sample = points[: min(len(points), 2000)]
    start = time.perf_counter()
    naive = [_naive(registry, lat, lon, buffer_m) for lat, lon in sample]
    naive_s = (time.perf_counter() - start) * len(points) / max(len(sample), 1)
    agree = all(
        (a is None) == (b is None) for a, b in zip(indexed[: len(sample)], naive, strict=True)
    )
    dropped = sum(s is not None for s in indexed)

    views = [
        FieldOfView(rng.uniform(*LAT), rng.uniform(*LON), rng.uniform(0, 360), 50, 40)
        for _ in range(cameras)
    ]
    start = time.perf_counter()
    conflicting = sum(bool(placement_conflicts(v, registry, 15.0)) for v in views)
    review_s = time.perf_counter() - start

    per_read_us = indexed_s / max(reads, 1) * 1e6
    print(f"{sites} sites, {reads} mobile reads ({dropped} near a site), {cameras} cameras")
    print(f"index built in {built * 1e3:.1f} ms; {per_read_us:.1f} µs per read checked")
    print(
        f"naive per-read loop (extrapolated from {len(sample)}): x{naive_s / indexed_s:.1f} slower"
    )
    print(
        f"placement review of {cameras} cameras: {review_s * 1e3:.1f} ms ({conflicting} conflict)"
    )
    print(
        json.dumps(
            {
                "sites": sites,
                "reads": reads,
                "cameras": cameras,
                "reads_near_sites": dropped,
                "index_build_ms": round(built * 1e3, 2),
                "per_read_us": round(per_read_us, 2),
                "naive_over_index": round(naive_s / indexed_s, 2),
                "index_agrees_with_naive": agree,
                "review_ms": round(review_s * 1e3, 2),
                "cameras_conflicting": conflicting,
            }
        )
    )


if __name__ == "__main__":
    typer.run(main)
