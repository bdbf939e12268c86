"""The ``plateward`` command."""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from plateward.core.errors import PlatewardError
from plateward.core.settings import Settings
from plateward.guard.cli import guard_app
from plateward.setup_cli import init, people_app

if TYPE_CHECKING:
    # SQLAlchemy loads only for commands that open the database: `guard check` starts fast.
    from plateward.core.database import Database
    from plateward.core.jobs import JobRun, Runner

app = typer.Typer(
    help="Plateward: an ALPR data platform that enforces its Data Usage Protocol in code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.command("init")(init)
app.add_typer(people_app, name="people")
app.add_typer(guard_app, name="guard")
console = Console()

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Directory holding var/ data: the SQLite database and secrets."
    ),
]
Host = Annotated[str, typer.Option(help="Interface to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


def _settings(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir is not None else Settings()


def _refuse(message: str) -> typer.Exit:
    # One line, never folded, so a script or a person reads the whole reason.
    console.print(f"[red]Refused:[/red] {message}", soft_wrap=True, highlight=False)
    return typer.Exit(code=2)


def _missing_database(settings: Settings) -> str | None:
    """Why ``settings`` name no Plateward database yet, or None when one is there.

    Checked before anything connects: SQLite would otherwise create an empty file.
    """
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from plateward.core.database import make_engine

    url = settings.resolved_database_url
    create = f"create it with `plateward db upgrade{_data_dir_flag(settings)}` or `plateward demo`"
    if settings.is_sqlite:
        path = make_url(url).database
        if path and path != ":memory:" and not Path(path).is_file():
            return f"no Plateward database in {settings.data_dir} ({path} does not exist); {create}"
    engine = make_engine(url)
    where = url.split("@")[-1]
    try:
        with engine.connect() as connection:
            migrated = inspect(connection).has_table("alembic_version")
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"cannot open the database at {where}: {reason}"
    finally:
        engine.dispose()
    return None if migrated else f"the database at {where} has no Plateward schema; {create}"


def _data_dir_flag(settings: Settings) -> str:
    import shlex

    return f" --data-dir {shlex.quote(str(settings.data_dir.resolve()))}"


def _existing_database(settings: Settings, *, upgrade: bool = True) -> Database:
    """The database of a data directory that holds one; refuse (exit 2) one that does not.

    Every command but ``db upgrade`` and ``demo`` opens the database this way.
    """
    from plateward.core.database import Database

    problem = _missing_database(settings)
    if problem is not None:
        raise _refuse(problem)
    return _database(settings) if upgrade else Database.from_settings(settings)


def _database(settings: Settings) -> Database:
    from plateward.core.database import Database
    from plateward.core.migrate import upgrade
    from plateward.reads import service as reads

    db = Database.from_settings(settings)
    upgrade(db.engine)  # type: ignore[arg-type]
    with db.unit_of_work() as uow:
        reads.prepare_partitions(uow)
        uow.commit()
    return db


def _fail(exc: PlatewardError) -> typer.Exit:
    console.print(f"[red]Error:[/red] {exc.detail}")
    return typer.Exit(code=1)


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply every schema migration (SQLite or PostgreSQL) and create read partitions ahead."""
    settings = _settings(data_dir)
    _database(settings).dispose()
    console.print(f"Database is up to date: {settings.resolved_database_url.split('@')[-1]}")


def _sign_head(settings: Settings, db: Database) -> None:
    """DUP §9: sign the trail's head, so a trail cut short after this is detected."""
    from plateward.core.audit import CHECKPOINT_WORKER
    from plateward.core.checkpoints import checkpoint_if_moved

    with db.unit_of_work() as uow:
        checkpoint_if_moved(uow, _audit_signing_key(settings), CHECKPOINT_WORKER)
        uow.commit()


def _custody(settings: Settings, *, demo: bool) -> None:
    """DUP §9, §12: refuse a signing key the server could rewrite (warn in the demo), and warn
    about data files other local accounts can read."""
    from plateward.core.custody import key_custody_problems, loose_files, witness_warnings

    problems = key_custody_problems(settings)
    for problem in [*loose_files(settings), *([] if demo else witness_warnings(settings))]:
        console.print(f"[yellow]Warning:[/yellow] {problem}", soft_wrap=True)
    if not problems:
        return
    if demo:
        console.print(
            "[yellow]Demo only:[/yellow] the audit signing key sits beside the data, so whoever "
            "can write the data directory could re-sign a rewritten trail.",
            soft_wrap=True,
        )
        return
    for problem in problems:
        console.print(f"[red]Refused:[/red] {problem}", soft_wrap=True)
    console.print(
        "Keep the key where the server's account cannot write it and set "
        "PLATEWARD_AUDIT_SIGNING_KEY_FILE (see docs/security.md).",
        soft_wrap=True,
    )
    raise typer.Exit(code=2)


def _serve(settings: Settings, db: Database, host: str, port: int) -> None:
    import uvicorn

    from plateward.core.jobs import JobThread, Runner
    from plateward.core.log import log_to_stderr
    from plateward.jobs_catalog import catalog
    from plateward.web.app import create_app

    _sign_head(settings, db)
    log_to_stderr()  # the access log and job failures; uvicorn's own access log is off
    console.print(f"Serving Plateward at [bold]http://{host}:{port}[/bold]  (Ctrl+C stops)")
    jobs = JobThread(Runner(db, catalog(settings)))
    jobs.start()
    try:
        uvicorn.run(
            create_app(settings, db), host=host, port=port, log_level="warning", access_log=False
        )
    finally:
        jobs.stop()


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 8000, data_dir: DataDir = None) -> None:
    """Serve the web app and the API."""
    settings = _settings(data_dir)
    db = _existing_database(settings)
    _custody(settings, demo=False)
    _serve(settings, db, host, port)


SAMPLE_READS = "reads.json"


def _write_sample_reads(data_dir: Path) -> Path:
    """A small batch for the printed curl line: a few reads from demo cameras, taken just now."""
    import json
    from datetime import UTC, datetime, timedelta

    from plateward.demo import city

    now = datetime.now(UTC).replace(microsecond=0)
    fixed = [c for c in city.CAMERAS if c.kind == "fixed" and c.status == "active"][:3]
    rows = [
        {
            "camera": camera.code,
            "captured_at": (now - timedelta(minutes=n)).isoformat(),
            "plate": f"8DMO{n:03d}",
            "plate_state": "CA",
            "read_id": f"sample-{now:%Y%m%dT%H%M%S}-{n}",
        }
        for n, camera in enumerate(fixed, start=1)
    ]
    path = data_dir.resolve() / SAMPLE_READS
    path.touch(mode=0o600)  # plates, even made-up ones, stay private like the rest of the data
    path.chmod(0o600)
    path.write_text(json.dumps({"reads": rows}, indent=2) + "\n")
    return path


def _print_demo(result: object, settings: Settings, host: str, port: int) -> None:
    import shlex

    from plateward.demo.build import DemoCity

    assert isinstance(result, DemoCity)  # noqa: S101
    console.print(
        "[bold]Demo accounts[/bold] (sign in with the password and an authenticator code):"
    )
    for a in result.accounts:
        # soft_wrap: a password or secret is never cut or folded, whatever the terminal width.
        console.print(
            f"  {a.username:<13} {a.role:<16} password: {a.password}   TOTP secret: {a.totp_secret}"
            f"   ({a.name})",
            soft_wrap=True,
            highlight=False,
        )
    # Every printed command names the data directory and port this demo really uses.
    flag = _data_dir_flag(settings)
    console.print(
        f"Current code for an account: [bold]plateward totp USERNAME{flag}[/bold]",
        soft_wrap=True,
        highlight=False,
    )
    console.print(f"Reads stored: {result.reads_total:,}")
    console.print(f"Demo ingest token (camera network): {result.ingest_token}", soft_wrap=True)
    sample = _write_sample_reads(settings.data_dir)
    # A server listening on every interface is still reached locally.
    local = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104
    address = f"[{local}]" if ":" in local else local
    console.print(
        f"  curl -X POST http://{address}:{port}/api/v1/reads -H 'Authorization: Bearer "
        f"{result.ingest_token}' -H 'Content-Type: application/json' "
        f"-d @{shlex.quote(str(sample))}",
        soft_wrap=True,
        highlight=False,
    )


@app.command()
def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    data_dir: DataDir = None,
    reads: Annotated[
        int, typer.Option("--reads", min=0, help="Reads to generate (30 days).")
    ] = 60_000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the city and exit.")] = False,
) -> None:
    """Build the synthetic San José (cameras, agencies, people, reads) and serve it."""
    from plateward.demo.build import build_city

    # The demo answers CLETS verifications itself (DUP §4.3; a department configures its own).
    settings = _settings(data_dir).model_copy(update={"clets_adapter": "simulated"})
    db = _database(settings)
    try:
        with Progress(
            TextColumn("Generating reads"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("reads", total=reads)
            result = build_city(db, settings.data_dir, reads, lambda n: progress.advance(task, n))
        _sign_head(settings, db)
        _print_demo(result, settings, host, port)
        if not no_serve:
            _custody(settings, demo=True)
            _serve(settings, db, host, port)
    finally:
        db.dispose()


@app.command()
def ingest(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="NDJSON, CSV or JSON file.")
    ],
    data_dir: DataDir = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="ndjson, csv or json (default: by suffix).")
    ] = None,
) -> None:
    """Import reads from a file in batches; rejected rows are listed and quarantined."""
    from plateward.core.permissions import Actor
    from plateward.reads import service as reads
    from plateward.reads.files import FileFormat, iter_raw_rows

    settings = _settings(data_dir)
    db = _existing_database(settings)
    operator = Actor.system(f"cli:{file.name}")
    totals = {"received": 0, "stored": 0, "duplicates": 0, "rejected": 0}
    try:
        rows = iter_raw_rows(file, FileFormat(file_format) if file_format else None)
        with Progress(
            TextColumn("Ingesting"), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as progress:
            task = progress.add_task("rows", total=None)
            while batch := list(islice(rows, settings.max_batch_reads)):
                with db.unit_of_work() as uow:
                    report = reads.ingest(uow, operator, batch, "file")
                for key in ("received", "stored", "duplicates"):
                    totals[key] += getattr(report, key)
                totals["rejected"] += len(report.rejected)
                for r in report.rejected[:20]:
                    console.print(f"  rejected {r.position}: {r.reason}")
                progress.advance(task, len(batch))
    except (PlatewardError, ValueError) as exc:
        raise _fail(exc if isinstance(exc, PlatewardError) else PlatewardError(str(exc))) from exc
    finally:
        db.dispose()
    console.print(
        f"{totals['received']:,} rows: {totals['stored']:,} stored, "
        f"{totals['duplicates']:,} already stored, {totals['rejected']:,} quarantined"
    )


cameras_app = typer.Typer(help="Camera registry commands.", no_args_is_help=True)
app.add_typer(cameras_app, name="cameras")


@cameras_app.command("import")
def cameras_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV or GeoJSON camera list.")
    ],
    data_dir: DataDir = None,
) -> None:
    """Register or update the cameras a CSV or GeoJSON file lists; each change is audited."""
    from plateward.cameras import service as cameras
    from plateward.cameras.imports import read_camera_file
    from plateward.core.permissions import Actor

    settings = _settings(data_dir)
    db = _existing_database(settings)
    try:
        rows = read_camera_file(file)
    except PlatewardError as exc:
        db.dispose()
        raise _fail(exc) from exc
    operator = Actor.system(f"cli:{file.name}")
    counts = dict.fromkeys(cameras.Change, 0)
    failed = 0
    try:
        for row in rows:
            try:
                if row.spec is None:
                    raise PlatewardError(row.error or "unreadable row")
                with db.unit_of_work() as uow:
                    counts[cameras.import_camera(uow, operator, row.spec, row.attestation)] += 1
            except PlatewardError as exc:
                failed += 1
                console.print(f"  refused {row.position}: {exc.detail}", highlight=False)
    finally:
        db.dispose()
    console.print(
        f"{len(rows):,} cameras: {counts[cameras.Change.REGISTERED]:,} registered, "
        f"{counts[cameras.Change.UPDATED]:,} updated, "
        f"{counts[cameras.Change.UNCHANGED]:,} unchanged, {failed:,} refused"
    )
    if failed:
        raise typer.Exit(code=1)


@app.command()
def totp(username: str, data_dir: DataDir = None) -> None:
    """Print the current authenticator code for a demo account (demo data directories only)."""
    from plateward.accounts import sessions
    from plateward.core.database import Database
    from plateward.demo.build import demo_accounts

    settings = _settings(data_dir)
    problem = _missing_database(settings)
    if problem is not None:
        raise _refuse(problem)
    if username not in demo_accounts(settings.data_dir):
        raise _refuse("codes are printed only for demo accounts of a demo data directory.")
    db = Database.from_settings(settings)
    try:
        with db.unit_of_work() as uow:
            console.print(sessions.demo_totp_code(uow, username))
    finally:
        db.dispose()


audit_app = typer.Typer(help="Audit trail commands.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _audit_signing_key(settings: Settings) -> bytes:
    try:
        return settings.audit_signing_key
    except (OSError, ValueError) as exc:
        raise _fail(PlatewardError(f"cannot read the audit signing key: {exc}")) from exc


@audit_app.command("verify")
def audit_verify(
    data_dir: DataDir = None,
    witness_file: Annotated[
        Path | None,
        typer.Option(
            "--witness",
            exists=True,
            dir_okay=False,
            help="A copy of the witness file (signed checkpoints kept outside the database).",
        ),
    ] = None,
) -> None:
    """Walk the hash chain and check every signed checkpoint; exit 1 naming the first bad entry."""
    from plateward.core import witness
    from plateward.core.checkpoints import entry_hashes, public_key_hex, verify_trail

    settings = _settings(data_dir)
    db = _existing_database(settings, upgrade=False)
    trusted = public_key_hex(_audit_signing_key(settings))
    witnessed: list[witness.WitnessedCheckpoint] = []
    try:
        if witness_file is not None:
            witnessed = witness.read(witness_file)
        with db.unit_of_work() as uow:
            status = verify_trail(uow.session, trusted)
            hashes = entry_hashes(uow.session, {w.last_seq for w in witnessed})
    except ValueError as exc:
        raise _fail(PlatewardError(str(exc))) from exc
    finally:
        db.dispose()
    found = witness.problems(witnessed, hashes, trusted)
    if found:
        seq, problem = min(found)
        console.print(
            f"[red]Audit trail fails its witness at entry {seq}:[/red] {problem}", soft_wrap=True
        )
        raise typer.Exit(code=1)
    if not status.ok:
        console.print(
            f"[red]Audit chain broken at entry {status.first_bad_seq}:[/red] {status.problem}",
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    witnessed_note = f", {len(witnessed):,} witnessed checkpoint(s) match" if witness_file else ""
    console.print(
        f"Audit chain intact: {status.entries:,} entries verified, "
        f"{status.checkpoints:,} signed checkpoint(s) match{witnessed_note}.",
        soft_wrap=True,
    )


@audit_app.command("checkpoint")
def audit_checkpoint(data_dir: DataDir = None) -> None:
    """Sign the audit chain's current head now (DUP §9: a trail that cannot be cut short)."""
    from plateward.core.checkpoints import write_checkpoint
    from plateward.core.permissions import Actor

    settings = _settings(data_dir)
    db = _existing_database(settings)
    try:
        with db.unit_of_work() as uow:
            checkpoint = write_checkpoint(
                uow, _audit_signing_key(settings), Actor.system("cli:audit-checkpoint")
            )
            uow.commit()
    finally:
        db.dispose()
    # Printed in full so it can be kept off this machine: a copy the database cannot rewrite.
    console.print(
        f"Checkpoint written: entry {checkpoint.last_seq} hash {checkpoint.last_hash}\n"
        f"  public key {checkpoint.public_key}\n  signature {checkpoint.signature}",
        soft_wrap=True,
        highlight=False,
    )


jobs_app = typer.Typer(help="Background jobs (serve runs them too).", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("run")
def jobs_run(
    data_dir: DataDir = None,
    once: Annotated[bool, typer.Option("--once", help="Run the due jobs once and exit.")] = False,
    tick: Annotated[
        float, typer.Option("--tick", min=0.1, help="Seconds between looks for due jobs.")
    ] = 5.0,
    job: Annotated[
        str | None,
        typer.Option("--job", help="Run this one job now, due or not, and exit."),
    ] = None,
) -> None:
    """Run due background jobs in a loop (or --once); safe beside serve and other runners."""
    import threading

    from plateward.core.jobs import JobOutcome, Runner
    from plateward.core.log import log_to_stderr
    from plateward.jobs_catalog import catalog

    settings = _settings(data_dir)
    db = _existing_database(settings)
    log_to_stderr()
    from plateward.hotlists.wiring import register_matcher

    runner = Runner(db, catalog(settings))
    if job is not None and job not in runner.jobs:
        db.dispose()
        raise _refuse(f"No job is called {job!r}; the jobs are {', '.join(sorted(runner.jobs))}.")
    # Batches this runner finishes are matched against the hot lists (DESIGN: "reads in"); the
    # matcher is removed in `finally`, so nothing stays registered in the process after a refusal.
    stop_matching = register_matcher(settings)
    colour = {JobOutcome.OK: "green", JobOutcome.FAILED: "red", JobOutcome.ABANDONED: "yellow"}

    def report(run: JobRun) -> None:
        console.print(
            f"[{colour[run.outcome]}]{run.outcome.value:<9}[/] {run.name:<18} "
            f"{run.message or 'nothing to do'}",
            soft_wrap=True,
            highlight=False,
        )

    try:
        if once or job is not None:
            runs = runner.run_due() if job is None else _run_now(runner, job)
            for run in runs:
                report(run)
            console.print(f"{len(runs)} job(s) ran.")
            if any(run.outcome is JobOutcome.FAILED for run in runs):
                raise typer.Exit(code=1)
            return
        console.print(f"Running background jobs as {runner.name}  (Ctrl+C stops)")
        try:
            runner.run_forever(threading.Event(), tick, report)
        except KeyboardInterrupt:
            console.print("Stopped.")
    finally:
        stop_matching()
        db.dispose()


def _run_now(runner: Runner, name: str) -> list[JobRun]:
    ran = runner.run_now(name)
    if ran is None:
        console.print(f"{name} is running elsewhere right now; try again when it is done.")
    return [] if ran is None else [ran]


@jobs_app.command("status")
def jobs_status(data_dir: DataDir = None) -> None:
    """Show each background job: interval, last run, outcome, error, next run."""
    from zoneinfo import ZoneInfo

    from plateward.core.jobs import job_statuses
    from plateward.core.permissions import Actor

    settings = _settings(data_dir)
    db = _existing_database(settings)
    try:
        with db.unit_of_work() as uow:
            statuses = job_statuses(uow, Actor.system("cli:jobs-status"))
    finally:
        db.dispose()
    if not statuses:
        console.print("No job has run yet: start plateward serve or plateward jobs run.")
        return
    zone = ZoneInfo(settings.timezone)

    def when(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "never"

    for s in statuses:
        outcome = "running" if s.running_on else (s.last_outcome or "not yet run")
        colour = {"ok": "green", "failed": "red"}.get(outcome, "yellow")
        console.print(
            f"[bold]{s.name}[/bold]  every {int(s.every.total_seconds()) // 60} min  "
            f"[{colour}]{outcome}[/]  runs {s.runs}, failed {s.failures}  "
            f"last {when(s.last_finished_at)}  next {when(s.next_run_at)}",
            soft_wrap=True,
            highlight=False,
        )
        note = s.last_error if s.last_outcome == "failed" else s.last_message
        if note:
            console.print(f"    {note}", soft_wrap=True, highlight=False)


# Retention (issue 15): the purge on demand, and backups that forget.
def _register_retention() -> None:
    from plateward.retention.cli import backup_app, purge

    app.command("purge")(purge)
    app.add_typer(backup_app, name="backup")


_register_retention()
# --- Oversight and transparency (issue 18) ------------------------------------------------------

report_app = typer.Typer(help="Oversight reports (DUP §14).", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("annual")
def report_annual(
    year: Annotated[int, typer.Option("--year", help="The calendar year the report covers.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Where to write it (default: annual-report-YEAR.FORMAT)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf, html or csv.")] = "pdf",
    data_dir: DataDir = None,
) -> None:
    """Build the Annual Data Usage Report of YEAR (DUP §14) as PDF, HTML or CSV; audited."""
    from plateward.core.permissions import Actor
    from plateward.oversight import annual, annual_render
    from plateward.web.rendering import make_templates

    if fmt not in ("pdf", "html", "csv"):
        raise _refuse("the format is pdf, html or csv")
    settings = _settings(data_dir)
    db = _existing_database(settings)
    actor = Actor.system("cli:report-annual")
    try:
        with db.unit_of_work() as uow:
            view = annual.report(uow, actor, year)
            annual.record_export(uow, actor, year, fmt)
            doc = annual_render.Document(year, view.summary, view.plans, False, uow.now())
    except PlatewardError as exc:
        raise _fail(exc) from exc
    finally:
        db.dispose()
    target = output or Path(f"annual-report-{year}.{fmt}")
    if fmt == "csv":
        target.write_text(annual_render.csv_text(doc, view.figures), encoding="utf-8")
    else:
        page = annual_render.html(make_templates(settings.timezone).env, doc, view.figures)
        if fmt == "html":
            target.write_text(page, encoding="utf-8")
        else:
            target.write_bytes(annual_render.pdf(page))
    console.print(
        f"Annual Data Usage Report {year}: {view.figures.reads_total:,} reads, "
        f"{view.figures.hits_total:,} hits at {len(view.figures.locations)} location(s); "
        f"due {view.due}; written to {target}",
        soft_wrap=True,
        highlight=False,
    )


@audit_app.command("export")
def audit_export(
    output: Annotated[Path, typer.Option("--output", help="Where to write the JSON Lines file.")],
    data_dir: DataDir = None,
) -> None:
    """Export the whole trail with its hash chain and checkpoints in the open format (audited)."""
    from plateward.core.permissions import Actor
    from plateward.oversight import trail_export

    settings = _settings(data_dir)
    db = _existing_database(settings)
    lines = 0
    try:
        with db.unit_of_work() as uow, output.open("w", encoding="utf-8") as out:
            for line in trail_export.export_trail(uow, Actor.system("cli:audit-export")):
                out.write(line)
                lines += 1
    except PlatewardError as exc:
        raise _fail(exc) from exc
    finally:
        db.dispose()
    console.print(f"Audit trail exported: {lines:,} line(s) written to {output}", soft_wrap=True)


@audit_app.command("verify-export")
def audit_verify_export(
    export_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key", help="Trust only checkpoints signed by this key (hex, as published)."
        ),
    ] = None,
) -> None:
    """Check an exported trail offline, without any database: every hash, link and signature."""
    from plateward.oversight import export_rules

    with export_file.open(encoding="utf-8") as lines:
        result = export_rules.verify(lines, public_key)
    if not result.ok:
        console.print(f"[red]Export fails verification:[/red] {result.problem}", soft_wrap=True)
        raise typer.Exit(code=1)
    console.print(
        f"Export intact: {result.entries:,} entries chained, "
        f"{result.checkpoints:,} signed checkpoint(s) verified.",
        soft_wrap=True,
    )


# Scale-out (issue 21): the broker, the stream workers and the MQTT bridge.
from plateward.reads.stream_cli import bridge_app, broker_app  # noqa: E402
from plateward.reads.stream_cli import worker as _stream_worker  # noqa: E402

app.add_typer(broker_app, name="broker")
app.add_typer(bridge_app, name="bridge")
app.command("worker")(_stream_worker)
