"""DUP §14, §8 — the DPO opens a year's Annual Data Usage Report, edits the summary and plans, and
downloads it as PDF (charts and a map drawn offline), HTML and CSV; reads and hits by location,
records accessed, accuracy, sharing, blocked requests, audits, complaints; the DPO's notice of
extension and the published public version; the aggregate reads data without plates."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PageObject, PdfReader

from plateward.core.database import Database
from tests.conftest import Backend, csrf_from, native_read, sign_in
from tests.hotlists.conftest import People, alerts_of, ingest, listed, people, read_of
from tests.search.conftest import entries, search

__all__ = ["people"]  # the fixture, shared with the hot-list tests

SUMMARY = "ALPR helped close 41 robbery cases in 2026; two cameras moved away from a clinic."
PLANS = "No expansion planned for 2027; retention stays at 30 days."


def _year_activity(people: People, client: TestClient, ingest_token: str) -> None:
    """Reads on two cameras, one hot-list hit confirmed by the officer, one search, one refusal."""
    listed(people)
    officer = people("officer")
    ingest(client, ingest_token, read_of("7STL123", camera="SJ-FX-001"))
    ingest(client, ingest_token, native_read(camera="SJ-FX-002", plate="5XYZ987"))
    ingest(client, ingest_token, native_read(camera="SJ-FX-002", plate="5XYZ988"))
    [alert] = alerts_of(officer)
    page = officer.get(f"/alerts/{alert['id']}")
    officer.post(
        f"/alerts/{alert['id']}/steps",
        data={"csrf_token": csrf_from(page.text), "step": "visual", "value": "plate_matches"},
    )
    investigator = people("investigator")
    assert search(investigator, plate="5XYZ987").status_code == 200
    blocked = search(
        investigator,
        plate="5XYZ987",
        crime_type="8 U.S.C. 1326",
        justification="ICE asked us to find the driver for removal.",
    )
    assert blocked.status_code == 403


def _save(client: TestClient) -> None:
    page = client.get("/reports?year=2026")
    assert page.status_code == 200, page.text
    response = client.post(
        "/reports/2026",
        data={"csrf_token": csrf_from(page.text), "summary": SUMMARY, "plans": PLANS},
        follow_redirects=False,
    )
    assert response.status_code == 303


def _drawn_images(page: PageObject) -> int:
    """Images the page's content stream draws (``/Name Do``): what the reader sees there."""
    return len(re.findall(rb"/\w+ Do\b", page.get_contents().get_data()))


@pytest.fixture
def dpo(client: TestClient, backend: Backend) -> TestClient:
    return sign_in(client, backend, "dpo")


def test_the_dpo_edits_the_report_and_downloads_a_pdf_with_charts_and_a_map(
    people: People, dpo: TestClient, db: Database, ingest_token: str
) -> None:
    _year_activity(people, dpo, ingest_token)
    _save(dpo)

    response = dpo.get("/reports/2026/report.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    pages = [" ".join(p.extract_text().split()) for p in pdf.pages]
    assert len(pages) >= 2
    assert "Annual Data Usage Report 2026" in pages[0]
    assert SUMMARY in pages[0] and PLANS in pages[0]
    location_page = next(i for i, text in enumerate(pages) if "Reads and hits by location" in text)
    assert _drawn_images(pdf.pages[location_page]) >= 1  # the map, under its heading
    assert sum(_drawn_images(p) for p in pdf.pages) == 4  # map, locations, accuracy, blocked
    whole = " ".join(pages)
    for heading in (
        "Records accessed",
        "Accuracy of accessed records",
        "Sharing by agency",
        "Blocked requests",
        "Audits and findings",
        "Complaints and outcomes",
    ):
        assert heading in whole, heading
    assert "SJ-FX-001" in whole and "SJ-FX-002" in whole
    assert "Immigration enforcement" in whole
    assert "plate matches 1" in whole.replace("plate matches1", "plate matches 1")
    assert "7STL123" not in whole and "5XYZ987" not in whole  # DUP §8: no plate
    assert [e.details["format"] for e in entries(db, "annual_report.exported")] == ["pdf"]
    assert entries(db, "annual_report.edited")[0].actor_username == "dpo"


def test_reads_and_hits_by_location_come_from_the_reads_and_the_hits(
    people: People, dpo: TestClient, ingest_token: str
) -> None:
    _year_activity(people, dpo, ingest_token)

    sheet = dpo.get("/reports/2026/report.csv").text

    rows = [r for r in csv.reader(io.StringIO(sheet)) if r and r[0] == "location"]
    by_camera = {r[1]: (int(r[6]), int(r[7])) for r in rows}
    assert by_camera["SJ-FX-001"] == (1, 1)
    assert by_camera["SJ-FX-002"] == (2, 0)
    report = {r[1]: r[2] for r in csv.reader(io.StringIO(sheet)) if r and r[0] == "report"}
    assert report["searches"] == "1"


def test_the_dpo_reads_the_aggregate_reads_with_location_and_hit_flag_but_no_plate(
    people: People, dpo: TestClient, db: Database, ingest_token: str
) -> None:
    _year_activity(people, dpo, ingest_token)

    response = dpo.get("/reports/2026/reads.csv")

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == ["captured_at", "camera", "latitude", "longitude", "hit"]
    assert sorted((r["camera"], r["hit"]) for r in rows) == [
        ("SJ-FX-001", "1"),
        ("SJ-FX-002", "0"),
        ("SJ-FX-002", "0"),
    ]
    assert all(r["latitude"] and r["longitude"] for r in rows)
    assert "7STL123" not in response.text and "5XYZ987" not in response.text
    (entry,) = entries(db, "reads.aggregates_viewed")
    assert entry.result_count == 3


def test_the_dpo_posts_a_notice_of_extension_the_public_sees(dpo: TestClient, db: Database) -> None:
    page = dpo.get("/reports?year=2026")

    dpo.post(
        "/reports/2026/extension",
        data={
            "csrf_token": csrf_from(page.text),
            "notice": "Removing case details from the 2026 report takes longer than planned.",
            "until": "2027-07-15",
        },
    )

    portal = dpo.get("/transparency").text
    assert "notice of extension (until 2027-07-15)" in portal
    assert entries(db, "annual_report.extended")[0].details["until"] == "2027-07-15"


def test_the_published_public_version_is_on_the_portal_with_frozen_figures(
    people: People, dpo: TestClient, ingest_token: str
) -> None:
    _year_activity(people, dpo, ingest_token)
    page = dpo.get("/reports?year=2026")
    dpo.post(
        "/reports/2026/publish",
        data={
            "csrf_token": csrf_from(page.text),
            "public_summary": "Public summary.",
            "public_plans": "Public plans.",
        },
    )
    ingest(dpo, ingest_token, native_read(camera="SJ-FX-002", plate="5XYZ989"))
    dpo.cookies.clear()

    portal = dpo.get("/transparency").text
    public = dpo.get("/transparency/reports/2026")
    pdf = dpo.get("/transparency/reports/2026/report.pdf")

    assert 'href="/transparency/reports/2026"' in portal
    assert public.status_code == 200 and "Public summary." in public.text
    assert "<td>SJ-FX-002</td>" in public.text
    assert "<td>2</td><td>0</td></tr>" in public.text  # the figures as published, not 3
    assert SUMMARY not in public.text
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_unpublished_report_is_not_public(client: TestClient) -> None:
    assert client.get("/transparency/reports/2026").status_code == 404


def test_only_the_dpo_opens_the_report(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "auditor")

    assert client.get("/reports?year=2026", follow_redirects=False).status_code == 403
    assert client.get("/reports/2026/reads.csv", follow_redirects=False).status_code == 403
    assert entries(db, "access.refused")[-1].details["permission"] == "reports:aggregates"
