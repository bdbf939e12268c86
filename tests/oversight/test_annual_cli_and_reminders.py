"""DUP §14 — `plateward report annual --year YYYY` builds the report at the host, audited; the
`annual-report-reminder` job reminds from before March 1 until the DPO records receipt."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from plateward.core.audit import AuditEntry
from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.oversight import annual
from tests.conftest import run_cli
from tests.search.conftest import entries


def test_the_command_writes_the_years_report_as_pdf_and_is_audited(
    data_dir: Path, tmp_path: Path
) -> None:
    run_cli(
        "init",
        "--ori",
        "CA0431300",
        "--name",
        "San José Police Department",
        "--data-dir",
        str(data_dir),
    )
    target = tmp_path / "report.pdf"

    output = run_cli(
        "report", "annual", "--year", "2026", "--output", str(target), "--data-dir", str(data_dir)
    )

    assert "Annual Data Usage Report 2026" in output and "due 2027-03-01" in output
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Annual Data Usage Report 2026" in " ".join(text.split())
    db = Database.from_settings(Settings(data_dir=data_dir))
    try:
        with db.unit_of_work() as uow:
            exported = uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "annual_report.exported")
            ).one()
    finally:
        db.dispose()
    assert (exported.actor_kind, exported.details["format"]) == ("operator", "pdf")


def test_a_reminder_a_day_from_before_march_first_until_the_report_is_received(
    db: Database,
) -> None:
    clock = db.clock
    clock.now = lambda: datetime(2027, 2, 10, 18, tzinfo=UTC)  # type: ignore[method-assign]
    with db.unit_of_work() as uow:
        first = annual.remind(uow)
        uow.commit()
    with db.unit_of_work() as uow:
        again = annual.remind(uow)  # the same day: once
        uow.commit()

    assert first == "the 2026 Annual Data Usage Report is due in 19 day(s) (2027-03-01)"
    assert again is None
    (entry,) = entries(db, "annual_report.reminded")
    assert entry.actor_username == "job:annual-report-reminder"

    with db.unit_of_work() as uow:
        annual.submit(uow, annual.REMINDER, 2026)
    clock.now = lambda: datetime(2027, 2, 11, 18, tzinfo=UTC)  # type: ignore[method-assign]
    with db.unit_of_work() as uow:
        assert annual.remind(uow) is None  # received: no more reminders


def test_no_reminder_long_before_the_deadline(db: Database) -> None:
    with db.unit_of_work() as uow:  # November 2026: the 2025 report was due last March
        assert annual.remind(uow) is not None  # …and was never received: overdue
    db.clock.now = lambda: datetime(2026, 12, 1, 18, tzinfo=UTC)  # type: ignore[method-assign]
    with db.unit_of_work() as uow:
        annual.submit(uow, annual.REMINDER, 2025)
        assert annual.remind(uow) is None  # the 2026 report is not due for months
