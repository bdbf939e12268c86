"""The Annual Data Usage Report as a document: charts and a map drawn server-side with matplotlib,
HTML from the report's template, PDF through WeasyPrint, CSV. Nothing is fetched: the map is drawn
from the offline base map shipped with Plateward (``web/static/map/base.geojson``)."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment

from plateward.oversight import annual_rules as rules
from plateward.oversight.annual import Figures

BASE_MAP = Path(__file__).resolve().parent.parent / "web" / "static" / "map" / "base.geojson"
TOP_LOCATIONS = 15  # the bar chart names the busiest cameras; the table lists them all
INK, ACCENT, HIT = "#1d2330", "#1f4e8c", "#a4262c"


@dataclass(frozen=True)
class Document:
    """What the report's template needs besides its figures."""

    year: int
    summary: str
    plans: str
    public: bool
    produced_at: datetime
    published_at: datetime | None = None


def _png(fig: Any) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def location_chart(figures: Figures) -> str:
    busiest = sorted(figures.locations, key=lambda loc: (-loc.reads, loc.code))[:TOP_LOCATIONS]
    fig = _figure(7.5, 0.35 * max(len(busiest), 3) + 1)
    axes = fig.add_subplot(1, 1, 1)
    labels = [loc.code for loc in reversed(busiest)]
    axes.barh(labels, [loc.reads for loc in reversed(busiest)], color=ACCENT, label="reads")
    axes.barh(labels, [loc.hits for loc in reversed(busiest)], color=HIT, label="hits")
    axes.set_xlabel("count")
    axes.set_title(f"Reads and hits by camera, {figures.year}")
    axes.legend(loc="lower right")
    return _png(fig)


def bar_chart(title: str, rows: list[tuple[str, int]]) -> str:
    fig = _figure(7.5, 0.4 * max(len(rows), 2) + 1)
    axes = fig.add_subplot(1, 1, 1)
    axes.barh([r[0] for r in reversed(rows)], [r[1] for r in reversed(rows)], color=ACCENT)
    axes.set_title(title)
    return _png(fig)


def location_map(figures: Figures) -> str:
    """The city's offline base map with each camera as a circle sized by its reads, red where it
    had hits."""
    fig = _figure(7.5, 6)
    axes = fig.add_subplot(1, 1, 1)
    for feature in json.loads(BASE_MAP.read_text())["features"]:
        geometry, props = feature["geometry"], feature["properties"]
        if geometry["type"] == "LineString":
            xs, ys = zip(*geometry["coordinates"], strict=True)
            limit = props.get("kind") == "limit"
            axes.plot(
                xs, ys, color="#9aa3b2" if limit else "#c9ced8", linewidth=1.2 if limit else 0.8
            )
        elif geometry["type"] == "Point":
            x, y = geometry["coordinates"]
            axes.annotate(props.get("name", ""), (x, y), fontsize=5, color="#5b6475")
    placed = [
        loc for loc in figures.locations if loc.latitude is not None and loc.longitude is not None
    ]
    most = max((loc.reads for loc in placed), default=1) or 1
    for loc in placed:
        size = 20 + 380 * loc.reads / most
        colour = HIT if loc.hits else ACCENT
        axes.scatter(
            [loc.longitude], [loc.latitude], s=size, color=colour, alpha=0.55, edgecolors=INK
        )
        axes.annotate(
            f"{loc.code} ({loc.reads}/{loc.hits})",
            (loc.longitude, loc.latitude),
            fontsize=5,
            xytext=(4, 4),
            textcoords="offset points",
        )
    axes.set_aspect("equal", adjustable="datalim")
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(f"Reads (circle size) and hits (red) by location, {figures.year}")
    return _png(fig)


def charts(figures: Figures) -> dict[str, str]:
    """Every image of the report, as data URIs (the page and the PDF embed them)."""
    images = {"map": location_map(figures)}
    if figures.locations:
        images["locations"] = location_chart(figures)
    if figures.accuracy:
        images["accuracy"] = bar_chart("Visual confirmation of hits", figures.accuracy)
    if figures.blocked:
        images["blocked"] = bar_chart("Blocked requests by category", figures.blocked)
    return images


def html(env: Environment, document: Document, figures: Figures) -> str:
    """The report as one self-contained HTML document (its images embedded)."""
    template = env.get_template("oversight/annual_document.html")
    return template.render(doc=document, figures=figures, images=charts(figures), rules=rules)


def pdf(document_html: str) -> bytes:
    """The HTML rendered to PDF by WeasyPrint, offline (no base URL: nothing can be fetched)."""
    from weasyprint import HTML

    result: bytes = HTML(string=document_html).write_pdf()
    return result


def csv_text(document: Document, figures: Figures) -> str:
    c = figures.complaints
    return rules.csv_text(
        [
            (
                "report",
                ["field", "value"],
                [
                    ("year", document.year),
                    ("summary", document.summary),
                    ("plans", document.plans),
                    ("reads", figures.reads_total),
                    ("hits", figures.hits_total),
                    ("reads_source", figures.reads_note),
                    ("searches", figures.searches),
                ],
            ),
            (
                "location",
                ["camera", "name", "location", "latitude", "longitude", "reads", "hits"],
                [
                    (
                        loc.code,
                        loc.name,
                        loc.location,
                        loc.latitude,
                        loc.longitude,
                        loc.reads,
                        loc.hits,
                    )
                    for loc in figures.locations
                ],
            ),
            ("records_accessed", ["action", "accesses", "records"], figures.records_accessed),
            ("accuracy", ["visual_confirmation", "hits"], figures.accuracy),
            ("sharing", ["agency", "accesses", "records"], figures.sharing),
            (
                "agreements",
                [
                    "agency",
                    "ori",
                    "reference",
                    "scopes",
                    "effective_on",
                    "expires_on",
                    "status_today",
                ],
                figures.agreements,
            ),
            ("on_behalf", ["beneficiary_agency", "searches"], figures.on_behalf),
            ("blocked", ["category", "requests"], figures.blocked),
            ("audit_findings", ["finding", "searches"], figures.audit_findings),
            ("audit_samples", ["month", "sampled", "violations"], figures.audit_samples),
            (
                "complaints",
                ["measure", "count"],
                [
                    ("received", c.received),
                    ("comments", c.comments),
                    ("complaints", c.complaints),
                    ("equity_concerns", c.equity_concerns),
                    ("closed", c.closed),
                    *((f"topic:{t}", n) for t, n in c.by_topic),
                    *((f"outcome:{o}", n) for o, n in c.by_outcome),
                ],
            ),
        ]
    )
