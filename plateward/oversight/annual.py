"""The Annual Data Usage Report: its figures for a calendar year, the DPO's text, receipt, notice
of extension and publication (DUP §14, §8).

Every figure is computed from the records that enforce access: reads and hits by camera (the
daily aggregates for purged days, the reads and hits tables for the days still kept), records
accessed and sharing by agency (the trail's
entries of each access), accuracy (the officers' visual confirmations of hits), blocked requests
(the trail's refusals), audits, complaints. Published figures are frozen at publication, so the
public version says what the DPO released.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.hotlists import service as hotlists
from plateward.oversight import annual_rules as rules
from plateward.oversight import audits, complaints
from plateward.oversight.models import AnnualReport
from plateward.oversight.portal import searches_and_refusals
from plateward.oversight.portal_rules import block_tally
from plateward.reads import service as reads
from plateward.retention import rules as retention_rules
from plateward.retention import service as retention
from plateward.sharing import service as sharing


@dataclass(frozen=True)
class Figures:
    """The report's metrics (DUP §14.3): aggregates only, safe to publish."""

    year: int
    reads_total: int
    hits_total: int
    reads_note: str
    locations: list[rules.Location]
    searches: int
    records_accessed: list[tuple[str, int, int]]  # action, accesses, records returned
    accuracy: list[tuple[str, int]]  # visual confirmation result, hits
    sharing: list[tuple[str, int, int]]  # agency, accesses, records
    on_behalf: list[tuple[str, int]]  # beneficiary agency named in a purpose, searches
    blocked: list[tuple[str, int]]
    audit_findings: list[tuple[str, int]]
    audit_samples: list[tuple[str, int, int]]  # month, sampled, violations
    complaints: complaints.ComplaintTally
    # DUP §10 — each signed agreement in force at some time in the year: agency, ORI, reference,
    # scopes, effective, expires, status today (the sharing capability's rows).
    agreements: list[tuple[str, str, str, str, str, str, str]] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> Figures:
        data: dict[str, Any] = json.loads(text)
        data["locations"] = [rules.Location(**loc) for loc in data["locations"]]
        data["complaints"] = complaints.ComplaintTally(**data["complaints"])
        for name in (
            "records_accessed",
            "accuracy",
            "sharing",
            "on_behalf",
            "blocked",
            "audit_findings",
            "audit_samples",
            "agreements",
        ):
            data[name] = [tuple(row) for row in data.get(name, [])]
        return cls(**data)


@dataclass(frozen=True)
class ReportView:
    year: int
    due: date
    summary: str
    plans: str
    updated_at: datetime | None
    updated_by_name: str | None
    submitted_at: datetime | None
    release_due: date | None
    extension_notice: str | None
    extension_until: date | None
    published_at: datetime | None
    public_summary: str | None
    public_plans: str | None
    figures: Figures


def _bounds(uow: UnitOfWork, year: int) -> tuple[datetime, datetime]:
    zone = ZoneInfo(uow.settings.timezone)
    first, after = rules.period(year)
    return (
        datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC),
        datetime.combine(after, time.min, tzinfo=zone).astimezone(UTC),
    )


@dataclass(frozen=True)
class DayCounts:
    """Reads and hits of one camera on one capture day (UTC), and where the figure comes from."""

    day: date
    camera_id: int
    reads: int
    hits: int
    source: str  # "aggregate" (the day's final daily count, reads purged) or "reads" (live)


def day_counts(uow: UnitOfWork, year: int) -> list[DayCounts]:
    """Reads and hits per camera and capture day (UTC, the daily aggregates' day) of the year.

    DUP §14.3.a-b, §7 — a day whose reads were purged is taken from its final daily aggregate
    (``read_day_counts``, kept after purge); a day whose reads are still stored (the days inside
    retention, today included, and a day whose aggregate is not final yet) is counted from the
    reads and the hits with the very queries that make the aggregates
    (``reads.day_counts_by_camera``, ``hotlists.hit_counts_by_camera``). So a figure is the same
    before and after its day is purged, and a day is never counted twice.
    """
    first, after = rules.period(year)
    last = min(after - timedelta(days=1), uow.now().astimezone(UTC).date())
    if last < first:
        return []
    found = [
        DayCounts(c.day, c.camera_id, c.reads, c.hits, "aggregate")
        for c in retention.final_day_counts(uow, first, last)
    ]
    final_days = {c.day for c in found}
    stored = reads.capture_days_before(uow, retention_rules.day_end(last))
    for day in sorted(d for d in stored if first <= d <= last and d not in final_days):
        read_counts = reads.day_counts_by_camera(uow, day)
        hit_counts = hotlists.hit_counts_by_camera(
            uow, retention_rules.day_start(day), retention_rules.day_end(day)
        )
        found += [
            DayCounts(day, cid, read_counts.get(cid, 0), hit_counts.get(cid, 0), "reads")
            for cid in sorted(set(read_counts) | set(hit_counts))
        ]
    return sorted(found, key=lambda c: (c.day, c.camera_id))


def _by_location(uow: UnitOfWork, year: int) -> tuple[dict[int, int], dict[int, int], str]:
    """Reads and hits by camera id for the year, and a sentence saying where they come from."""
    counts = day_counts(uow, year)
    by_reads: Counter[int] = Counter()
    by_hits: Counter[int] = Counter()
    for c in counts:
        by_reads[c.camera_id] += c.reads
        by_hits[c.camera_id] += c.hits
    purged = len({c.day for c in counts if c.source == "aggregate"})
    live = len({c.day for c in counts if c.source == "reads"})
    note = (
        f"Reads and hits by location are counted by capture day (UTC) from January 1 to "
        f"December 31, {year}: {purged} day(s) whose reads were purged from their daily "
        f"aggregates, {live} day(s) whose reads are still kept from the reads themselves."
    )
    return dict(by_reads), dict(by_hits), note


def _access_entries(uow: UnitOfWork, start: datetime, end: datetime) -> list[Any]:
    return list(
        uow.session.execute(
            select(
                AuditEntry.action,
                AuditEntry.actor_agency,
                AuditEntry.result_count,
                AuditEntry.purpose,
            ).where(
                AuditEntry.action.in_(audits.DATA_ACTIONS),
                AuditEntry.outcome == "allowed",
                AuditEntry.actor_kind == "person",
                AuditEntry.at >= start,
                AuditEntry.at < end,
            )
        )
    )


def _tally(pairs: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    entries: Counter[str] = Counter()
    records: Counter[str] = Counter()
    for key, count in pairs:
        entries[key] += 1
        records[key] += count
    return [(k, entries[k], records[k]) for k in sorted(entries)]


def _sharing(
    accessed: list[Any], home: str, agreements: list[sharing.AgencyAgreements]
) -> list[tuple[str, int, int]]:
    """Accesses and records by outside agency: every agency with an agreement in force at some
    time in the year (none if it made no access), and any other agency whose people accessed
    data (e.g. for one case, under a first-access request)."""
    tally = {
        name: (n, r)
        for name, n, r in _tally(
            [(g or home, c or 0) for _, g, c, _ in accessed if (g or home) != home]
        )
    }
    for row in agreements:
        tally.setdefault(row.agency.name, (0, 0))
    return [(name, n, r) for name, (n, r) in sorted(tally.items())]


def figures(uow: UnitOfWork, actor: Actor, year: int) -> Figures:
    start, end = _bounds(uow, year)
    by_camera, hit_counts, note = _by_location(uow, year)
    places = [
        (cid, p.code, p.name, p.location, p.latitude, p.longitude)
        for cid, p in cameras.camera_places(uow).items()
    ]
    home = sharing.home_agency(uow).name
    first, after = rules.period(year)
    agreements = [
        row
        for row in sharing.agencies_and_agreements(uow, first, after - timedelta(days=1))
        if row.agreements
    ]
    accessed = _access_entries(uow, start, end)
    on_behalf = Counter(
        str(p["beneficiary_agency"]) for *_, p in accessed if p and p.get("beneficiary_agency")
    )
    searches, refusals = searches_and_refusals(uow, start, end)
    visual = hotlists.visual_confirmations(uow, start, end)
    return Figures(
        year=year,
        reads_total=sum(by_camera.values()),
        hits_total=sum(hit_counts.values()),
        reads_note=note,
        locations=rules.locations(places, by_camera, hit_counts),
        searches=searches,
        records_accessed=_tally([(a, c or 0) for a, _, c, _ in accessed]),
        accuracy=sorted(visual.items()),
        sharing=_sharing(accessed, home, agreements),
        agreements=[
            (
                row.agency.name,
                row.agency.ori,
                g.reference,
                ", ".join(g.scopes),
                g.effective_on.isoformat(),
                g.expires_on.isoformat(),
                g.status,
            )
            for row in agreements
            for g in row.agreements
        ],
        on_behalf=sorted(on_behalf.items()),
        blocked=block_tally(refusals),
        audit_findings=sorted(audits.finding_counts(uow, start, end).items()),
        audit_samples=audits.findings_tally(uow, start, end),
        complaints=complaints.tally(uow, start, end),
    )


def _row(uow: UnitOfWork, year: int) -> AnnualReport | None:
    return uow.session.scalar(select(AnnualReport).where(AnnualReport.year == year))


def _view(uow: UnitOfWork, actor: Actor, year: int) -> ReportView:
    row = _row(uow, year)
    submitted = row.submitted_at if row else None
    return ReportView(
        year=year,
        due=rules.due_date(year),
        summary=row.summary if row else "",
        plans=row.plans if row else "",
        updated_at=row.updated_at if row else None,
        updated_by_name=row.updated_by_name if row else None,
        submitted_at=submitted,
        release_due=rules.release_due(submitted.date()) if submitted else None,
        extension_notice=row.extension_notice if row else None,
        extension_until=row.extension_until if row else None,
        published_at=row.published_at if row else None,
        public_summary=row.public_summary if row else None,
        public_plans=row.public_plans if row else None,
        figures=figures(uow, actor, year),
    )


def _record(uow: UnitOfWork, actor: Actor, action: AuditAction, year: int, **details: Any) -> None:
    audit.record(uow, actor, AuditEvent(action, query_terms={"year": year}, details=details))


def report(uow: UnitOfWork, actor: Actor, year: int) -> ReportView:
    """The year's report with its figures as of now; opening it is audited."""
    authorize(uow, actor, Permission.REPORTS_MANAGE)
    view = _view(uow, actor, rules.year_of(year))
    _record(uow, actor, AuditAction.ANNUAL_REPORT_VIEWED, view.year)
    uow.commit()
    return view


def _editable(uow: UnitOfWork, actor: Actor, year: int) -> AnnualReport:
    row = _row(uow, year)
    if row is None:
        row = AnnualReport(
            year=year, summary="", plans="", updated_at=uow.now(), updated_by_name=actor.name
        )
        uow.session.add(row)
    return row


def edit(uow: UnitOfWork, actor: Actor, year: int, summary: str, plans: str) -> None:
    """DUP §14.1-2 — the summary of the year (value to the department, updates) and the plans."""
    authorize(uow, actor, Permission.REPORTS_MANAGE)
    year = rules.year_of(year)
    row = _editable(uow, actor, year)
    if row.published_at is not None:
        raise Conflict(f"the {year} report is published; its public version no longer changes")
    row.summary, row.plans = rules.text(summary, "summary"), rules.text(plans, "plans")
    row.updated_at, row.updated_by_name = uow.now(), actor.name
    _record(
        uow,
        actor,
        AuditAction.ANNUAL_REPORT_EDITED,
        year,
        summary_chars=len(row.summary),
        plans_chars=len(row.plans),
    )
    uow.commit()


def submit(uow: UnitOfWork, actor: Actor, year: int) -> None:
    """The DPO records receipt of the Department's report: the 90-day release clock starts."""
    authorize(uow, actor, Permission.REPORTS_MANAGE)
    year = rules.year_of(year)
    row = _editable(uow, actor, year)
    if row.submitted_at is not None:
        raise Conflict(f"the {year} report was received on {row.submitted_at:%Y-%m-%d}")
    row.submitted_at = uow.now()
    _record(uow, actor, AuditAction.ANNUAL_REPORT_SUBMITTED, year, due=str(rules.due_date(year)))
    uow.commit()


def extend(uow: UnitOfWork, actor: Actor, year: int, notice: str, until: str) -> None:
    """DUP §14 — the DPO's public notice of extension, shown on the portal."""
    authorize(uow, actor, Permission.REPORTS_MANAGE)
    year = rules.year_of(year)
    row = _editable(uow, actor, year)
    text = rules.text(notice, "notice")
    if not text:
        raise InvalidInput("write the public notice: why more time is needed")
    row.extension_notice = text
    row.extension_until = rules.extension_until(until, uow.now().date())
    row.extension_at = uow.now()
    _record(uow, actor, AuditAction.ANNUAL_REPORT_EXTENDED, year, until=str(row.extension_until))
    uow.commit()


def publish(
    uow: UnitOfWork, actor: Actor, year: int, public_summary: str, public_plans: str
) -> None:
    """DUP §14, §8 — the redacted public version: the DPO's public text and the aggregates as of
    now, frozen; the portal lists it."""
    authorize(uow, actor, Permission.REPORTS_MANAGE)
    year = rules.year_of(year)
    row = _editable(uow, actor, year)
    if row.published_at is not None:
        raise Conflict(f"the {year} report is already published")
    row.public_summary = rules.text(public_summary, "public summary")
    row.public_plans = rules.text(public_plans, "public plans")
    row.public_figures = figures(uow, actor, year).as_json()
    row.published_at = uow.now()
    _record(uow, actor, AuditAction.ANNUAL_REPORT_PUBLISHED, year)
    uow.commit()


@dataclass(frozen=True)
class PublicReport:
    year: int
    published_at: datetime
    summary: str
    plans: str
    figures: Figures


def public_report(uow: UnitOfWork, year: int) -> PublicReport:
    """The published version, for anyone (no actor): the DPO's public text and frozen figures."""
    row = _row(uow, rules.year_of(year))
    if row is None or row.published_at is None or row.public_figures is None:
        raise NotFound(f"No report for {year} has been published.")
    return PublicReport(
        row.year,
        row.published_at,
        row.public_summary or "",
        row.public_plans or "",
        Figures.from_json(row.public_figures),
    )


def record_export(uow: UnitOfWork, actor: Actor, year: int, fmt: str) -> None:
    """An export of the report (HTML, PDF, CSV; the command line too) is audited."""
    authorize(uow, actor, Permission.REPORTS_MANAGE)
    _record(uow, actor, AuditAction.ANNUAL_REPORT_EXPORTED, rules.year_of(year), format=fmt)
    uow.commit()


# --- DUP §14.3.a.ii: the DPO's access to the reads data by location, without plates -----------


@dataclass(frozen=True)
class AggregateRow:
    captured_at: datetime
    camera: str
    latitude: float | None
    longitude: float | None
    hit: bool


AGGREGATE_LIMIT = 1_000_000


def aggregate_reads(uow: UnitOfWork, actor: Actor, year: int) -> list[AggregateRow]:
    """Each visible read of the year: time, camera, latitude, longitude, hit flag — no plate, no
    image, no id. The access is audited with the period and the row count."""
    year = rules.year_of(year)
    start, end = _bounds(uow, year)
    points = reads.read_points(uow, actor, start, end, AGGREGATE_LIMIT)
    hit_ids = hotlists.hit_read_ids(uow, start, end)
    codes = cameras.camera_codes(uow)
    rows = [
        AggregateRow(
            p.captured_at, codes.get(p.camera_id, "?"), p.latitude, p.longitude, p.id in hit_ids
        )
        for p in points
    ]
    _aggregates_viewed(
        uow,
        actor,
        year,
        len(rows),
        columns=["captured_at", "camera", "latitude", "longitude", "hit"],
    )
    return rows


@dataclass(frozen=True)
class LocationDay:
    """One camera's reads and hits on one capture day, with its place: no plate, no read."""

    day: date
    camera: str
    latitude: float | None
    longitude: float | None
    reads: int
    hits: int
    source: str  # aggregate | reads


LOCATION_DAY_COLUMNS = ("day", "camera", "latitude", "longitude", "reads", "hits", "source")


def location_days(uow: UnitOfWork, actor: Actor, year: int) -> list[LocationDay]:
    """DUP §14.3.a.ii — the aggregate reads data by location for the whole year, also for the
    days already purged (from the daily aggregates): per capture day and camera, its latitude and
    longitude, reads and hits. Never a plate, an image or a read id. Audited with the row count."""
    authorize(uow, actor, Permission.REPORTS_AGGREGATES)
    year = rules.year_of(year)
    places = cameras.camera_places(uow)
    codes = cameras.camera_codes(uow)
    rows = []
    for c in day_counts(uow, year):
        place = places.get(c.camera_id)
        rows.append(
            LocationDay(
                c.day,
                codes.get(c.camera_id, "?"),
                place.latitude if place else None,
                place.longitude if place else None,
                c.reads,
                c.hits,
                c.source,
            )
        )
    _aggregates_viewed(
        uow, actor, year, len(rows), columns=list(LOCATION_DAY_COLUMNS), granularity="camera-day"
    )
    return rows


def _aggregates_viewed(
    uow: UnitOfWork, actor: Actor, year: int, count: int, **details: Any
) -> None:
    """Audit a download of the aggregate reads data (what was asked, how many rows) and commit."""
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.READ_AGGREGATES_VIEWED,
            query_terms={"year": year},
            result_count=count,
            details=details,
        ),
    )
    uow.commit()


# --- deadline reminders ---------------------------------------------------------------------------

REMINDER = Actor.worker("annual-report-reminder", Permission.REPORTS_MANAGE)


def remind(uow: UnitOfWork) -> str | None:
    """DUP §14 — from ``annual_report_reminder_days`` before March 1 until the previous year's
    report is received, one reminder a day in the trail (the DPO's reports page shows it)."""
    today = uow.now().astimezone(ZoneInfo(uow.settings.timezone)).date()
    year = rules.reminder_due(today, uow.settings.annual_report_reminder_days)
    if year is None:
        return None
    row = _row(uow, year)
    if row is not None and row.submitted_at is not None:
        return None
    day_start = datetime.combine(today, time.min, tzinfo=ZoneInfo(uow.settings.timezone))
    already = uow.session.scalar(
        select(AuditEntry.seq)
        .where(
            AuditEntry.action == str(AuditAction.ANNUAL_REPORT_REMINDED),
            AuditEntry.at >= day_start.astimezone(UTC),
        )
        .limit(1)
    )
    if already is not None:
        return None
    due = rules.due_date(year)
    days_left = (due - today).days
    _record(
        uow,
        REMINDER,
        AuditAction.ANNUAL_REPORT_REMINDED,
        year,
        due=str(due),
        days_left=days_left,
    )
    state = "overdue" if days_left < 0 else f"due in {days_left} day(s)"
    return f"the {year} Annual Data Usage Report is {state} ({due})"


def reminders(uow: UnitOfWork, actor: Actor) -> list[str]:
    """What the DPO's reports page says is due: the reminders' state today."""
    authorize(uow, actor, Permission.REPORTS_MANAGE)
    today = uow.now().astimezone(ZoneInfo(uow.settings.timezone)).date()
    notes = []
    year = rules.reminder_due(today, uow.settings.annual_report_reminder_days)
    if year is not None:
        row = _row(uow, year)
        if row is None or row.submitted_at is None:
            notes.append(f"The {year} report is due by {rules.due_date(year):%B %-d, %Y}.")
    for row in uow.session.scalars(
        select(AnnualReport).where(
            AnnualReport.submitted_at.is_not(None), AnnualReport.published_at.is_(None)
        )
    ):
        assert row.submitted_at is not None  # noqa: S101 — filtered above
        release = rules.release_due(row.submitted_at.date())
        if row.extension_until:
            notes.append(f"The {row.year} report's release is extended to {row.extension_until}.")
        else:
            notes.append(f"The {row.year} report must be released by {release}.")
    return notes
