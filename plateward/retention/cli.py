"""``plateward purge`` and ``plateward backup create|restore`` (retention, issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plateward.core.errors import PlatewardError

backup_app = typer.Typer(
    help="Encrypted backups of the reads that forget what the purge removes.", no_args_is_help=True
)
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Directory holding var/ data: the SQLite database and secrets."
    ),
]
BackupFile = Annotated[Path, typer.Argument(help="The backup file.")]


def purge(
    data_dir: DataDir = None,
    vacuum: Annotated[
        bool,
        typer.Option(
            "--vacuum",
            help="SQLite: afterwards, rebuild the file to give the freed space back to the disk "
            "(writers wait while it runs: a quiet hour).",
        ),
    ] = False,
) -> None:
    """Purge the capture days past retention now (the same claimed job the scheduler runs)."""
    from plateward.cli import _existing_database, _settings, console
    from plateward.core.jobs import JobOutcome, Runner
    from plateward.jobs_catalog import catalog

    settings = _settings(data_dir)
    db = _existing_database(settings)
    try:
        runner = Runner(db, [job for job in catalog(settings) if job.name == "purge"])
        # The job's row is claimed atomically: a purge running elsewhere is not run twice.
        run = runner.run_now("purge")
        if vacuum and settings.is_sqlite and run is not None:
            _vacuum(db)
    finally:
        db.dispose()
    if run is None:
        console.print("A purge is running elsewhere right now; try again when it is done.")
        return
    console.print(run.message or "Nothing past retention to purge.", soft_wrap=True)
    if run.outcome is not JobOutcome.OK:
        raise typer.Exit(code=1)


def _vacuum(db: object) -> None:
    """SQLite reuses the pages a purge frees; VACUUM also returns them to the disk."""
    from sqlalchemy import Engine

    engine = getattr(db, "engine", None)
    if isinstance(engine, Engine):
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
        finally:
            raw.close()


@backup_app.command("create")
def backup_create(path: BackupFile, data_dir: DataDir = None) -> None:
    """Write every capture day (and each legal hold) sealed with its own key to PATH."""
    from plateward.cli import _existing_database, _settings, console
    from plateward.core.permissions import Actor
    from plateward.retention import backup

    settings = _settings(data_dir)
    db = _existing_database(settings)
    try:
        with db.unit_of_work() as uow:
            report = backup.create_backup(uow, Actor.system("cli:backup"), path)
    finally:
        db.dispose()
    console.print(
        f"Backup written to {path}: {len(report.days)} day(s), {report.reads} read(s), "
        f"{report.images} image(s), {len(report.holds)} hold(s) with {report.held_reads} "
        "held read(s). It holds no key: keep the master key and this database's key table "
        "apart from it (docs/retention.md).",
        soft_wrap=True,
        highlight=False,
    )


@backup_app.command("restore")
def backup_restore(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The backup file.")],
    data_dir: DataDir = None,
) -> None:
    """Put back what the live keys still open; days the purge forgot stay sealed for ever."""
    from plateward.cli import _existing_database, _fail, _settings, console
    from plateward.core.permissions import Actor
    from plateward.retention import backup

    settings = _settings(data_dir)
    db = _existing_database(settings)
    try:
        with db.unit_of_work() as uow:
            report = backup.restore_backup(uow, Actor.system("cli:backup"), path)
    except PlatewardError as exc:
        raise _fail(exc) from None
    finally:
        db.dispose()
    console.print(
        f"Restored {report.reads_restored} read(s) of {len(report.days_restored)} day(s) "
        f"({report.reads_opened} opened; the rest were stored already or past retention), "
        f"{report.images_restored} image(s), {report.held_reads_restored} held read(s). "
        f"Forgotten for good (keys destroyed): {len(report.days_forgotten)} day(s), "
        f"{len(report.holds_forgotten)} released hold(s).",
        soft_wrap=True,
        highlight=False,
    )
